package dev.lookout.app.security;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * What an API key may read. Each public {@code /api} route names the one scope it needs; the
 * route table in {@code ApiServer} is the only place that says which.
 */
public enum Scope {
    /** Users, posts and the email lookup. */
    READ_USERS("read:users"),
    /** Alerts, a user's alerts and the alert stream. */
    READ_ALERTS("read:alerts"),
    /** Listing and re-driving dead letters; never given unless asked for ({@code new-api-key --scopes}). */
    ADMIN_DEAD_LETTERS("admin:dead-letters");

    private final String label;

    Scope(final String label) {
        this.label = label;
    }

    /** The name used in configuration and in {@code WWW-Authenticate}, e.g. {@code read:users}. */
    public String label() {
        return label;
    }

    /**
     * @throws IllegalArgumentException naming the valid scopes
     */
    public static Scope parse(final String label) {
        final String wanted = label.trim().toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(scope -> scope.label.equals(wanted)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown scope '" + label + "' (valid: "
                        + Arrays.stream(values()).map(Scope::label).collect(Collectors.joining(", ")) + ")"));
    }
}
