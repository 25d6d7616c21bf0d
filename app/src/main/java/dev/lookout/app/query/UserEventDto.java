package dev.lookout.app.query;

import java.time.Instant;
import java.util.Map;

/**
 * One applied event of a user's history, as the API serves it: a user event, or a post or
 * comment the user wrote.
 *
 * @param type the payload's record name in the event contract, e.g. {@code UserEmailChanged}
 * @param fields the payload's fields, named as in the contract
 * @param origin where the event was read: topic, partition, offset
 */
public record UserEventDto(String eventId, String type, Instant occurredAt, Map<String, Object> fields,
                           Origin origin) {

    /** An input record's place in Kafka. */
    public record Origin(String topic, int partition, long offset) {
    }
}
