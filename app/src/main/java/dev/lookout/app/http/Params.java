package dev.lookout.app.http;

import java.time.DateTimeException;
import java.time.Instant;
import java.util.regex.Pattern;

import io.javalin.http.Context;

/** Checks request input before anything reaches a store: a bad value is a 400 that says what is wrong. */
final class Params {

    static final int MAX_ID_LENGTH = 128;
    static final int MAX_EMAIL_LENGTH = 254;
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:@+=-]*");
    private static final Pattern EPOCH_MILLIS = Pattern.compile("-?\\d{1,19}");

    private Params() {
    }

    /** An id path segment: 1 to 128 characters of letters, digits and {@code ._:@+=-}. */
    static String id(final Context ctx, final String name) {
        final String value = ctx.pathParam(name);
        if (value.length() > MAX_ID_LENGTH) {
            throw ApiError.badRequest(name + " is longer than " + MAX_ID_LENGTH + " characters");
        }
        if (!ID.matcher(value).matches()) {
            throw ApiError.badRequest(name + " must be letters, digits and ._:@+=- (starting with a letter or digit)");
        }
        return value;
    }

    /** An email address: at most 254 characters, one {@code @}, no spaces or control characters. */
    static String email(final String value) {
        if (value.isBlank() || value.length() > MAX_EMAIL_LENGTH) {
            throw ApiError.badRequest("email must have 1 to " + MAX_EMAIL_LENGTH + " characters");
        }
        final int at = value.indexOf('@');
        if (at <= 0 || at != value.lastIndexOf('@') || at == value.length() - 1
                || value.chars().anyMatch(c -> c <= ' ' || c == 0x7f)) {
            throw ApiError.badRequest("email must look like name@domain");
        }
        return value;
    }

    /** The {@code limit} query parameter within bounds, or the default when absent. */
    static int limit(final Context ctx, final int min, final int max, final int fallback) {
        return integer(ctx, "limit", min, max, fallback);
    }

    /** An integer query parameter within bounds, or the default when absent. */
    static int integer(final Context ctx, final String name, final int min, final int max, final int fallback) {
        final String text = ctx.queryParam(name);
        if (text == null) {
            return fallback;
        }
        final int value;
        try {
            value = Integer.parseInt(text.trim());
        } catch (NumberFormatException e) {
            throw ApiError.badRequest(name + " must be a whole number from " + min + " to " + max);
        }
        if (value < min || value > max) {
            throw ApiError.badRequest(name + " must be from " + min + " to " + max + ", was " + value);
        }
        return value;
    }

    /** A boolean query parameter: {@code true}, {@code false}, or absent (false). */
    static boolean flag(final Context ctx, final String name) {
        final String text = ctx.queryParam(name);
        if (text == null) {
            return false;
        }
        if (text.equalsIgnoreCase("true") || text.equalsIgnoreCase("false")) {
            return Boolean.parseBoolean(text);
        }
        throw ApiError.badRequest(name + " must be true or false");
    }

    /** An instant as ISO-8601 ({@code 2026-01-31T12:00:00Z}) or epoch milliseconds. */
    static Instant instant(final String name, final String text) {
        final String value = text.trim();
        try {
            if (EPOCH_MILLIS.matcher(value).matches()) {
                return Instant.ofEpochMilli(Long.parseLong(value));
            }
            return Instant.parse(value);
        } catch (DateTimeException | NumberFormatException e) {
            throw ApiError.badRequest(name + " must be an ISO-8601 instant such as 2026-01-31T12:00:00Z, or epoch "
                    + "milliseconds");
        }
    }
}
