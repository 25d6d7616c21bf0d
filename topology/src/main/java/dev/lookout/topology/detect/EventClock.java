package dev.lookout.topology.detect;

import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The newest event time a task has seen, kept in a store so it survives a restart. Minus the
 * grace it is the task's watermark: events before it are late.
 */
final class EventClock {

    static final long NONE = Long.MIN_VALUE;
    private static final String KEY = "clock";

    private final KeyValueStore<String, Long> store;
    private final long graceMs;
    private long newest;

    EventClock(final KeyValueStore<String, Long> store, final long graceMs) {
        this.store = store;
        this.graceMs = graceMs;
        final Long stored = store.get(KEY);
        this.newest = stored == null ? NONE : stored;
    }

    void observe(final long eventTime) {
        if (newest == NONE || eventTime > newest) {
            newest = eventTime;
            store.put(KEY, newest);
        }
    }

    /** Events before this will not be accepted any more; {@link #NONE} before the first event. */
    long watermark() {
        return newest == NONE ? NONE : newest - graceMs;
    }

    boolean isLate(final long eventTime) {
        return newest != NONE && eventTime < newest - graceMs;
    }
}
