package dev.lookout.topology.detect;

import java.util.HashMap;
import java.util.Map;

import dev.lookout.internal.SourceWatermark;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * How far each auth-events partition (each login detector) has released failures, as the
 * credential-stuffing detector learns it through the repartition, and the watermark that follows:
 * the smallest one among the partitions that are not idle.
 *
 * <p>Failures of one address come from every partition, and partitions progress at different
 * speeds — by far, when a backlog is caught up after a restart. Taking the minimum is what makes
 * the order exact whatever the speeds (as Flink does with watermarks of parallel inputs). Until
 * every partition has reported, nothing is released. A partition that reports itself idle does not
 * hold the others back; a failure it sends later, older than the watermark, is a dead letter.
 */
final class SourceWatermarks {

    private final KeyValueStore<Integer, SourceWatermark> store;
    private final int sources;
    private final Map<Integer, SourceWatermark> known = new HashMap<>();

    SourceWatermarks(final KeyValueStore<Integer, SourceWatermark> store, final int sources) {
        this.store = store;
        this.sources = sources;
        try (KeyValueIterator<Integer, SourceWatermark> all = store.all()) {
            all.forEachRemaining((KeyValue<Integer, SourceWatermark> entry) -> known.put(entry.key, entry.value));
        }
    }

    void update(final int source, final long watermark, final boolean idle) {
        final SourceWatermark current = known.get(source);
        final long newest = current == null ? watermark : Math.max(current.getWatermark(), watermark);
        if (current == null || current.getWatermark() != newest || current.getIdle() != idle) {
            final SourceWatermark next = new SourceWatermark(newest, idle);
            known.put(source, next);
            store.put(source, next);
        }
    }

    /** Every failure before this has arrived; {@link EventClock#NONE} while a partition has not reported. */
    long watermark() {
        if (known.size() < sources) {
            return EventClock.NONE;
        }
        long lowestActive = Long.MAX_VALUE;
        long highest = EventClock.NONE;
        for (final SourceWatermark source : known.values()) {
            highest = Math.max(highest, source.getWatermark());
            if (!source.getIdle()) {
                lowestActive = Math.min(lowestActive, source.getWatermark());
            }
        }
        return lowestActive == Long.MAX_VALUE ? highest : lowestActive;
    }
}
