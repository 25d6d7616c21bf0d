package dev.lookout.topology.ingest;

import java.time.Duration;

import dev.lookout.topology.LookoutCounters;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;

/**
 * Drops an event whose {@code event_id} was already seen within the dedup horizon, so that a
 * producer's retry or a replay changes no view, no counter and no alert.
 *
 * <p>Ids live in a window store keyed by {@code event_id} at the event's time, with retention
 * equal to the horizon: old ids expire segment by segment, so the store stays bounded. A duplicate
 * is the same event sent again, so it carries the same key and lands in the same partition and
 * task as the original. Duplicates are counted ({@code lookout_duplicates_total}).
 *
 * @param <V> the event type
 */
public final class Deduplicator<V> implements FixedKeyProcessor<String, V, V> {

    private final String topic;
    private final String storeName;
    private final EventShape<V> shape;
    private final long horizonMs;
    private FixedKeyProcessorContext<String, V> context;
    private WindowStore<String, Long> seen;
    private LookoutCounters counters;

    public Deduplicator(final String topic, final String storeName, final EventShape<V> shape, final Duration horizon) {
        this.topic = topic;
        this.storeName = storeName;
        this.shape = shape;
        this.horizonMs = horizon.toMillis();
    }

    @Override
    public void init(final FixedKeyProcessorContext<String, V> context) {
        this.context = context;
        this.seen = context.getStateStore(storeName);
        this.counters = LookoutCounters.from(context.appConfigs());
    }

    @Override
    public void process(final FixedKeyRecord<String, V> record) {
        final String eventId = shape.eventId(record.value());
        final long time = record.timestamp();
        try (WindowStoreIterator<Long> earlier = seen.fetch(eventId, Math.max(0, time - horizonMs),
                time + horizonMs)) {
            if (earlier.hasNext()) {
                counters.increment(LookoutCounters.Kind.DUPLICATES, topic);
                return;
            }
        }
        seen.put(eventId, time, time);
        context.forward(record);
    }
}
