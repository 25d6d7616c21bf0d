package dev.lookout.app.kafka;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.streams.state.RocksDBConfigSetter;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.Cache;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.WriteBufferManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bounds the off-heap memory of every RocksDB state store in the JVM by one budget, as Kafka's
 * memory-management guide shows ("Bounding total memory"). Without it each store (and each
 * segment of a window store) gets its own block cache and memtables, so memory grows with the
 * number of stores and partitions an instance holds.
 *
 * <p>All stores share one {@link LRUCache} whose capacity is the budget. Index and filter blocks
 * live in that cache, and one {@link WriteBufferManager} charges the memtables to it too, so block
 * cache, index and filter blocks and memtables together stay within the budget. The cache does not
 * refuse inserts when full (no strict capacity limit): a read that pins blocks may briefly go over
 * the budget instead of failing.
 *
 * <p>{@link StreamsConfigs} sets this class as {@code rocksdb.config.setter} and the budget, in
 * bytes, under {@value #MEMORY_BYTES_CONFIG}. Kafka Streams creates one setter per store, so the
 * shared objects are static: one cache and one manager per budget, for all Kafka Streams
 * instances in the JVM. They live as long as the JVM.
 */
public final class BoundedRocksDbMemory implements RocksDBConfigSetter {

    /** The Streams property with the budget: total bytes for all RocksDB stores of the JVM. */
    public static final String MEMORY_BYTES_CONFIG = "lookout.rocksdb.memory.bytes";

    /**
     * The memtables get this share of the budget (1/2); the rest is left to blocks, indexes and
     * filters. Once the memtables of all stores together reach the share, RocksDB flushes the
     * memtable of whichever store writes next, however small. With a quarter, an instance of 84
     * stores reached it all the time: the whole topology folded mixed input at 7,480 ev/s with
     * {@code --rocksdb-memory 256MiB}, against 22,135 unbounded, and wrote 343 SST files, 276 of
     * them under 100 KB. With half: 24,872 ev/s and 207 files (the harness's restore suite at
     * {@code --scale 0.3}, one run each, 2026-12-06).
     */
    private static final int WRITE_BUFFER_SHARE = 2;
    /** Kept for index and filter blocks, so that data blocks cannot evict them. */
    private static final double HIGH_PRIORITY_POOL_RATIO = 0.1;
    /** Kafka Streams' own memtable size; smaller budgets get smaller memtables (below). */
    private static final long MAX_WRITE_BUFFER_SIZE = 16L * 1024 * 1024;
    /** Kafka Streams' own count of memtables per store. */
    private static final int MAX_WRITE_BUFFERS = 3;

    private static final Logger LOG = LoggerFactory.getLogger(BoundedRocksDbMemory.class);
    private static final Map<Long, Shared> SHARED = new ConcurrentHashMap<>();

    /** The objects every store with the same budget uses. */
    record Shared(Cache cache, WriteBufferManager writeBufferManager, long writeBufferSize) {

        static Shared forBudget(final long budget) {
            // -1: RocksDB chooses the number of shards; false: no strict capacity limit.
            final Cache cache = new LRUCache(budget, -1, false, HIGH_PRIORITY_POOL_RATIO);
            final long writeBuffers = budget / WRITE_BUFFER_SHARE;
            // No store's memtable may fill more than a quarter of the shared write buffers, so that
            // one busy store does not keep the others flushing.
            final long writeBufferSize = Math.min(MAX_WRITE_BUFFER_SIZE, writeBuffers / 4);
            LOG.info("RocksDB memory bounded to {} bytes for all stores, {} of them for memtables", budget,
                    writeBuffers);
            return new Shared(cache, new WriteBufferManager(writeBuffers, cache), writeBufferSize);
        }
    }

    @Override
    public void setConfig(final String storeName, final Options options, final Map<String, Object> configs) {
        final Shared shared = shared(budget(configs));
        // Kafka Streams' own table config: it keeps Kafka's settings (bloom filter, block size), and
        // Kafka reads the block cache back from it for its metrics.
        final BlockBasedTableConfig tableConfig = (BlockBasedTableConfig) options.tableFormatConfig();
        tableConfig.setBlockCache(shared.cache());
        tableConfig.setCacheIndexAndFilterBlocks(true);
        tableConfig.setCacheIndexAndFilterBlocksWithHighPriority(true);
        tableConfig.setPinTopLevelIndexAndFilter(true);
        options.setWriteBufferManager(shared.writeBufferManager());
        options.setWriteBufferSize(shared.writeBufferSize());
        options.setMaxWriteBufferNumber(MAX_WRITE_BUFFERS);
        options.setTableFormatConfig(tableConfig);
    }

    /** Closes nothing: the cache and the write buffer manager are shared by every store in the JVM. */
    @Override
    public void close(final String storeName, final Options options) {
    }

    /** The cache and manager of a budget, created on first use. */
    static Shared shared(final long budget) {
        return SHARED.computeIfAbsent(budget, Shared::forBudget);
    }

    private static long budget(final Map<String, Object> configs) {
        final Object value = configs.get(MEMORY_BYTES_CONFIG);
        final long budget;
        try {
            budget = value instanceof Number number ? number.longValue() : Long.parseLong(String.valueOf(value).trim());
        } catch (NumberFormatException e) {
            throw new ConfigException(MEMORY_BYTES_CONFIG, value, "must be a number of bytes");
        }
        if (budget <= 0) {
            throw new ConfigException(MEMORY_BYTES_CONFIG, value, "must be a positive number of bytes");
        }
        return budget;
    }
}
