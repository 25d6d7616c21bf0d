package dev.lookout.app.logging;

import java.util.regex.Pattern;

/**
 * Masks personal data and secrets in text that goes to the log: an email keeps its first
 * character and its domain ({@code a***@example.com}, also URL-encoded as {@code a***%40...}), and
 * a bearer token or an {@code lk_} token keeps only its prefix. The same rules are the last line of
 * defence in {@code logback.xml}, which applies them to every line, stack traces included; code
 * that puts a path, a query or an address into a message masks it here too.
 */
public final class Masking {

    /** Kept identical to the first {@code %replace} in logback.xml; {@code LogMaskingTest} checks both. */
    public static final String EMAIL = "([A-Za-z0-9._+-])[A-Za-z0-9._%+-]*?(@|%40)([A-Za-z0-9-]+[.][A-Za-z0-9.-]+)";
    /** Kept identical to the second {@code %replace} in logback.xml. */
    public static final String TOKEN = "(?i)(bearer\\s+|lk_)[A-Za-z0-9._~+/=-]+";

    private static final Pattern EMAIL_PATTERN = Pattern.compile(EMAIL);
    private static final Pattern TOKEN_PATTERN = Pattern.compile(TOKEN);

    private Masking() {
    }

    /** The text with every email and token masked. */
    public static String mask(final String text) {
        if (text == null) {
            return null;
        }
        return TOKEN_PATTERN.matcher(EMAIL_PATTERN.matcher(text).replaceAll("$1***$2$3")).replaceAll("$1***");
    }
}
