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
 * Holds events until a watermark passes them, then releases them in event-time order, ties
 * broken by {@code event_id}.
 *
 * <p>Detection has to see events in order: which failure crosses the threshold, whether a
 * success came before or after it, all depend on it, and an alert cannot be taken back once
 * written. Holding events until the watermark passes them makes the outcome independent of the
 * order events arrive in, and so the same on every replay. The price is latency: an alert comes
 * out when the watermark passes its crossing event.
 *
 * <p>A watermark {@code w} promises that no event with a time before {@code w} will arrive any
 * more; events strictly before it are released. Buffered events live in a persistent store keyed
 * by (event time, event id), so the order survives a restart. An in-memory count of the buffered
 * times, rebuilt from the store when a task starts, says whether anything is due without opening a
 * store iterator, and where a scan for due events starts.
 */
public final class ReorderBuffer {

    private final KeyValueStore<Bytes, AuthEnvelope> buffer;
    private TreeMap<Long, Integer> bufferedTimes;

    public ReorderBuffer(final KeyValueStore<Bytes, AuthEnvelope> buffer) {
        this.buffer = buffer;
    }

    public void add(final AuthEnvelope envelope) {
        final AuthEvent event = envelope.getEvent();
        final long at = event.getOccurredAt().toEpochMilli();
        buffer.put(Keys.oldestFirst(at, event.getEventId()), envelope);
        times().merge(at, 1, Integer::sum);
    }

    /** Removes every event before {@code watermark} and hands them, in order, to {@code next}. */
    public void releaseBefore(final long watermark, final Consumer<AuthEnvelope> next) {
        final TreeMap<Long, Integer> times = times();
        if (times.isEmpty() || times.firstKey() >= watermark) {
            return;
        }
        final List<KeyValue<Bytes, AuthEnvelope>> due = new ArrayList<>();
        // From the oldest buffered time, not from the start: in RocksDB, released entries linger as
        // tombstones below it until compaction, and a scan from the start would step over them all.
        try (KeyValueIterator<Bytes, AuthEnvelope> range = buffer.range(Keys.oldestFirst(times.firstKey(), ""),
                Keys.oldestFirstUpTo(watermark - 1))) {
            range.forEachRemaining(due::add);
        }
        for (final KeyValue<Bytes, AuthEnvelope> entry : due) {
            // put(key, null) deletes like delete(key), but without reading back and deserializing
            // the old value, which delete returns and nobody here needs.
            buffer.put(entry.key, null);
        }
        times.headMap(watermark, false).clear();
        for (final KeyValue<Bytes, AuthEnvelope> entry : due) {
            next.accept(entry.value);
        }
    }

    /**
     * The newest buffered event time, or {@link EventClock#NONE} when nothing is buffered. Under a
     * watermark of newest event time − grace this is the newest event time ever added: an event
     * leaves only once a newer one has arrived.
     */
    public long newestTime() {
        final TreeMap<Long, Integer> times = times();
        return times.isEmpty() ? EventClock.NONE : times.lastKey();
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
