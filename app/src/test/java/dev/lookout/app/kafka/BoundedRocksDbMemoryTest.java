package dev.lookout.app.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;

import dev.lookout.app.config.LookoutCommand;
import dev.lookout.app.config.LookoutConfig;
import dev.lookout.topology.LookoutCounters;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.state.internals.BlockBasedTableConfigWithAccessibleCache;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.Cache;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.TableFormatConfig;

class BoundedRocksDbMemoryTest {

    private static final long MIB = 1024L * 1024;
    private static final long BUDGET = 64 * MIB;

    private final Deque<AutoCloseable> opened = new ArrayDeque<>();

    @AfterEach
    void closeAll() throws Exception {
        while (!opened.isEmpty()) {
            opened.pop().close();
        }
    }

    @Test
    void shouldGiveEveryStoreTheSameCacheAndWriteBufferManager() {
        final Options users = storeOptions();
        final Options alerts = storeOptions();
        final TableFormatConfig kafkasTable = users.tableFormatConfig();

        // Kafka Streams creates one setter per store.
        new BoundedRocksDbMemory().setConfig("users", users, budget(BUDGET));
        new BoundedRocksDbMemory().setConfig("alerts", alerts, budget(BUDGET));

        assertThat(users.writeBufferManager()).isNotNull().isSameAs(alerts.writeBufferManager());
        assertThat(blockCache(users)).isNotNull().isSameAs(blockCache(alerts))
                .isSameAs(BoundedRocksDbMemory.shared(BUDGET).cache());
        assertThat(users.tableFormatConfig()).as("Kafka's table config, kept").isSameAs(kafkasTable);
        final BlockBasedTableConfig table = (BlockBasedTableConfig) users.tableFormatConfig();
        assertThat(table.cacheIndexAndFilterBlocks()).isTrue();
        assertThat(table.cacheIndexAndFilterBlocksWithHighPriority()).isTrue();
        assertThat(table.pinTopLevelIndexAndFilter()).isTrue();
        assertThat(users.writeBufferSize()).as("a quarter of the memtables' half").isEqualTo(8 * MIB);
        assertThat(users.maxWriteBufferNumber()).isEqualTo(3);
    }

    @Test
    void shouldBoundTheBlockCacheByTheBudgetAndChargeMemtablesToIt(@TempDir final Path dir) throws RocksDBException {
        final long budget = 48 * MIB;
        final Options users = storeOptions();
        final Options alerts = storeOptions();
        new BoundedRocksDbMemory().setConfig("users", users, budget(budget));
        new BoundedRocksDbMemory().setConfig("alerts", alerts, budget(budget));
        final RocksDB usersDb = open(users, dir.resolve("users"));
        final RocksDB alertsDb = open(alerts, dir.resolve("alerts"));

        assertThat(usersDb.getLongProperty("rocksdb.block-cache-capacity")).isEqualTo(budget);
        assertThat(alertsDb.getLongProperty("rocksdb.block-cache-capacity")).isEqualTo(budget);

        final byte[] value = new byte[1024];
        for (int i = 0; i < 1024; i++) {
            usersDb.put(("user-" + i).getBytes(StandardCharsets.UTF_8), value);
        }
        // Only the users store was written to, yet the alerts store's cache holds its memtable.
        final long usage = alertsDb.getLongProperty("rocksdb.block-cache-usage");
        assertThat(usage).isGreaterThanOrEqualTo(MIB)
                .isEqualTo(usersDb.getLongProperty("rocksdb.block-cache-usage"));
    }

    @Test
    void shouldKeepTheSharedObjectsOpenWhenAStoreCloses() {
        final BoundedRocksDbMemory setter = new BoundedRocksDbMemory();
        final Options users = new Options();
        users.setTableFormatConfig(new BlockBasedTableConfigWithAccessibleCache());
        setter.setConfig("users", users, budget(BUDGET));

        setter.close("users", users);
        users.close();

        final BoundedRocksDbMemory.Shared shared = BoundedRocksDbMemory.shared(BUDGET);
        assertThat(shared.cache().isOwningHandle()).isTrue();
        assertThat(shared.writeBufferManager().isOwningHandle()).isTrue();
        final Options next = storeOptions();
        new BoundedRocksDbMemory().setConfig("users", next, budget(BUDGET));
        assertThat(next.writeBufferManager()).isSameAs(shared.writeBufferManager());
    }

    @Test
    void shouldShareOnlyBetweenStoresWithTheSameBudget() {
        final Options small = storeOptions();
        final Options large = storeOptions();

        new BoundedRocksDbMemory().setConfig("users", small, budget(BUDGET));
        new BoundedRocksDbMemory().setConfig("users", large, Map.of(BoundedRocksDbMemory.MEMORY_BYTES_CONFIG,
                Long.toString(8 * BUDGET)));

        assertThat(blockCache(small)).isNotSameAs(blockCache(large));
        assertThat(small.writeBufferManager()).isNotSameAs(large.writeBufferManager());
        assertThat(large.writeBufferSize()).as("Kafka's own memtable size, at most").isEqualTo(16 * MIB);
    }

    @Test
    void shouldRefuseAMissingBudgetNamingTheProperty() {
        final Options options = storeOptions();

        assertThatThrownBy(() -> new BoundedRocksDbMemory().setConfig("users", options, Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining(BoundedRocksDbMemory.MEMORY_BYTES_CONFIG);
        assertThatThrownBy(() -> new BoundedRocksDbMemory().setConfig("users", options, budget(0)))
                .isInstanceOf(ConfigException.class).hasMessageContaining("positive");
    }

    @Test
    void streamsPropertiesShouldNameTheSetterOnlyWithABudget() {
        final Properties unbounded = streams("--kafka", "rocksdb.config.setter=com.example.Custom");
        assertThat(unbounded).containsEntry(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, "com.example.Custom")
                .doesNotContainKey(BoundedRocksDbMemory.MEMORY_BYTES_CONFIG);

        final Properties bounded = streams("--rocksdb-memory", "512MiB", "--kafka",
                "rocksdb.config.setter=com.example.Custom");
        assertThat(bounded).containsEntry(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, BoundedRocksDbMemory.class)
                .containsEntry(BoundedRocksDbMemory.MEMORY_BYTES_CONFIG, 512 * MIB);
    }

    /** Options as Kafka Streams' RocksDBStore hands them to the setter, with its own table config. */
    private Options storeOptions() {
        final Options options = new Options().setCreateIfMissing(true);
        options.setTableFormatConfig(new BlockBasedTableConfigWithAccessibleCache());
        opened.push(options);
        return options;
    }

    private RocksDB open(final Options options, final Path path) throws RocksDBException {
        final RocksDB db = RocksDB.open(options, path.toString());
        opened.push(db);
        return db;
    }

    /** RocksDB's own table config cannot return its cache; Kafka's subclass, which stores use, can. */
    private static Cache blockCache(final Options options) {
        return ((BlockBasedTableConfigWithAccessibleCache) options.tableFormatConfig()).blockCache();
    }

    private static Map<String, Object> budget(final long bytes) {
        return Map.of(BoundedRocksDbMemory.MEMORY_BYTES_CONFIG, bytes);
    }

    private static Properties streams(final String... extra) {
        final String[] args = new String[extra.length + 5];
        System.arraycopy(new String[] {"--bootstrap-servers", "k:9092", "--schema-registry-url", "http://sr:8081",
                "--insecure-no-auth"}, 0, args, 0, 5);
        System.arraycopy(extra, 0, args, 5, extra.length);
        final AtomicReference<LookoutConfig> config = new AtomicReference<>();
        assertThat(LookoutCommand.commandLine(parsed -> {
            config.set(parsed);
            return 0;
        }, demo -> 0, args, Map.of()).execute(args)).isZero();
        return StreamsConfigs.streams(config.get(), new LookoutCounters());
    }
}
