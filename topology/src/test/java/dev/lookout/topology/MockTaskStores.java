package dev.lookout.topology;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import dev.lookout.serde.AvroSerdeConfig;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * A task's stores, in memory and without changelogs, that outlive the processor instances run on
 * them with a {@link MockProcessorContext}: a new instance on the same stores is what a restart or
 * a rebalance gives a processor.
 */
public final class MockTaskStores {

    private final String applicationId;
    private final List<KeyValueStore<?, ?>> stores = new ArrayList<>();
    private boolean initialized;

    public MockTaskStores(final String applicationId) {
        this.applicationId = applicationId;
    }

    /** Adds a store; all are added before the first {@link #context()}. */
    public <K, V> KeyValueStore<K, V> add(final String name, final Serde<K> keys, final Serde<V> values) {
        final KeyValueStore<K, V> store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(name), keys, values)
                .withLoggingDisabled().build();
        stores.add(store);
        return store;
    }

    /**
     * Serdes with a registry of their own: the mock context names every changelog "changelog", so
     * each Avro store needs its own registry (one subject per changelog, as in a real application).
     */
    public EventSerdes serdes(final String scope) {
        return EventSerdes.create(Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL,
                "mem://" + applicationId + "-" + scope + "-" + System.nanoTime()));
    }

    /** A new context on these stores, at wall-clock time 0 and with no stream time yet, for a new processor instance. */
    public <KOut, VOut> MockProcessorContext<KOut, VOut> context() {
        final Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        final MockProcessorContext<KOut, VOut> context = new MockProcessorContext<>(props);
        context.setCurrentSystemTimeMs(0);
        context.setCurrentStreamTimeMs(-1);
        for (final KeyValueStore<?, ?> store : stores) {
            if (!initialized) {
                store.init(context.getStateStoreContext(), store);
            }
            context.addStateStore(store);
        }
        initialized = true;
        return context;
    }
}
