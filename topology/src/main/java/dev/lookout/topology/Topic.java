package dev.lookout.topology;

import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.processor.TimestampExtractor;

/**
 * A topic with its serdes, so that a topic's serdes are chosen once and never wired twice.
 *
 * @param <K> key type
 * @param <V> value type
 */
public record Topic<K, V>(String name, Serde<K> keySerde, Serde<V> valueSerde) {

    /** How a source reads it, with a named source node and an event-time extractor. */
    public Consumed<K, V> consumed(final String sourceName, final TimestampExtractor timestamps) {
        return Consumed.with(keySerde, valueSerde).withName(sourceName).withTimestampExtractor(timestamps);
    }

    /** How a source reads it, with the record timestamps as they are. */
    public Consumed<K, V> consumed(final String sourceName) {
        return Consumed.with(keySerde, valueSerde).withName(sourceName);
    }

    /** How a named sink writes it. */
    public Produced<K, V> produced(final String sinkName) {
        return Produced.with(keySerde, valueSerde).withName(sinkName);
    }
}
