package dev.lookout.topology.detect;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.function.Consumer;

import dev.lookout.events.AuthEvent;
import dev.lookout.internal.AuthEnvelope;
import dev.lookout.topology.Keys;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Holds events until the watermark (the newest event time seen, minus the grace) passes them,
 * then releases them in event-time order, ties broken by {@code event_id}.
 *
 * <p>Detection has to see events in order: which failure crosses the threshold, whether a
 * success came before or after it, all depend on it, and an alert cannot be taken back once
 * written. Holding events for the grace period makes the outcome independent of the order events
 * arrive in within the grace, and so the same on every replay. The price is latency: an alert
 * comes out when the watermark passes its crossing event.
 *
 * <p>Buffered events live in a store keyed by (event time, event id), so the order survives a
 * restart; the clock lives in a second store. An in-memory count of the buffered event times,
 * rebuilt from the store when a task starts, says whether anything is due without opening a store
 * iterator (which, for Kafka's in-memory store, copies the keys it covers).
 */
public final class ReorderBuffer {

    private static final String CLOCK = "clock";
    private static final long NONE = Long.MIN_VALUE;

    private final KeyValueStore<Bytes, AuthEnvelope> buffer;
    private final KeyValueStore<String, Long> clockStore;
    private final long graceMs;
    private long clock;
    private TreeMap<Long, Integer> bufferedTimes;

    public ReorderBuffer(final KeyValueStore<Bytes, AuthEnvelope> buffer, final KeyValueStore<String, Long> clockStore,
                         final long graceMs) {
        this.buffer = buffer;
        this.clockStore = clockStore;
        this.graceMs = graceMs;
        final Long stored = clockStore.get(CLOCK);
        this.clock = stored == null ? NONE : stored;
    }

    /** Whether an event at this time would be released out of order: older than the watermark. */
    public boolean isLate(final long eventTime) {
        return clock != NONE && eventTime < clock - graceMs;
    }

    /** The newest event time seen minus the grace; events at or before it have been released. */
    public long watermark() {
        return clock == NONE ? NONE : clock - graceMs;
    }

    public void add(final AuthEnvelope envelope) {
        final AuthEvent event = envelope.getEvent();
        final long at = event.getOccurredAt().toEpochMilli();
        buffer.put(Keys.oldestFirst(at, event.getEventId()), envelope);
        if (clock == NONE || at > clock) {
            clock = at;
            clockStore.put(CLOCK, clock);
        }
        times().merge(at, 1, Integer::sum);
    }

    /** Removes every event at or before the watermark and hands them, in order, to {@code next}. */
    public void release(final Consumer<AuthEnvelope> next) {
        final long watermark = watermark();
        final TreeMap<Long, Integer> times = times();
        if (times.isEmpty() || times.firstKey() > watermark) {
            return;
        }
        final List<KeyValue<Bytes, AuthEnvelope>> due = new ArrayList<>();
        try (KeyValueIterator<Bytes, AuthEnvelope> range = buffer.range(null, Keys.oldestFirstUpTo(watermark))) {
            range.forEachRemaining(due::add);
        }
        for (final KeyValue<Bytes, AuthEnvelope> entry : due) {
            buffer.delete(entry.key);
        }
        times.headMap(watermark, true).clear();
        for (final KeyValue<Bytes, AuthEnvelope> entry : due) {
            next.accept(entry.value);
        }
    }

    private TreeMap<Long, Integer> times() {
        if (bufferedTimes == null) {
            bufferedTimes = new TreeMap<>();
            try (KeyValueIterator<Bytes, AuthEnvelope> all = buffer.all()) {
                all.forEachRemaining(entry -> bufferedTimes.merge(Keys.timeOfOldestFirst(entry.key), 1, Integer::sum));
            }
        }
        return bufferedTimes;
    }
}
