package dev.lookout.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.TreeMap;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@link HeapKeyValueStore}: reads and writes on the heap, and what changed written to the
 * changelog once per commit. The first test is also the canary of the internal hook it relies on:
 * if a Kafka Streams version stops calling {@code flushCache} before it commits, the changelog
 * stays empty and the test fails.
 */
class HeapKeyValueStoreTest {

    private static final String STORE = "heap";
    private static final String CHANGELOG = "heap-test-" + STORE + "-changelog";

    /** Applies commands such as {@code put a 1; put a 2; del b} to the store, all within one record. */
    private static final class Commands implements Processor<String, String, Void, Void> {
        private KeyValueStore<String, String> store;

        @Override
        public void init(final ProcessorContext<Void, Void> context) {
            store = context.getStateStore(STORE);
        }

        @Override
        public void process(final Record<String, String> record) {
            for (final String command : record.value().split(";")) {
                final String[] words = command.trim().split(" ");
                if (words[0].equals("put")) {
                    store.put(words[1], words[2]);
                } else {
                    store.delete(words[1]);
                }
            }
        }
    }

    @Test
    void shouldWriteEachChangedKeyOnceAtTheCommitAndNothingForAKeyThatCameAndWent() {
        final Topology topology = new Topology();
        topology.addSource("in", new StringDeserializer(), new StringDeserializer(), "in");
        topology.addProcessor("commands", Commands::new, "in");
        topology.addStateStore(StateStores.detectorState(STORE, Serdes.String(), Serdes.String()), "commands");
        final Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "heap-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        try (TopologyTestDriver driver = new TopologyTestDriver(topology, props)) {
            final TestInputTopic<String, String> in = driver.createInputTopic("in", new StringSerializer(),
                    new StringSerializer());
            final TestOutputTopic<String, String> changelog = driver.createOutputTopic(CHANGELOG,
                    new StringDeserializer(), new StringDeserializer());
            // The driver commits after each record.
            in.pipeInput("k", "put a 1; put a 2; put a 3; put b 1");
            assertThat(changelog.readKeyValuesToList()).containsExactly(KeyValue.pair("a", "3"), KeyValue.pair("b", "1"));

            in.pipeInput("k", "put c 1; del c; put a 4; del b");
            assertThat(changelog.readKeyValuesToList()).containsExactly(KeyValue.pair("a", "4"), KeyValue.pair("b", null));

            in.pipeInput("k", "del nothing; put d 1; del d");
            assertThat(changelog.readKeyValuesToList()).isEmpty();

            final KeyValueStore<String, String> store = driver.getKeyValueStore(STORE);
            assertThat(store.get("a")).isEqualTo("4");
            assertThat(store.get("b")).isNull();
            assertThat(store.approximateNumEntries()).isEqualTo(1);
        }
    }

    /**
     * Random writes, commits and lost uncommitted work, against a TreeMap of what the store should
     * hold: every read and every kind of range agrees, and after uncommitted work is dropped the
     * store holds exactly what the last commit wrote.
     */
    @ParameterizedTest
    @EnumSource(HeapKeyValueStore.Ranges.class)
    void shouldReadLikeAnOrderedMapAndFallBackToTheLastCommitWhenUncommittedWorkIsDropped(
            final HeapKeyValueStore.Ranges ranges) {
        final HeapKeyValueStore<String, String> store = store(ranges);
        final Random random = new Random(42);
        TreeMap<String, String> expected = new TreeMap<>();
        TreeMap<String, String> committed = new TreeMap<>();
        for (int step = 0; step < 20_000; step++) {
            final String key = "k" + random.nextInt(50);
            final int action = random.nextInt(100);
            if (action < 50) {
                final String value = Integer.toString(step);
                store.put(key, value);
                expected.put(key, value);
            } else if (action < 80) {
                assertThat(store.delete(key)).isEqualTo(expected.remove(key));
            } else if (action < 90) {
                final String from = "k" + random.nextInt(50);
                final String to = "k" + random.nextInt(50);
                assertThat(list(store.range(from, to))).isEqualTo(list(from.compareTo(to) > 0
                        ? Map.<String, String>of() : expected.subMap(from, true, to, true)));
                assertThat(list(store.reverseRange(from, to))).isEqualTo(list(from.compareTo(to) > 0
                        ? Map.<String, String>of() : expected.subMap(from, true, to, true).descendingMap()));
                assertThat(list(store.range(null, to))).isEqualTo(list(expected.headMap(to, true)));
                assertThat(list(store.range(from, null))).isEqualTo(list(expected.tailMap(from, true)));
            } else if (action < 97) {
                store.flushCache();
                committed = new TreeMap<>(expected);
                assertThat(list(durableAll(store))).isEqualTo(list(committed));
            } else {
                store.clearCache();
                expected = new TreeMap<>(committed);
            }
            assertThat(store.get(key)).isEqualTo(expected.get(key));
            assertThat(store.approximateNumEntries()).isEqualTo(expected.size());
        }
        assertThat(list(store.all())).isEqualTo(list(expected));
        assertThat(list(store.reverseAll())).isEqualTo(list(expected.descendingMap()));
        assertThat(list(store.prefixScan("k1", new StringSerializer())))
                .isEqualTo(list(expected.subMap("k1", true, "k2", false)));
        store.close();
    }

    /**
     * An iterator of either kind may delete what it has read and what it has not reached yet (the
     * deduplicator and the detectors do): deleted keys are skipped, values are read as they are
     * when the iterator reaches them.
     */
    @ParameterizedTest
    @EnumSource(HeapKeyValueStore.Ranges.class)
    void shouldSkipWhatIsDeletedWhileIterating(final HeapKeyValueStore.Ranges ranges) {
        final HeapKeyValueStore<String, String> store = store(ranges);
        for (final String key : List.of("a", "b", "c", "d", "e")) {
            store.put(key, key + "1");
        }
        store.flushCache();
        final List<KeyValue<String, String>> seen = new ArrayList<>();
        try (KeyValueIterator<String, String> all = store.all()) {
            while (all.hasNext()) {
                final KeyValue<String, String> entry = all.next();
                seen.add(entry);
                if (entry.key.equals("a")) {
                    store.delete("a");
                    store.delete("b"); // the iterator's next entry
                    store.put("c", "c2");
                    store.delete("d");
                }
            }
        }
        assertThat(seen).extracting(entry -> entry.key + "=" + entry.value).containsExactly("a=a1", "c=c2", "e=e1");
        assertThat(list(store.all())).extracting(entry -> entry.key).containsExactly("c", "e");
        store.close();
    }

    private static HeapKeyValueStore<String, String> store(final HeapKeyValueStore.Ranges ranges) {
        final HeapKeyValueStore<String, String> store = (HeapKeyValueStore<String, String>) HeapKeyValueStore
                .builder(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(STORE), Serdes.String(),
                        Serdes.String()).withLoggingDisabled(), Serdes.String(), ranges).build();
        final MockProcessorContext<Void, Void> context = new MockProcessorContext<>();
        store.init(context.getStateStoreContext(), store);
        return store;
    }

    /** What the durable store holds: the heap copy dropped, then read back from it. */
    private static KeyValueIterator<String, String> durableAll(final HeapKeyValueStore<String, String> store) {
        store.clearCache();
        return store.all();
    }

    private static List<KeyValue<String, String>> list(final KeyValueIterator<String, String> iterator) {
        final List<KeyValue<String, String>> entries = new ArrayList<>();
        try (iterator) {
            iterator.forEachRemaining(entries::add);
        }
        return entries;
    }

    private static List<KeyValue<String, String>> list(final Map<String, String> map) {
        final List<KeyValue<String, String>> entries = new ArrayList<>();
        map.forEach((key, value) -> entries.add(KeyValue.pair(key, value)));
        return entries;
    }
}
