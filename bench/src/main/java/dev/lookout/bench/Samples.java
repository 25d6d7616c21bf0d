package dev.lookout.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/** Repeated measurements of one figure: the median, with min–max, is what gets reported. */
public final class Samples {

    private final List<Double> values = new ArrayList<>();

    public Samples add(final double value) {
        values.add(value);
        return this;
    }

    public int size() {
        return values.size();
    }

    public double median() {
        final List<Double> sorted = sorted();
        final int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    public double min() {
        return sorted().get(0);
    }

    public double max() {
        return sorted().get(values.size() - 1);
    }

    /** {@code 123,456 (120,001–130,222)} with the given format for each number. */
    public String describe(final String format) {
        return String.format(Locale.ROOT, format, median()) + " (" + String.format(Locale.ROOT, format, min()) + "–"
                + String.format(Locale.ROOT, format, max()) + ")";
    }

    /** Per-run ratios of two figures measured side by side (run i of this over run i of {@code base}). */
    public Samples over(final Samples base) {
        if (base.size() != size()) {
            throw new IllegalArgumentException("ratios need as many runs of each figure");
        }
        final Samples ratios = new Samples();
        for (int i = 0; i < values.size(); i++) {
            ratios.add(values.get(i) / base.values.get(i));
        }
        return ratios;
    }

    /** Every value multiplied by a factor, e.g. 100 for percent. */
    public Samples times(final double factor) {
        final Samples scaled = new Samples();
        values.forEach(value -> scaled.add(value * factor));
        return scaled;
    }

    private List<Double> sorted() {
        if (values.isEmpty()) {
            throw new IllegalStateException("no measurement");
        }
        final List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted;
    }
}
