package dev.lookout.topology.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.function.Function;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

/**
 * How the deduplicator finds the ids due when its task starts on a store that already holds ids
 * (after a restart, a rebalance or a restore): both ways, listing each generation's ids
 * ({@link Deduplicator.Listed}) and scanning the generations due ({@link Deduplicator.Scanned}),
 * must take up the ids already there, oldest generation first, a few per event.
 */
class DeduplicatorExpiryTest {

    private final KeyValueStore<Bytes, Long> store = Stores.keyValueStoreBuilder(
            Stores.inMemoryKeyValueStore("ids"), Serdes.Bytes(), Serdes.Long()).withLoggingDisabled().build();

    DeduplicatorExpiryTest() {
        final Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "expiry-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        store.init(new MockProcessorContext<>(props).getStateStoreContext(), store);
    }

    private void put(final long generation, final String id) {
        store.put(Deduplicator.key(generation, id.getBytes(StandardCharsets.UTF_8)), generation);
    }

    /** The generations of the ids left in the store, in key order. */
    private List<Long> generationsLeft() {
        final List<Long> left = new ArrayList<>();
        try (KeyValueIterator<Bytes, Long> all = store.all()) {
            all.forEachRemaining(entry -> left.add(entry.value));
        }
        return left;
    }

    private void startsOnIdsAlreadyStored(final Function<KeyValueStore<Bytes, Long>, Deduplicator.Expiry> start) {
        for (int i = 0; i < 6; i++) {
            put(0, "a-" + i);
        }
        put(1, "b-0");
        put(4, "c-0");
        put(5, "d-0");

        final Deduplicator.Expiry expiry = start.apply(store);

        assertThat(expiry.newestGeneration()).isEqualTo(5);
        expiry.expire(4);
        assertThat(generationsLeft()).as("a few ids per event, the oldest generation first")
                .hasSize(9 - Deduplicator.EXPIRE_PER_EVENT).startsWith(0L);
        expiry.expire(4);
        expiry.expire(4);
        assertThat(generationsLeft()).as("every generation before the one kept from").containsExactly(4L, 5L);

        put(5, "d-1");
        expiry.remembered(5, Deduplicator.key(5, "d-1".getBytes(StandardCharsets.UTF_8)), 5);
        expiry.expire(5);
        assertThat(generationsLeft()).containsExactly(5L, 5L);
        expiry.expire(6);
        assertThat(generationsLeft()).as("an id remembered after the start goes in its turn").isEmpty();
    }

    @Test
    void listingTakesUpTheIdsInTheStoreWhenItsTaskStarts() {
        startsOnIdsAlreadyStored(Deduplicator.Listed::new);
    }

    @Test
    void scanningTakesUpTheIdsInTheStoreWhenItsTaskStarts() {
        startsOnIdsAlreadyStored(Deduplicator.Scanned::new);
    }

    @Test
    void anEmptyStoreHasNoNewestGeneration() {
        assertThat(new Deduplicator.Listed(store).newestGeneration()).isEqualTo(Long.MIN_VALUE);
        assertThat(new Deduplicator.Scanned(store).newestGeneration()).isEqualTo(Long.MIN_VALUE);
    }
}
