package dev.lookout.topology.detect;

import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.function.Consumer;

import dev.lookout.events.AuthEvent;
import dev.lookout.internal.AuthEnvelope;
import dev.lookout.topology.Keys;
import org.apache.kafka.common.utils.Bytes;
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
 * by (event time, event id), so that they survive a restart; the store is only written and read
 * by key ({@link dev.lookout.topology.StateStores#queue}). The order lives here, in a binary heap
 * on the same keys, rebuilt from the store when a task starts: an event costs one insert and one
 * removal of the heap, and nothing is due while its head is at or after the watermark.
 */
public final class ReorderBuffer {

    /** A buffered event under its store key; ordered as the keys are, by time first. */
    private record Pending(long time, Bytes key, AuthEnvelope envelope) implements Comparable<Pending> {
        @Override
        public int compareTo(final Pending other) {
            final int byTime = Long.compare(time, other.time);
            return byTime != 0 ? byTime : key.compareTo(other.key);
        }
    }

    private final KeyValueStore<Bytes, AuthEnvelope> buffer;
    private PriorityQueue<Pending> pending;
    /** The newest time in {@link #pending}; meaningless while it is empty. */
    private long newest;

    public ReorderBuffer(final KeyValueStore<Bytes, AuthEnvelope> buffer) {
        this.buffer = buffer;
    }

    public void add(final AuthEnvelope envelope) {
        final AuthEvent event = envelope.getEvent();
        final long at = event.getOccurredAt().toEpochMilli();
        final Bytes key = Keys.oldestFirst(at, event.getEventId());
        // The same event twice (same time and id; deduplication lets none through) is held once.
        if (buffer.get(key) != null) {
            return;
        }
        hold(new Pending(at, key, envelope));
        buffer.put(key, envelope);
    }

    private void hold(final Pending event) {
        final PriorityQueue<Pending> queue = pending();
        queue.add(event);
        newest = queue.size() == 1 ? event.time() : Math.max(newest, event.time());
    }

    /** Removes every event before {@code watermark} and hands them, in order, to {@code next}. */
    public void releaseBefore(final long watermark, final Consumer<AuthEnvelope> next) {
        final PriorityQueue<Pending> queue = pending();
        if (queue.isEmpty() || queue.peek().time() >= watermark) {
            return;
        }
        final List<AuthEnvelope> due = new ArrayList<>();
        while (!queue.isEmpty() && queue.peek().time() < watermark) {
            final Pending released = queue.poll();
            // put(key, null) deletes like delete(key), but without reading back the old value,
            // which delete returns and nobody here needs.
            buffer.put(released.key(), null);
            due.add(released.envelope());
        }
        due.forEach(next);
    }

    /**
     * The newest buffered event time, or {@link EventClock#NONE} when nothing is buffered. Under a
     * watermark of newest event time − grace this is the newest event time ever added: an event
     * leaves only once a newer one has arrived.
     */
    public long newestTime() {
        return pending().isEmpty() ? EventClock.NONE : newest;
    }

    private PriorityQueue<Pending> pending() {
        if (pending == null) {
            pending = new PriorityQueue<>();
            try (KeyValueIterator<Bytes, AuthEnvelope> all = buffer.all()) {
                all.forEachRemaining(entry -> hold(new Pending(Keys.timeOfOldestFirst(entry.key), entry.key,
                        entry.value)));
            }
        }
        return pending;
    }
}
