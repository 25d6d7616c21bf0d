package dev.lookout.topology;

import dev.lookout.events.AuthEvent;
import dev.lookout.events.ContentEvent;
import dev.lookout.events.SecurityAlert;
import dev.lookout.events.UserEvent;
import org.apache.kafka.common.serialization.Serdes;

/**
 * The public topics as typed values: the three inputs, the alerts output and the dead-letter
 * topic (raw bytes: a dead letter is kept exactly as it arrived).
 */
public record Topics(
        Topic<String, UserEvent> userEvents,
        Topic<String, ContentEvent> contentEvents,
        Topic<String, AuthEvent> authEvents,
        Topic<String, SecurityAlert> securityAlerts,
        Topic<byte[], byte[]> deadLetters) {

    public static Topics of(final EventSerdes serdes) {
        return new Topics(
                new Topic<>(Names.USER_EVENTS, Serdes.String(), serdes.userEvents()),
                new Topic<>(Names.CONTENT_EVENTS, Serdes.String(), serdes.contentEvents()),
                new Topic<>(Names.AUTH_EVENTS, Serdes.String(), serdes.authEvents()),
                new Topic<>(Names.SECURITY_ALERTS, Serdes.String(), serdes.securityAlerts()),
                new Topic<>(Names.DEAD_LETTERS, Serdes.ByteArray(), Serdes.ByteArray()));
    }
}
