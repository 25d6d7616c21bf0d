package dev.lookout.app.kafka;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.lookout.app.query.UserEventDto;
import dev.lookout.events.ContentEvent;
import dev.lookout.events.UserEvent;
import dev.lookout.internal.Origin;
import dev.lookout.internal.UserHistoryEntry;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;

/** The events of a user's history as the API serves them. */
final class UserEvents {

    private UserEvents() {
    }

    static UserEventDto toDto(final UserHistoryEntry entry) {
        final Object event = entry.getEvent();
        final String eventId;
        final Instant occurredAt;
        final SpecificRecord payload;
        if (event instanceof UserEvent user) {
            eventId = user.getEventId();
            occurredAt = user.getOccurredAt();
            payload = (SpecificRecord) user.getPayload();
        } else {
            final ContentEvent content = (ContentEvent) event;
            eventId = content.getEventId();
            occurredAt = content.getOccurredAt();
            payload = (SpecificRecord) content.getPayload();
        }
        final Origin origin = entry.getOrigin();
        return new UserEventDto(eventId, payload.getSchema().getName(), occurredAt, fields(payload),
                new UserEventDto.Origin(origin.getTopic(), origin.getPartition(), origin.getOffset()));
    }

    /** The payload's fields by their contract names, with values JSON can carry. */
    private static Map<String, Object> fields(final SpecificRecord payload) {
        final Map<String, Object> fields = new LinkedHashMap<>();
        for (final Schema.Field field : payload.getSchema().getFields()) {
            fields.put(field.name(), plain(payload.get(field.pos())));
        }
        return fields;
    }

    private static Object plain(final Object value) {
        if (value instanceof CharSequence text) {
            return text.toString();
        }
        if (value instanceof Enum<?> symbol) {
            return symbol.name();
        }
        if (value instanceof ByteBuffer bytes) {
            return bytes.remaining() + " bytes";
        }
        return value;
    }
}
