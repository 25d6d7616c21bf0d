package dev.lookout.topology.detect;

import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The newest event time a task has seen. Minus the grace it is the task's watermark: events before
 * it are late.
 *
 * <p>It survives a restart without being written on every event: the newest event stays in the
 * task's {@link ReorderBuffer} until a newer one arrives (nothing leaves before newest − grace), so
 * on start the clock is the newest buffered time. The store gets the clock at most once per
 * {@value #PERSIST_STEP_MS} ms of event time, as a floor for the same start (and a readable
 * progress mark); the later of the two is the clock.
 */
final class EventClock {

    static final long NONE = Long.MIN_VALUE;
    private static final String KEY = "clock";
    private static final long PERSIST_STEP_MS = 1_000;

    private final KeyValueStore<String, Long> store;
    private final long graceMs;
    private long newest;
    private long persisted;

    /**
     * @param newestBuffered the newest event time in the task's reorder buffer, or {@link #NONE}
     */
    EventClock(final KeyValueStore<String, Long> store, final long graceMs, final long newestBuffered) {
        this.store = store;
        this.graceMs = graceMs;
        final Long stored = store.get(KEY);
        this.persisted = stored == null ? NONE : stored;
        this.newest = Math.max(persisted, newestBuffered);
    }

    void observe(final long eventTime) {
        if (newest == NONE || eventTime > newest) {
            newest = eventTime;
            // NONE is Long.MIN_VALUE: subtracting it would overflow, so the first write is tested apart.
            if (persisted == NONE || newest - persisted >= PERSIST_STEP_MS) {
                store.put(KEY, newest);
                persisted = newest;
            }
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
