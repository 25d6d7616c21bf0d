package dev.lookout.topology.detect;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

import dev.lookout.events.AlertKind;

/**
 * Alert ids are derived, never random: a name-based UUID of the kind, the subject (user or
 * address) and the first triggering event. Replaying the same input yields the same ids, so
 * consumers can deduplicate alerts by id.
 */
public final class AlertIds {

    private AlertIds() {
    }

    public static String of(final AlertKind kind, final String subject, final String firstEventId) {
        return UUID.nameUUIDFromBytes((kind.name() + '\n' + subject + '\n' + firstEventId)
                .getBytes(StandardCharsets.UTF_8)).toString();
    }
}
