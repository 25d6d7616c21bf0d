package dev.lookout.bench;

import java.util.List;

/**
 * A part of docs/benchmarks.md: a title, Markdown and charts, made only of figures the suite
 * printed.
 */
public record Section(String title, String markdown, List<Chart> charts) {

    public Section {
        charts = List.copyOf(charts);
    }

    public Section(final String title, final String markdown) {
        this(title, markdown, List.of());
    }
}
