package dev.lookout.topology.ingest;

import dev.lookout.events.AuthEvent;
import dev.lookout.events.ContentEvent;
import dev.lookout.events.SecurityAlert;
import dev.lookout.events.UserEvent;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.processor.TimestampExtractor;

/**
 * Event time is {@code occurred_at} ({@code detected_at} for an alert), not the record's
 * timestamp: windows, grace and the history all follow it, whatever timestamps a producer or a
 * topic's {@code message.timestamp.type} gives the records.
 *
 * <p>A record that has no event time (a null value on its way to the dead-letter topic) gets the
 * partition's current time, so that a bad record never moves stream time.
 */
public final class EventTimeExtractor implements TimestampExtractor {

    @Override
    public long extract(final ConsumerRecord<Object, Object> record, final long partitionTime) {
        final Object value = record.value();
        final long eventTime;
        if (value instanceof UserEvent event) {
            eventTime = event.getOccurredAt().toEpochMilli();
        } else if (value instanceof AuthEvent event) {
            eventTime = event.getOccurredAt().toEpochMilli();
        } else if (value instanceof ContentEvent event) {
            eventTime = event.getOccurredAt().toEpochMilli();
        } else if (value instanceof SecurityAlert alert) {
            eventTime = alert.getDetectedAt().toEpochMilli();
        } else {
            eventTime = -1;
        }
        if (eventTime >= 0) {
            return eventTime;
        }
        return partitionTime >= 0 ? partitionTime : Math.max(0, record.timestamp());
    }
}
