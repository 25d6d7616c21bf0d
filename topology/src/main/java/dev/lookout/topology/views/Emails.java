package dev.lookout.topology.views;

import java.util.Locale;

/** Email addresses are compared case-insensitively: the index is keyed by the trimmed, lower-cased address. */
public final class Emails {

    private Emails() {
    }

    public static String normalise(final String email) {
        return email.trim().toLowerCase(Locale.ROOT);
    }
}
