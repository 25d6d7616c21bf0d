package dev.lookout.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import java.util.function.Consumer;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.VersionedBytesStoreSupplier;
import org.apache.kafka.streams.state.VersionedKeyValueStore;
import org.apache.kafka.streams.state.VersionedRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A versioned store answers "as of" reads from its history after it is closed and reopened on the
 * same directory, as after a clean restart. Kafka's own store does not (see
 * {@link ReopenableVersionedStore}); the first test shows it, and fails once Kafka fixes it.
 */
class ReopenableVersionedStoreTest {

    private static final Duration RETENTION = Duration.ofDays(30);
    private static final long T0 = 1_788_000_000_000L;

    @TempDir
    Path dir;

    @Test
    void kafkasStoreLosesItsHistoryOnReopen() {
        final VersionedBytesStoreSupplier kafka = Stores.persistentVersionedKeyValueStore("users", RETENTION);
        withStore(kafka, store -> {
            store.put("k", "v1", T0);
            store.put("k", "v2", T0 + 60_000);
        });
        withStore(kafka, store -> {
            assertThat(store.get("k").value()).isEqualTo("v2");
            assertThat(store.get("k", T0 + 1_000))
                    .as("if this fails, Kafka registers segments on reopen: drop ReopenableVersionedStore").isNull();
        });
    }

    @Test
    void shouldAnswerFromItsHistoryAfterReopening() {
        final VersionedBytesStoreSupplier supplier = ReopenableVersionedStore.persistent("users", RETENTION);
        withStore(supplier, store -> {
            store.put("k", "v1", T0);
            store.put("k", "v2", T0 + 60_000);
            store.put("other", "o1", T0 - Duration.ofDays(12).toMillis());
            store.put("other", "o2", T0);
        });
        withStore(supplier, store -> {
            assertThat(value(store.get("k", T0 + 1_000))).isEqualTo("v1");
            assertThat(value(store.get("k", T0 + 60_000))).isEqualTo("v2");
            assertThat(value(store.get("other", T0 - Duration.ofDays(11).toMillis())))
                    .as("an older segment").isEqualTo("o1");
            assertThat(store.get("k", T0 - 1)).as("before the first version").isNull();
        });
    }

    @Test
    void shouldKeepTheHistoryWhenAnOutOfOrderWriteFollowsAReopen() {
        final VersionedBytesStoreSupplier supplier = ReopenableVersionedStore.persistent("users", RETENTION);
        withStore(supplier, store -> {
            store.put("k", "v1", T0);
            store.put("k", "v3", T0 + 120_000);
            store.put("k", "v4", T0 + 180_000);
        });
        withStore(supplier, store -> store.put("k", "v2", T0 + 60_000));
        withStore(supplier, store -> {
            assertThat(value(store.get("k", T0 + 1_000))).isEqualTo("v1");
            assertThat(value(store.get("k", T0 + 61_000))).isEqualTo("v2");
            assertThat(value(store.get("k", T0 + 121_000))).isEqualTo("v3");
            assertThat(value(store.get("k"))).isEqualTo("v4");
        });
    }

    private void withStore(final VersionedBytesStoreSupplier supplier,
                           final Consumer<VersionedKeyValueStore<String, String>> use) {
        final Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "reopen-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        final MockProcessorContext<Object, Object> context = new MockProcessorContext<>(props, new TaskId(0, 0),
                dir.toFile());
        final VersionedKeyValueStore<String, String> store = Stores.versionedKeyValueStoreBuilder(supplier,
                Serdes.String(), Serdes.String()).withLoggingDisabled().build();
        store.init(context.getStateStoreContext(), store);
        try {
            use.accept(store);
        } finally {
            store.close();
        }
    }

    private static String value(final VersionedRecord<String> record) {
        return record == null ? null : record.value();
    }
}
