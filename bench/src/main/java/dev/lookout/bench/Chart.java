package dev.lookout.bench;

import java.util.List;
import java.util.Map;

/**
 * A figure of a section, drawn as an SVG file next to docs/benchmarks.md ({@link Charts}). Made
 * only of figures the suite measured in the same run.
 */
public sealed interface Chart permits Chart.Bars, Chart.Cdf {

    /** The file name, without extension, under docs/benchmarks/. */
    String file();

    String title();

    /**
     * Bars by category, one colour per series: e.g. the pass-through and Lookout, for each input.
     *
     * @param series the values of each series, one per category, in category order
     */
    record Bars(String file, String title, String yTitle, List<String> categories,
                Map<String, List<Double>> series) implements Chart {
    }

    /** Cumulative distributions of samples, one line per series: the share of samples at most x. */
    record Cdf(String file, String title, String xTitle, Map<String, List<Double>> samples) implements Chart {
    }
}
