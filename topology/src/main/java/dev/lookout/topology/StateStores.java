package dev.lookout.topology;

import java.util.Map;

import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * Builders for the small stores whose few keys are rewritten by nearly every event: clocks,
 * watermarks, reorder buffers and newest-N lists. Their changelogs see far more writes than
 * they hold keys, so they get {@link #CHURN} settings, and the ones that can be persistent are,
 * so that a clean restart finds them on disk instead of replaying their changelogs.
 *
 * <p>Clocks and watermarks are cached ({@code withCachingEnabled}; a processor-API store is not
 * cached unless asked): between two commits only a key's last value reaches RocksDB and the
 * changelog, one record per key and commit instead of one per event.
 */
public final class StateStores {

    /**
     * Changelog settings for churning stores. Kafka compacts only closed segments; with the
     * default segment of 7 days (or 1 GiB), a clock's changelog would hold one record per event
     * for a week, and a restore after a crash would replay them all. Ten-minute segments and a
     * low dirty ratio keep it to about the last segment. Tombstones (an event leaving a buffer)
     * are kept an hour instead of a day: a restore that reads a changelog for longer than that
     * could miss one, which no restore of these stores comes near.
     */
    public static final Map<String, String> CHURN = Map.of(
            TopicConfig.SEGMENT_MS_CONFIG, "600000",
            TopicConfig.MIN_CLEANABLE_DIRTY_RATIO_CONFIG, "0.1",
            TopicConfig.DELETE_RETENTION_MS_CONFIG, "3600000");

    private StateStores() {
    }

    /** An input's or a detector's clock: one key per task, written on every event; cached. */
    public static StoreBuilder<KeyValueStore<String, Long>> clock(final String name) {
        return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(name), Serdes.String(), Serdes.Long())
                .withCachingEnabled()
                .withLoggingEnabled(CHURN);
    }

    /** A few keys rewritten often, such as one watermark per source partition; cached. */
    public static <K, V> StoreBuilder<KeyValueStore<K, V>> churning(final String name, final Serde<K> keys,
                                                                   final Serde<V> values) {
        return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(name), keys, values)
                .withCachingEnabled()
                .withLoggingEnabled(CHURN);
    }

    /**
     * A queue keyed by {@link Keys#oldestFirst}: every entry is written once and deleted once.
     * Entries wait longer than a commit interval, so a cache would not save changelog writes.
     */
    public static <V> StoreBuilder<KeyValueStore<Bytes, V>> queue(final String name, final Serde<V> values) {
        return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(name), Serdes.Bytes(), values)
                .withCachingDisabled()
                .withLoggingEnabled(CHURN);
    }

    /**
     * The newest N entries by time. In memory: trimming counts entries, which needs the exact
     * count an in-memory store gives (RocksDB's is an estimate) and no cache hiding entries.
     */
    public static <V> StoreBuilder<KeyValueStore<Bytes, V>> newest(final String name, final Serde<V> values) {
        return Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(name), Serdes.Bytes(), values)
                .withCachingDisabled()
                .withLoggingEnabled(CHURN);
    }
}
