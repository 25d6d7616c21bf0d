package dev.lookout.bench;

/** One benchmark: measures its figures next to their ceiling, prints them, and returns its section. */
public interface Suite {

    /** Short id for {@code --only}, e.g. {@code throughput}. */
    String id();

    /** Runs at the scale of {@code bench} and returns what goes into docs/benchmarks.md. */
    Section run(BenchContext bench) throws Exception;
}
