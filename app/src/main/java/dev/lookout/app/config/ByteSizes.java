package dev.lookout.app.config;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import picocli.CommandLine;

/**
 * Reads sizes as plain bytes ({@code 268435456}) or in binary units: {@code 512KiB}, {@code 256MiB},
 * {@code 1GiB} (the Kubernetes forms {@code Ki}, {@code Mi}, {@code Gi} too). Decimal units such as
 * {@code MB} are refused rather than guessed at.
 */
public final class ByteSizes implements CommandLine.ITypeConverter<Long> {

    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(b|ki|kib|mi|mib|gi|gib|ti|tib)?");

    @Override
    public Long convert(final String value) {
        return parse(value);
    }

    public static long parse(final String value) {
        final Matcher matcher = SIZE.matcher(value.trim().toLowerCase(Locale.ROOT));
        if (!matcher.matches()) {
            throw notASize(value);
        }
        final String unit = matcher.group(2) == null ? "b" : matcher.group(2);
        final int shift = switch (unit.charAt(0)) {
            case 'k' -> 10;
            case 'm' -> 20;
            case 'g' -> 30;
            case 't' -> 40;
            default -> 0;
        };
        try {
            return Math.multiplyExact(Long.parseLong(matcher.group(1)), 1L << shift);
        } catch (NumberFormatException | ArithmeticException e) {
            throw new CommandLine.TypeConversionException("'" + value + "' is too large a size");
        }
    }

    private static CommandLine.TypeConversionException notASize(final String value) {
        return new CommandLine.TypeConversionException("'" + value + "' is not a size: use bytes, or KiB, MiB, GiB, "
                + "e.g. 268435456, 256MiB or 1GiB");
    }
}
