package dev.lookout.bench;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;

/**
 * What every suite gets: the scale (full or smoke), how many runs per figure, a scratch directory,
 * and where to print. Suites print every figure they report, as it is measured.
 *
 * @param smoke a tiny run that only proves the harness works; its figures mean nothing
 * @param runs runs per figure (the median is reported; 3 by default)
 * @param scaleFactor multiplies every full-run size ({@code --scale}); 1 for the recorded figures
 */
public record BenchContext(boolean smoke, int runs, double scaleFactor, Path workDir, PrintStream out) {

    /** {@code full} at full scale, {@code smoke} in a smoke run. */
    public int scale(final int full, final int smoke) {
        return this.smoke ? smoke : (int) Math.max(smoke, Math.round(full * scaleFactor));
    }

    public void print(final String format, final Object... args) {
        out.println(String.format(Locale.ROOT, format, args));
        out.flush();
    }
}
