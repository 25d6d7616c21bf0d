package dev.lookout.bench;

import java.util.List;

/** One benchmark: measures its figures next to their ceiling, prints them, and returns its sections. */
public interface Suite {

    /** Short id for {@code --only}, e.g. {@code throughput}. */
    String id();

    /** Runs at the scale of {@code bench} and returns what goes into docs/benchmarks.md. */
    List<Section> run(BenchContext bench) throws Exception;
}
