package dev.lookout.topology.ingest;

import java.time.Duration;

import dev.lookout.topology.LookoutCounters;
import dev.lookout.topology.deadletter.Reasons;
import dev.lookout.topology.deadletter.RejectedRecordException;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The first step after a source: refuses what no later step can use, so that everything after it
 * may assume a well-formed event.
 *
 * <p>Refused, as dead letters with the original bytes (see
 * {@link dev.lookout.topology.deadletter.DeadLetterProcessingHandler}): a null key, a null value,
 * an empty event id, a key that differs from the payload's {@code user_id}/{@code post_id}, and,
 * where ordering matters, an event more than {@code grace} older than the newest event this
 * partition has seen ({@code late}).
 *
 * <p>Lateness is measured against this input's own clock, kept in a store, rather than the task's
 * stream time: a task may also read a repartition topic whose event times run ahead.
 *
 * @param <V> the event type
 */
public final class IngressGuard<V> implements FixedKeyProcessor<String, V, V> {

    private static final String CLOCK = "clock";

    private final String stage;
    private final String topic;
    private final EventShape<V> shape;
    private final String clockStoreName;
    private final long graceMs;
    private FixedKeyProcessorContext<String, V> context;
    private KeyValueStore<String, Long> clockStore;
    private LookoutCounters counters;
    private long clock = Long.MIN_VALUE;

    /**
     * @param clockStoreName the store of this input's clock, or null when ordering does not matter
     * @param grace how far behind the clock an event may be; ignored without a clock store
     */
    public IngressGuard(final String stage, final String topic, final EventShape<V> shape,
                        final String clockStoreName, final Duration grace) {
        this.stage = stage;
        this.topic = topic;
        this.shape = shape;
        this.clockStoreName = clockStoreName;
        this.graceMs = grace.toMillis();
    }

    @Override
    public void init(final FixedKeyProcessorContext<String, V> context) {
        this.context = context;
        this.counters = LookoutCounters.from(context.appConfigs());
        if (clockStoreName != null) {
            clockStore = context.getStateStore(clockStoreName);
            final Long stored = clockStore.get(CLOCK);
            clock = stored == null ? Long.MIN_VALUE : stored;
        }
    }

    @Override
    public void process(final FixedKeyRecord<String, V> record) {
        if (record.key() == null) {
            throw new RejectedRecordException(stage, Reasons.NULL_KEY, "record without a key in " + topic);
        }
        final V event = record.value();
        if (event == null) {
            throw new RejectedRecordException(stage, Reasons.NULL_VALUE,
                    "record without a value (tombstone) in " + topic + ": events are never deleted");
        }
        final String eventId = shape.eventId(event);
        if (eventId == null || eventId.isBlank()) {
            throw new RejectedRecordException(stage, Reasons.INVALID, "event without an event_id in " + topic);
        }
        final String expected = shape.expectedKey(event);
        if (!record.key().equals(expected)) {
            throw new RejectedRecordException(stage, Reasons.KEY_MISMATCH, "key '" + record.key() + "' differs from "
                    + shape.keyField() + " '" + expected + "' of event " + eventId);
        }
        if (clockStore != null) {
            checkLateness(event, eventId);
        }
        context.forward(record);
    }

    private void checkLateness(final V event, final String eventId) {
        final long eventTime = shape.eventTime(event);
        if (clock != Long.MIN_VALUE && eventTime < clock - graceMs) {
            counters.increment(LookoutCounters.Kind.LATE_EVENTS, topic);
            throw new RejectedRecordException(stage, Reasons.LATE, "event " + eventId + " occurred at " + eventTime
                    + ", " + (clock - eventTime) + " ms before the newest event " + clock + " of its partition; the "
                    + "grace is " + graceMs + " ms");
        }
        if (eventTime > clock) {
            clock = eventTime;
            clockStore.put(CLOCK, clock);
        }
    }
}
