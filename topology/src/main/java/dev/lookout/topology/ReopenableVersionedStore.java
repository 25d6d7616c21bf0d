package dev.lookout.topology;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.query.Position;
import org.apache.kafka.streams.query.PositionBound;
import org.apache.kafka.streams.query.Query;
import org.apache.kafka.streams.query.QueryConfig;
import org.apache.kafka.streams.query.QueryResult;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.VersionedBytesStoreSupplier;
import org.apache.kafka.streams.state.VersionedKeyValueStore;
import org.apache.kafka.streams.state.VersionedRecord;
import org.apache.kafka.streams.state.internals.AbstractSegments;
import org.apache.kafka.streams.state.internals.RocksDBStore;
import org.apache.kafka.streams.state.internals.VersionedKeyValueToBytesStoreAdapter;

/**
 * Kafka's RocksDB versioned store, with its history still readable after a restart.
 *
 * <p>Kafka Streams (4.3.1) keeps the older versions of a versioned store in logical segments of
 * one RocksDB instance. Reopening a store that is on disk — a restart on the same state directory,
 * which restores nothing — opens the database but does not register the segments in it
 * ({@code LogicalKeyValueSegments.openExisting}). Until a write touches a segment again,
 * {@code get(key, asOf)} and IQv2's {@code VersionedKeyQuery.asOf} find none of its versions, and
 * an out-of-order write can rewrite a key's record in a segment without the versions it held. A
 * store restored from its changelog is not affected: restoring writes, and writing registers.
 *
 * <p>This store registers the segments on disk as soon as it opens, for active tasks, standbys and
 * queries alike. No public API reaches the segments, so it uses reflection on Kafka internals,
 * pinned with the Kafka version; {@code ReopenableVersionedStoreTest} reopens a store and fails
 * if they change or once Kafka fixes the bug.
 */
public final class ReopenableVersionedStore implements VersionedKeyValueStore<Bytes, byte[]> {

    private final VersionedKeyValueStore<Bytes, byte[]> inner;

    private ReopenableVersionedStore(final VersionedKeyValueStore<Bytes, byte[]> inner) {
        this.inner = inner;
    }

    /** A supplier like {@link Stores#persistentVersionedKeyValueStore(String, Duration)}, of these stores. */
    public static VersionedBytesStoreSupplier persistent(final String name, final Duration historyRetention) {
        final VersionedBytesStoreSupplier kafka = Stores.persistentVersionedKeyValueStore(name, historyRetention);
        return new VersionedBytesStoreSupplier() {
            @Override
            public String name() {
                return kafka.name();
            }

            @Override
            public long historyRetentionMs() {
                return kafka.historyRetentionMs();
            }

            @Override
            public String metricsScope() {
                return kafka.metricsScope();
            }

            @Override
            @SuppressWarnings("unchecked")
            public KeyValueStore<Bytes, byte[]> get() {
                final VersionedKeyValueStore<Bytes, byte[]> rocks =
                        (VersionedKeyValueStore<Bytes, byte[]>) read(kafka.get(), "inner");
                return new VersionedKeyValueToBytesStoreAdapter(new ReopenableVersionedStore(rocks));
            }
        };
    }

    @Override
    public void init(final StateStoreContext context, final StateStore root) {
        inner.init(context, root);
        registerSegmentsOnDisk(context);
    }

    /** Finds the segment ids in the database by seeking from one id prefix to the next. */
    private void registerSegmentsOnDisk(final StateStoreContext context) {
        final AbstractSegments<?> segments = (AbstractSegments<?>) read(inner, "segmentStores");
        final RocksDBStore database = (RocksDBStore) read(segments, "physicalStore");
        // Keys are the segment id (8 bytes, big-endian) then the key; reserved segments have
        // negative ids, which sort after every regular one.
        long next = 0;
        while (next >= 0) {
            final long id;
            try (KeyValueIterator<Bytes, byte[]> from = range(database, prefix(next), prefix(Long.MAX_VALUE))) {
                if (!from.hasNext()) {
                    return;
                }
                id = ByteBuffer.wrap(from.next().key.get()).getLong();
            }
            segments.getOrCreateSegment(id, context);
            next = id + 1;
        }
    }

    /** The shared database refuses its public range(): segments pass the set of their open iterators. */
    @SuppressWarnings("unchecked")
    private static KeyValueIterator<Bytes, byte[]> range(final RocksDBStore database, final Bytes from, final Bytes to) {
        try {
            final Method range = RocksDBStore.class.getDeclaredMethod("range", Bytes.class, Bytes.class, Set.class);
            range.setAccessible(true);
            return (KeyValueIterator<Bytes, byte[]>) range.invoke(database, from, to, new HashSet<>());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("Kafka's RocksDBStore changed; see ReopenableVersionedStore", e);
        }
    }

    private static Bytes prefix(final long segmentId) {
        return Bytes.wrap(ByteBuffer.allocate(Long.BYTES).putLong(segmentId).array());
    }

    private static Object read(final Object owner, final String field) {
        for (Class<?> type = owner.getClass(); type != null; type = type.getSuperclass()) {
            try {
                final Field declared = type.getDeclaredField(field);
                declared.setAccessible(true);
                return declared.get(owner);
            } catch (NoSuchFieldException e) {
                // Declared higher up.
            } catch (IllegalAccessException e) {
                throw new IllegalStateException("cannot read " + field + " of " + owner.getClass(), e);
            }
        }
        throw new IllegalStateException("Kafka's versioned store changed: " + owner.getClass() + " has no field "
                + field + "; see ReopenableVersionedStore");
    }

    @Override
    public long put(final Bytes key, final byte[] value, final long timestamp) {
        return inner.put(key, value, timestamp);
    }

    @Override
    public VersionedRecord<byte[]> delete(final Bytes key, final long timestamp) {
        return inner.delete(key, timestamp);
    }

    @Override
    public VersionedRecord<byte[]> get(final Bytes key) {
        return inner.get(key);
    }

    @Override
    public VersionedRecord<byte[]> get(final Bytes key, final long asOfTimestamp) {
        return inner.get(key, asOfTimestamp);
    }

    @Override
    public String name() {
        return inner.name();
    }

    @Override
    public void flush() {
        inner.flush();
    }

    @Override
    public void commit(final Map<TopicPartition, Long> changelogOffsets) {
        inner.commit(changelogOffsets);
    }

    @Override
    public Long committedOffset(final TopicPartition partition) {
        return inner.committedOffset(partition);
    }

    @Override
    public boolean managesOffsets() {
        return inner.managesOffsets();
    }

    @Override
    public void close() {
        inner.close();
    }

    @Override
    public boolean persistent() {
        return inner.persistent();
    }

    @Override
    public boolean isOpen() {
        return inner.isOpen();
    }

    @Override
    public <R> QueryResult<R> query(final Query<R> query, final PositionBound positionBound, final QueryConfig config) {
        return inner.query(query, positionBound, config);
    }

    @Override
    public Position getPosition() {
        return inner.getPosition();
    }
}
