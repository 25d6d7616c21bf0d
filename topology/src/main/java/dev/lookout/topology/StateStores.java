package dev.lookout.topology;

import java.util.HashMap;
import java.util.Map;

import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * Every state store of the topology is built here, so that every changelog gets the same
 * guarantee: <b>it keeps what its store keeps, whatever the timestamps of the records in it.</b>
 *
 * <p>Records carry their event time, and a replay of old events writes old timestamps. Kafka
 * Streams' window stores get changelogs that the broker deletes by comparing those timestamps with
 * its wall clock ({@code cleanup.policy=delete} or {@code compact,delete}, {@code retention.ms} =
 * the store's retention + 1 day), while the store keeps data by stream time; a versioned store's
 * changelog is compacted once its records' timestamps are older than the history retention. Either
 * way a restore after a replay misses what the store still held. So:
 * <ul>
 *   <li>every store is a key-value store, whose changelog Kafka only compacts by key
 *       ({@code cleanup.policy=compact}); no changelog is ever deleted by time;</li>
 *   <li>a store that drops entries by event time (dedup ids, the user history, the alert view)
 *       deletes them itself, which writes a tombstone to its changelog, so the changelog forgets
 *       an entry exactly when the store does;</li>
 *   <li>changelogs take the broker's time ({@code message.timestamp.type=LogAppendTime}): no
 *       restore of a plain key-value store reads a record's timestamp (only timestamped and
 *       versioned stores do, and Lookout has none), and with append times old event times can
 *       neither roll a segment per minute of event time nor trip a broker's
 *       {@code message.timestamp.before.max.ms}.</li>
 * </ul>
 * The alternative, append times on the window stores' own changelogs, was rejected: the broker
 * would then delete by wall-clock age while the store keeps by stream time, and a partition that
 * is quiet for longer than the extra day would still lose ids a restore needs.
 *
 * <p>Stores whose few keys are rewritten by nearly every event — clocks, watermarks, reorder
 * buffers and newest-N lists — get {@link #CHURN} settings on top. Those, and the detectors'
 * episodes, are {@link HeapKeyValueStore}s: objects on the heap, written to their durable copy and
 * the changelog once per commit. The durable copy is RocksDB, except for the clocks and
 * watermarks: a handful of keys per task, whose copy is kept in memory and read back from the
 * changelog when the task starts (see {@link #SMALL}), since opening a RocksDB instance for each of
 * them is a large part of starting a task.
 */
public final class StateStores {

    /** The changelog settings of every store. */
    public static final Map<String, String> CHANGELOG = Map.of(
            TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT,
            TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG, TimestampType.LOG_APPEND_TIME.name);

    /**
     * Changelog settings for churning stores. Kafka compacts only closed segments; with the
     * default segment of 7 days (or 1 GiB), a clock's changelog would hold one record per event
     * for a week, and a restore after a crash would replay them all. Ten-minute segments and a
     * low dirty ratio keep it to about the last segment. Tombstones (an event leaving a buffer)
     * are kept an hour instead of a day: a restore that reads a changelog for longer than that
     * could miss one, which no restore of these stores comes near.
     */
    public static final Map<String, String> CHURN = with(CHANGELOG, Map.of(
            TopicConfig.SEGMENT_MS_CONFIG, "600000",
            TopicConfig.MIN_CLEANABLE_DIRTY_RATIO_CONFIG, "0.1",
            TopicConfig.DELETE_RETENTION_MS_CONFIG, "3600000"));

    /**
     * Changelog settings for the clocks and watermarks, whose durable copy is in memory and is
     * therefore read back from the changelog whenever the task starts, not only after a crash. A
     * handful of keys, written at most once per commit each: one-minute segments keep what is read
     * back to about the last minute's commits (some 600 records per key with commits every 100 ms)
     * plus one record per key.
     */
    public static final Map<String, String> SMALL = with(CHURN, Map.of(
            TopicConfig.SEGMENT_MS_CONFIG, "60000"));

    /**
     * How the heap stores serve ranges. Their callers read and write by key, and open a range only
     * when a task starts (a reorder buffer and the deduplicator of a grace's ids keep their own
     * order) or at a punctuation every few minutes of stream time (the detectors' expiry), so
     * writes skip the key index (see {@link HeapKeyValueStore}).
     */
    public static final HeapKeyValueStore.Ranges HEAP_RANGES = HeapKeyValueStore.Ranges.ON_DEMAND;

    private StateStores() {
    }

    /** A persistent key-value store, not cached: each write reaches RocksDB and the changelog. */
    public static <K, V> StoreBuilder<KeyValueStore<K, V>> keyValue(final String name, final Serde<K> keys,
                                                                   final Serde<V> values) {
        return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(name), keys, values)
                .withCachingDisabled()
                .withLoggingEnabled(CHANGELOG);
    }

    /** An input's or a detector's clock: one key per task, written on every event; on the heap. */
    public static StoreBuilder<KeyValueStore<String, Long>> clock(final String name) {
        return churning(name, Serdes.String(), Serdes.Long());
    }

    /**
     * A few keys rewritten often, such as one watermark per source partition; on the heap, with a
     * durable copy in memory (no RocksDB instance) and {@link #SMALL} changelog settings.
     */
    public static <K, V> StoreBuilder<KeyValueStore<K, V>> churning(final String name, final Serde<K> keys,
                                                                   final Serde<V> values) {
        return heap(Stores.inMemoryKeyValueStore(name), keys, values, SMALL, HEAP_RANGES);
    }

    /**
     * A queue keyed by {@link Keys#oldestFirst}: an entry is added, and removed once a watermark
     * passes it. On the heap: an entry that comes and goes between two commits is never written.
     * Its reader ({@link dev.lookout.topology.detect.ReorderBuffer}) keeps the order itself.
     */
    public static <V> StoreBuilder<KeyValueStore<Bytes, V>> queue(final String name, final Serde<V> values) {
        return heap(Stores.persistentKeyValueStore(name), Serdes.Bytes(), values, CHURN, HEAP_RANGES);
    }

    /**
     * Event ids seen within an input's grace, for deduplication: as many as the events of a grace
     * (seconds to minutes of event time), each added once and removed once. On the heap, without an
     * index of its keys: its reader ({@link dev.lookout.topology.ingest.Deduplicator}) lists the ids
     * of each generation itself, and ranges only when its task starts.
     */
    public static StoreBuilder<KeyValueStore<Bytes, Long>> recentIds(final String name) {
        return heap(Stores.persistentKeyValueStore(name), Serdes.Bytes(), Serdes.Long(), CHURN, HEAP_RANGES);
    }

    /**
     * A detector's per-key state (episodes): read and rewritten by most events of its key, bounded
     * by the keys with something pending. On the heap, written once per key and commit.
     */
    public static <K, V> StoreBuilder<KeyValueStore<K, V>> detectorState(final String name, final Serde<K> keys,
                                                                        final Serde<V> values) {
        return heap(Stores.persistentKeyValueStore(name), keys, values, CHANGELOG, HEAP_RANGES);
    }

    /** A heap store over the durable copy {@code durable} (RocksDB or in memory) with these changelog settings. */
    private static <K, V> StoreBuilder<KeyValueStore<K, V>> heap(final KeyValueBytesStoreSupplier durable,
                                                                final Serde<K> keys, final Serde<V> values,
                                                                final Map<String, String> changelog,
                                                                final HeapKeyValueStore.Ranges ranges) {
        return HeapKeyValueStore.builder(Stores.keyValueStoreBuilder(durable, keys, values).withLoggingEnabled(changelog),
                keys, ranges);
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

    private static Map<String, String> with(final Map<String, String> base, final Map<String, String> more) {
        final Map<String, String> merged = new HashMap<>(base);
        merged.putAll(more);
        return Map.copyOf(merged);
    }
}
