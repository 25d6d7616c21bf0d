package dev.lookout.topology.ingest;

import java.time.Duration;

import dev.lookout.topology.StateStores;
import dev.lookout.topology.Topic;
import dev.lookout.topology.TopologySettings;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;

/**
 * The ingest of one input topic: source, {@link IngressGuard}, {@link Deduplicator}. Every
 * feature reads its input through this, so every input gets the same checks.
 *
 * <p>Inputs: the topic, read with {@link EventTimeExtractor}. Output: well-formed, on-time,
 * first-seen events. Stores: the input's event-time clock (when ordering matters) and its seen
 * ids (see {@link Deduplicator}), kept for the grace where there is a clock, since the guard
 * refuses anything older, and for the dedup horizon of event time where there is none.
 */
public final class Ingest {

    private Ingest() {
    }

    /** Names of an input's ingest steps and stores. */
    public record Steps(String source, String guard, String dedup, String clockStore, String idsStore) {
    }

    /**
     * Adds an input's ingest to the builder.
     *
     * @param steps names; {@code clockStore} null when the input's order does not matter
     */
    public static <V> KStream<String, V> read(final StreamsBuilder builder, final Topic<String, V> topic,
                                              final EventShape<V> shape, final Steps steps,
                                              final TopologySettings settings) {
        // Where ordering matters, the guard refuses an event more than the grace behind the input's
        // clock, a copy included, so ids need only be kept for the grace: few enough for the heap.
        // Elsewhere a copy may come any time within the dedup horizon (days): RocksDB.
        final boolean ordered = steps.clockStore() != null;
        final Duration horizon = ordered ? max(settings.grace(), Duration.ofMillis(1)) : settings.dedupHorizon();
        builder.addStateStore(ordered
                ? StateStores.recentIds(steps.idsStore())
                : StateStores.keyValue(steps.idsStore(), Serdes.Bytes(), Serdes.Long()));
        KStream<String, V> stream = builder.stream(topic.name(),
                topic.consumed(steps.source(), new EventTimeExtractor()));
        if (ordered) {
            builder.addStateStore(StateStores.clock(steps.clockStore()));
            stream = stream.processValues(() -> new IngressGuard<>(steps.guard(), topic.name(), shape,
                    steps.clockStore(), settings.grace()), Named.as(steps.guard()), steps.clockStore());
        } else {
            stream = stream.processValues(() -> new IngressGuard<>(steps.guard(), topic.name(), shape, null,
                    Duration.ZERO), Named.as(steps.guard()));
        }
        return stream.processValues(() -> new Deduplicator<>(topic.name(), steps.idsStore(), shape, horizon, ordered),
                Named.as(steps.dedup()), steps.idsStore());
    }

    private static Duration max(final Duration a, final Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }
}
