package dev.lookout.bench;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;

/**
 * What every suite gets: the scale (full or smoke), how many runs per figure, a scratch directory,
 * and where to print. Suites print every figure they report, as it is measured.
 *
 * @param smoke a tiny run that only proves the harness works; its figures mean nothing
 * @param runs runs per figure (the median is reported; at least 3 in a full run)
 */
public record BenchContext(boolean smoke, int runs, Path workDir, PrintStream out) {

    /** {@code full} at full scale, {@code smoke} in a smoke run. */
    public int scale(final int full, final int smoke) {
        return this.smoke ? smoke : full;
    }

    public void print(final String format, final Object... args) {
        out.println(String.format(Locale.ROOT, format, args));
        out.flush();
    }
}
