package dev.lookout.bench;

/** A part of docs/benchmarks.md: a title and Markdown, made only of figures the suite printed. */
public record Section(String title, String markdown) {
}
