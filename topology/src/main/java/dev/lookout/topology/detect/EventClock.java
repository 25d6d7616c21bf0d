package dev.lookout.topology.detect;

import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The newest event time a task has seen, and the watermark that follows from it: events before
 * the watermark are late.
 *
 * <p>The watermark is normally the newest event time minus the grace. After a quiet release
 * ({@link #releaseAll}: the partition received nothing for the idle timeout, so everything it held
 * was released) it is at least one millisecond past the newest event time released then: an event
 * at or before that time would come after events it should have preceded, so it is late.
 *
 * <p>It survives a restart without being written on every event: the newest event stays in the
 * task's {@link ReorderBuffer} until a newer one arrives or a quiet release, so on start the clock
 * is the newest buffered time. The store gets the clock at most once per {@value #PERSIST_STEP_MS}
 * ms of event time, as a floor for the same start (and a readable progress mark); the later of the
 * two is the clock. A quiet release empties the buffer, so it writes the clock and the released
 * time at once.
 */
final class EventClock {

    static final long NONE = Long.MIN_VALUE;
    private static final String KEY = "clock";
    private static final String RELEASED_KEY = "released";
    private static final long PERSIST_STEP_MS = 1_000;

    private final KeyValueStore<String, Long> store;
    private final long graceMs;
    private long newest;
    private long persisted;
    private long released;

    /**
     * @param newestBuffered the newest event time in the task's reorder buffer, or {@link #NONE}
     */
    EventClock(final KeyValueStore<String, Long> store, final long graceMs, final long newestBuffered) {
        this.store = store;
        this.graceMs = graceMs;
        final Long stored = store.get(KEY);
        this.persisted = stored == null ? NONE : stored;
        this.newest = Math.max(persisted, newestBuffered);
        final Long storedRelease = store.get(RELEASED_KEY);
        this.released = storedRelease == null ? NONE : storedRelease;
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

    /**
     * Marks everything up to the newest event time as released, and returns the new watermark;
     * {@link #NONE} when no event was ever seen.
     */
    long releaseAll() {
        if (newest == NONE) {
            return NONE;
        }
        released = newest;
        persisted = newest;
        store.put(KEY, newest);
        store.put(RELEASED_KEY, released);
        return watermark();
    }

    /** Events before this will not be accepted any more; {@link #NONE} before the first event. */
    long watermark() {
        if (newest == NONE) {
            return NONE;
        }
        final long graceWatermark = newest - graceMs;
        return released == NONE ? graceWatermark : Math.max(graceWatermark, released + 1);
    }

    boolean isLate(final long eventTime) {
        return newest != NONE && eventTime < watermark();
    }
}
