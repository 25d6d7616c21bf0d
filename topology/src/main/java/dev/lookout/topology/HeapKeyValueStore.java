package dev.lookout.topology;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.NoSuchElementException;
import java.util.TreeMap;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.processor.internals.InternalProcessorContext;
import org.apache.kafka.streams.processor.internals.ProcessorRecordContext;
import org.apache.kafka.streams.query.Position;
import org.apache.kafka.streams.query.PositionBound;
import org.apache.kafka.streams.query.Query;
import org.apache.kafka.streams.query.QueryConfig;
import org.apache.kafka.streams.query.QueryResult;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.internals.CacheFlushListener;
import org.apache.kafka.streams.state.internals.CachedStateStore;

/**
 * A key-value store that holds its whole content as objects on the heap and writes what changed
 * to a durable store (RocksDB and its changelog) once per commit, the way Flink's heap state
 * backend serializes only at a checkpoint.
 *
 * <p>Reads and writes touch only the heap: no serialization, no RocksDB call, no changelog record.
 * When its task commits, the entries changed since the last commit are written to the durable
 * store: the newest value of each key once, and nothing at all for a key that was added and
 * removed in between (a reorder buffer's usual entry). Those writes are part of the commit's
 * transaction under exactly-once, so the changelog always holds the state of the last commit, and
 * a restore (or a crash that aborts the open transaction) resumes from there, as with Kafka's own
 * record cache. The heap copy is read from the durable store on first use after the task starts.
 *
 * <p>Only for stores whose whole content fits on the heap: detector state, reorder buffers, clocks
 * and the ids of a grace; not views, nor ids kept for the days of the dedup horizon. Values are
 * kept by reference, so a caller that changes a value it read must {@code put} it again for the
 * change to be written; the detectors do. Interactive queries ({@link #query}) read the durable
 * store, as of the last commit.
 *
 * <p>Point reads and writes find the key object in a hash map. Ranges need the entries in the
 * durable store's key order. With {@link Ranges#INDEXED} the store keeps them in a tree on every
 * write. A caller that ranges only when its task starts or in a rare punctuation (a reorder buffer,
 * which keeps its own order; the detectors' expiry) takes {@link Ranges#ON_DEMAND}: writes touch
 * only the hash map, and a range sorts the keys when it is opened.
 *
 * <p>Kafka Streams has no public hook that runs before a commit. Its record cache gets one through
 * the internal {@link CachedStateStore} interface, whose {@code flushCache} every task calls for
 * its registered stores before it flushes its producer and commits, and whose {@code clearCache}
 * it calls when an active task becomes a standby. This store implements it, and sets a record
 * context around its writes as the cache does ({@link InternalProcessorContext}), because the
 * changelog layer reads one. Both are internal to Kafka Streams (pinned to one version in
 * {@code pom.xml}); {@code HeapKeyValueStoreTest} fails if a new version stops calling
 * {@code flushCache} before a commit.
 */
public final class HeapKeyValueStore<K, V> implements KeyValueStore<K, V>, CachedStateStore<K, V> {

    /** How a store serves ranges. */
    public enum Ranges {
        /** A tree of the keys, kept up to date on every write: ranges are as cheap as point reads. */
        INDEXED,
        /**
         * No tree: a range sorts the keys when it is opened, so writes cost a hash-map operation only.
         * An iterator sees the keys present when it was opened (values and deletions as they are
         * when it reaches them), not keys added later.
         */
        ON_DEMAND
    }

    private final KeyValueStore<K, V> durable;
    private final Serializer<K> keys;
    private final Ranges ranges;
    private String topic;
    private InternalProcessorContext<?, ?> internal;
    /** Every entry; null until loaded. */
    private Content heap;
    /** The slots changed since the last commit, in the order they first changed. */
    private final List<Slot<K, V>> dirty = new ArrayList<>();
    private long live;

    private HeapKeyValueStore(final KeyValueStore<K, V> durable, final Serializer<K> keys, final Ranges ranges) {
        this.durable = durable;
        this.keys = keys;
        this.ranges = ranges;
    }

    /**
     * Wraps a builder of the durable store, which must not cache (this store is its cache). Keys
     * must be equal exactly when their serialized forms are (strings, numbers, {@link Bytes}).
     */
    public static <K, V> StoreBuilder<KeyValueStore<K, V>> builder(final StoreBuilder<KeyValueStore<K, V>> durable,
                                                                  final Serde<K> keys, final Ranges ranges) {
        return new Builder<>(durable.withCachingDisabled(), keys, ranges);
    }

    /**
     * The entries by key object for point reads and writes (no serialization: a string's hash is
     * cached, and its comparison stops at the first difference) and, with {@link Ranges#INDEXED},
     * also in the durable store's key order (serialized keys, compared as unsigned bytes) for ranges.
     */
    private final class Content {
        final HashMap<K, Slot<K, V>> byKey = new HashMap<>();
        /** Null with {@link Ranges#ON_DEMAND}. */
        final TreeMap<Bytes, Slot<K, V>> ordered = ranges == Ranges.INDEXED ? new TreeMap<>() : null;

        Slot<K, V> get(final K key) {
            return byKey.get(key);
        }

        void add(final Slot<K, V> slot) {
            byKey.put(slot.key, slot);
            if (ordered != null) {
                ordered.put(serialized(slot), slot);
            }
        }

        void remove(final Slot<K, V> slot) {
            byKey.remove(slot.key);
            if (ordered != null) {
                ordered.remove(serialized(slot));
            }
        }

        /** The entries in key order: the index, or the keys sorted now. */
        NavigableMap<Bytes, Slot<K, V>> sorted() {
            if (ordered != null) {
                return ordered;
            }
            final TreeMap<Bytes, Slot<K, V>> sorted = new TreeMap<>();
            byKey.values().forEach(slot -> sorted.put(serialized(slot), slot));
            return sorted;
        }

        /** The slot an entry of {@link #sorted} stands for now, or null if its key was removed since. */
        Slot<K, V> current(final Map.Entry<Bytes, Slot<K, V>> entry) {
            return byKey.get(entry.getValue().key);
        }
    }

    /**
     * One key's newest object, its serialized key once something needed it, whether the durable
     * store has the key, whether it changed since the last commit, and the record that changed it.
     */
    private static final class Slot<K, V> {
        final K key;
        Bytes serialized;
        V value;
        boolean durable;
        boolean dirty;
        ProcessorRecordContext origin;

        Slot(final K key, final V value, final boolean durable) {
            this.key = key;
            this.value = value;
            this.durable = durable;
        }
    }

    @Override
    public void init(final StateStoreContext context, final StateStore root) {
        durable.init(context, root);
        internal = context instanceof InternalProcessorContext<?, ?> c ? c : null;
        topic = name();
        heap = null;
        dirty.clear();
    }

    private Content heap() {
        if (heap == null) {
            heap = new Content();
            live = 0;
            try (KeyValueIterator<K, V> all = durable.all()) {
                all.forEachRemaining(entry -> {
                    heap.add(new Slot<>(entry.key, entry.value, true));
                    live++;
                });
            }
        }
        return heap;
    }

    private Bytes serialize(final K key) {
        return Bytes.wrap(keys.serialize(topic, key));
    }

    private Bytes serialized(final Slot<K, V> slot) {
        if (slot.serialized == null) {
            slot.serialized = serialize(slot.key);
        }
        return slot.serialized;
    }

    @Override
    public V get(final K key) {
        final Slot<K, V> slot = heap().get(key);
        return slot == null ? null : slot.value;
    }

    @Override
    public void put(final K key, final V value) {
        Slot<K, V> slot = heap().get(key);
        if (value == null) {
            remove(slot);
            return;
        }
        if (slot == null) {
            slot = new Slot<>(key, value, false);
            heap.add(slot);
            live++;
        } else {
            if (slot.value == null) {
                live++;
            }
            slot.value = value;
        }
        changed(slot);
    }

    private void remove(final Slot<K, V> slot) {
        if (slot == null || slot.value == null) {
            return;
        }
        live--;
        if (slot.durable) {
            // The durable store has it: keep a tombstone until the commit deletes it there.
            slot.value = null;
            changed(slot);
        } else {
            // Added since the last commit: nothing to write, nothing to delete.
            heap.remove(slot);
            slot.dirty = false;
        }
    }

    /** Marks a slot for the next commit, with the record that changed it. */
    private void changed(final Slot<K, V> slot) {
        if (internal != null) {
            slot.origin = internal.recordContext();
        }
        if (!slot.dirty) {
            slot.dirty = true;
            dirty.add(slot);
        }
    }

    @Override
    public V putIfAbsent(final K key, final V value) {
        final V old = get(key);
        if (old == null) {
            put(key, value);
        }
        return old;
    }

    @Override
    public void putAll(final List<KeyValue<K, V>> entries) {
        entries.forEach(entry -> put(entry.key, entry.value));
    }

    @Override
    public V delete(final K key) {
        final V old = get(key);
        put(key, null);
        return old;
    }

    @Override
    public KeyValueIterator<K, V> range(final K from, final K to) {
        return slice(from, to, false);
    }

    @Override
    public KeyValueIterator<K, V> reverseRange(final K from, final K to) {
        return slice(from, to, true);
    }

    @Override
    public KeyValueIterator<K, V> all() {
        return new Cursor(null, null, false);
    }

    @Override
    public KeyValueIterator<K, V> reverseAll() {
        return new Cursor(null, null, true);
    }

    @Override
    public <PS extends Serializer<P>, P> KeyValueIterator<K, V> prefixScan(final P prefix, final PS serializer) {
        final byte[] start = serializer.serialize(topic, prefix);
        // Keys with the prefix sort together from the prefix on: walk from it to the first key without it.
        return new Cursor(Bytes.wrap(start), null, false) {
            @Override
            boolean within(final Bytes key) {
                final byte[] bytes = key.get();
                return bytes.length >= start.length
                        && Arrays.equals(bytes, 0, start.length, start, 0, start.length);
            }
        };
    }

    /** Keys from {@code from} to {@code to}, both included; null is open-ended; empty when from > to. */
    private KeyValueIterator<K, V> slice(final K from, final K to, final boolean reverse) {
        return new Cursor(from == null ? null : serialize(from), to == null ? null : serialize(to), reverse);
    }

    /**
     * Walks the heap from key to key by lookup ({@code higherEntry}/{@code lowerEntry}) instead of
     * a {@code TreeMap} iterator, so that callers may write while they iterate (the detectors
     * and the deduplicator delete what they scan) and an iterator that is dropped early costs
     * nothing more. With {@link Ranges#INDEXED} it sees writes made after it was opened, where a
     * RocksDB iterator would not; no caller depends on either.
     */
    private class Cursor implements KeyValueIterator<K, V> {
        private final Bytes lower;
        private final Bytes upper;
        private final boolean reverse;
        private final Content content = heap();
        private final NavigableMap<Bytes, Slot<K, V>> map = content.sorted();
        private Map.Entry<Bytes, Slot<K, V>> next;

        Cursor(final Bytes lower, final Bytes upper, final boolean reverse) {
            this.lower = lower;
            this.upper = upper;
            this.reverse = reverse;
            Map.Entry<Bytes, Slot<K, V>> first;
            if (lower != null && upper != null && lower.compareTo(upper) > 0) {
                first = null;
            } else if (reverse) {
                first = upper == null ? map.lastEntry() : map.floorEntry(upper);
            } else {
                first = lower == null ? map.firstEntry() : map.ceilingEntry(lower);
            }
            this.next = first; // hasNext() skips to the first key that holds a value
        }

        boolean within(final Bytes key) {
            return reverse ? lower == null || key.compareTo(lower) >= 0 : upper == null || key.compareTo(upper) <= 0;
        }

        /** The first entry from {@code entry} on, in this cursor's direction, that holds a value. */
        private Map.Entry<Bytes, Slot<K, V>> live(final Map.Entry<Bytes, Slot<K, V>> entry) {
            Map.Entry<Bytes, Slot<K, V>> at = entry;
            while (at != null && within(at.getKey()) && absent(at)) {
                at = reverse ? map.lowerEntry(at.getKey()) : map.higherEntry(at.getKey());
            }
            return at != null && within(at.getKey()) ? at : null;
        }

        private boolean absent(final Map.Entry<Bytes, Slot<K, V>> entry) {
            final Slot<K, V> slot = content.current(entry);
            return slot == null || slot.value == null;
        }

        /** Checks the next entry again: the caller may have deleted it since it was found. */
        @Override
        public boolean hasNext() {
            next = live(next);
            return next != null;
        }

        @Override
        public KeyValue<K, V> next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            final Map.Entry<Bytes, Slot<K, V>> current = next;
            // The entry after it; hasNext() skips it and on while their keys hold no value.
            next = reverse ? map.lowerEntry(current.getKey()) : map.higherEntry(current.getKey());
            final Slot<K, V> slot = content.current(current);
            return KeyValue.pair(slot.key, slot.value);
        }

        @Override
        public K peekNextKey() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            return content.current(next).key;
        }

        @Override
        public void close() {
        }
    }

    @Override
    public long approximateNumEntries() {
        heap();
        return live;
    }

    /** Writes every entry changed since the last commit to the durable store; called before each commit. */
    @Override
    public void flushCache() {
        if (heap == null || dirty.isEmpty()) {
            return;
        }
        final ProcessorRecordContext current = internal == null ? null : internal.recordContext();
        try {
            for (final Slot<K, V> slot : dirty) {
                if (!slot.dirty) {
                    continue; // added and removed again since the last commit
                }
                if (internal != null) {
                    internal.setRecordContext(slot.origin != null ? slot.origin
                            : new ProcessorRecordContext(0L, -1L, -1, null, new RecordHeaders()));
                }
                durable.put(slot.key, slot.value);
                slot.dirty = false;
                slot.origin = null;
                if (slot.value == null) {
                    heap.remove(slot);
                } else {
                    slot.durable = true;
                }
            }
            dirty.clear();
        } finally {
            if (internal != null) {
                internal.setRecordContext(current);
            }
        }
    }

    /** Forgets the heap copy (and what was not committed); it is read again on next use. */
    @Override
    public void clearCache() {
        heap = null;
        dirty.clear();
    }

    @Override
    public boolean setFlushListener(final CacheFlushListener<K, V> listener, final boolean sendOldValues) {
        return false;
    }

    @Override
    public String name() {
        return durable.name();
    }

    @Deprecated
    @Override
    public void flush() {
        durable.flush();
    }

    @Override
    public void commit(final Map<TopicPartition, Long> changelogOffsets) {
        durable.commit(changelogOffsets);
    }

    @Override
    public Long committedOffset(final TopicPartition partition) {
        return durable.committedOffset(partition);
    }

    @Override
    public boolean managesOffsets() {
        return durable.managesOffsets();
    }

    @Override
    public long approximateNumUncommittedBytes() {
        return durable.approximateNumUncommittedBytes();
    }

    @Override
    public void close() {
        heap = null;
        dirty.clear();
        durable.close();
    }

    @Override
    public boolean persistent() {
        return durable.persistent();
    }

    @Override
    public boolean isOpen() {
        return durable.isOpen();
    }

    @Override
    public <R> QueryResult<R> query(final Query<R> query, final PositionBound bound, final QueryConfig config) {
        return durable.query(query, bound, config);
    }

    @Override
    public Position getPosition() {
        return durable.getPosition();
    }

    private static final class Builder<K, V> implements StoreBuilder<KeyValueStore<K, V>> {
        private final StoreBuilder<KeyValueStore<K, V>> durable;
        private final Serde<K> keys;
        private final Ranges ranges;

        Builder(final StoreBuilder<KeyValueStore<K, V>> durable, final Serde<K> keys, final Ranges ranges) {
            this.durable = durable;
            this.keys = keys;
            this.ranges = ranges;
        }

        @Override
        public StoreBuilder<KeyValueStore<K, V>> withCachingEnabled() {
            throw new UnsupportedOperationException("a heap store is its own cache");
        }

        @Override
        public StoreBuilder<KeyValueStore<K, V>> withCachingDisabled() {
            return this;
        }

        @Override
        public StoreBuilder<KeyValueStore<K, V>> withLoggingEnabled(final Map<String, String> config) {
            durable.withLoggingEnabled(config);
            return this;
        }

        @Override
        public StoreBuilder<KeyValueStore<K, V>> withLoggingDisabled() {
            durable.withLoggingDisabled();
            return this;
        }

        @Override
        public KeyValueStore<K, V> build() {
            return new HeapKeyValueStore<>(durable.build(), keys.serializer(), ranges);
        }

        @Override
        public Map<String, String> logConfig() {
            return durable.logConfig();
        }

        @Override
        public boolean loggingEnabled() {
            return durable.loggingEnabled();
        }

        @Override
        public String name() {
            return durable.name();
        }
    }
}
