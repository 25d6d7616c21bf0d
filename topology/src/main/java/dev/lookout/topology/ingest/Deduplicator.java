package dev.lookout.topology.ingest;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.TreeMap;

import dev.lookout.topology.LookoutCounters;
import dev.lookout.topology.deadletter.Redelivery;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Drops an event whose {@code event_id} was already seen within the horizon H, so that a
 * producer's retry or a replay changes no view, no counter and no alert. A duplicate is the same
 * event sent again, so it carries the same key and lands in the same partition and task as the
 * original. Duplicates are counted ({@code lookout_duplicates_total}). A dead letter re-driven to
 * its input is taken back once, and applied only where it was not applied yet (see
 * {@link Redelivery}).
 *
 * <p><b>The store.</b> Ids live in a key-value store under a key of (generation, event id), where
 * the generation is the event time divided by the horizon H. A copy whose event time is within H
 * of the original's is in the original's generation or a neighbour, so three point reads find it.
 * Generations older than the one before the newest event time's are deleted, a few ids per event,
 * oldest first: an id is kept for at least H of stream time and at most about 2H. H is the dedup
 * horizon, or the grace for an input whose guard refuses late events (see {@link Ingest}).
 *
 * <p>Finding the ids due: for ids kept for the grace, on the heap, this processor lists the ids
 * of each generation as it remembers them (and from the store when its task starts), so the store
 * keeps no sorted index of its keys; for ids kept for the dedup horizon, in RocksDB, it scans the
 * generations due, a batch of ids at a time.
 *
 * <p>Ids are deleted by this processor rather than by a window store's retention, so each
 * deletion is a tombstone in the changelog, which therefore holds exactly the ids the store
 * holds, whatever the age of the events (see {@link dev.lookout.topology.StateStores}).
 *
 * @param <V> the event type
 */
public final class Deduplicator<V> implements FixedKeyProcessor<String, V, V> {

    /** Ids deleted per processed event at most, so that expiring a generation never stalls a task. */
    static final int EXPIRE_PER_EVENT = 4;
    /** Ids listed per scan of the generations due (see {@link Scanned}). */
    static final int EXPIRE_SCAN = 64;

    private final String topic;
    private final String storeName;
    private final EventShape<V> shape;
    private final long horizonMs;
    private final boolean listsIds;
    private FixedKeyProcessorContext<String, V> context;
    private KeyValueStore<Bytes, Long> seen;
    private LookoutCounters counters;
    /** The newest generation remembered; ids of generations before the one before it are due. */
    private long newestGeneration = Long.MIN_VALUE;
    private Expiry expiry;

    /**
     * @param listsIds whether this processor lists the ids of each generation itself, so that
     *     expiry never ranges over the store: for ids kept for the grace, few enough for the heap,
     *     in a store that then needs no index of its keys ({@link dev.lookout.topology.StateStores#recentIds})
     */
    public Deduplicator(final String topic, final String storeName, final EventShape<V> shape, final Duration horizon,
                        final boolean listsIds) {
        this.topic = topic;
        this.storeName = storeName;
        this.shape = shape;
        this.horizonMs = horizon.toMillis();
        this.listsIds = listsIds;
    }

    @Override
    public void init(final FixedKeyProcessorContext<String, V> context) {
        this.context = context;
        this.seen = context.getStateStore(storeName);
        this.counters = LookoutCounters.from(context.appConfigs());
        expiry = listsIds ? new Listed(seen) : new Scanned(seen);
        newestGeneration = expiry.newestGeneration();
    }

    @Override
    public void process(final FixedKeyRecord<String, V> record) {
        final V event = record.value();
        final long eventTime = shape.eventTime(event);
        final long generation = Math.floorDiv(eventTime, horizonMs);
        final byte[] id = shape.eventId(event).getBytes(StandardCharsets.UTF_8);
        final Headers headers = Redelivery.withoutApplyOnly(record.headers());
        final String redrivenFrom = Redelivery.redrivenFrom(headers);
        final boolean seen = seen(generation, id);
        if (redrivenFrom == null) {
            if (seen) {
                duplicate();
                return;
            }
            remember(generation, id, eventTime);
            context.forward(headers == record.headers() ? record : record.withHeaders(headers));
            return;
        }
        // A re-driven dead letter: taken back once per dead letter (see Redelivery).
        final byte[] letter = (shape.eventId(event) + '\u0000' + redrivenFrom).getBytes(StandardCharsets.UTF_8);
        if (seen(generation, letter)) {
            duplicate();
            return;
        }
        final String stage = Redelivery.redrivenStage(headers);
        if (seen && (stage == null || !Redelivery.APPLYING_STAGES.contains(stage))) {
            duplicate();
            return;
        }
        remember(generation, letter, eventTime);
        if (seen) {
            context.forward(record.withHeaders(Redelivery.applyOnly(headers, stage)));
        } else {
            remember(generation, id, eventTime);
            context.forward(record.withHeaders(headers));
        }
    }

    /** True when the id is in its generation or a neighbour. */
    private boolean seen(final long generation, final byte[] id) {
        for (long near = generation - 1; near <= generation + 1; near++) {
            if (seen.get(key(near, id)) != null) {
                return true;
            }
        }
        return false;
    }

    private void remember(final long generation, final byte[] id, final long eventTime) {
        final Bytes key = key(generation, id);
        seen.put(key, eventTime);
        newestGeneration = Math.max(newestGeneration, generation);
        expiry.remembered(generation, key, newestGeneration - 1);
        expiry.expire(newestGeneration - 1);
    }

    private void duplicate() {
        counters.increment(LookoutCounters.Kind.DUPLICATES, topic);
    }

    /** How the ids due are found: ids of generations before {@code keepFrom}, deleted a few per event, oldest first. */
    interface Expiry {

        /** The newest generation in the store when the task started, or Long.MIN_VALUE. */
        long newestGeneration();

        /** An id was just put into the store. */
        void remembered(long generation, Bytes key, long keepFrom);

        /** Deletes up to {@link #EXPIRE_PER_EVENT} ids due. */
        void expire(long keepFrom);
    }

    /**
     * For ids kept for the grace, on the heap: the ids of each generation are listed as they are
     * remembered (and from the store when the task starts), so expiry never ranges over the store.
     */
    static final class Listed implements Expiry {

        private final KeyValueStore<Bytes, Long> seen;
        private final TreeMap<Long, ArrayDeque<Bytes>> byGeneration = new TreeMap<>();

        Listed(final KeyValueStore<Bytes, Long> seen) {
            this.seen = seen;
            try (KeyValueIterator<Bytes, Long> all = seen.all()) {
                all.forEachRemaining(entry -> remembered(generationOf(entry.key), entry.key, Long.MIN_VALUE));
            }
        }

        @Override
        public long newestGeneration() {
            return byGeneration.isEmpty() ? Long.MIN_VALUE : byGeneration.lastKey();
        }

        @Override
        public void remembered(final long generation, final Bytes key, final long keepFrom) {
            byGeneration.computeIfAbsent(generation, g -> new ArrayDeque<>()).add(key);
        }

        @Override
        public void expire(final long keepFrom) {
            int deleted = 0;
            while (deleted < EXPIRE_PER_EVENT && !byGeneration.isEmpty() && byGeneration.firstKey() < keepFrom) {
                final Bytes key = byGeneration.firstEntry().getValue().poll();
                if (key == null) {
                    byGeneration.pollFirstEntry();
                } else {
                    seen.put(key, null);
                    deleted++;
                }
            }
        }
    }

    /**
     * For ids kept for the dedup horizon, in RocksDB: the generations due are scanned, and the
     * ids found are listed {@link #EXPIRE_SCAN} at a time, so that a range (a RocksDB iterator) is
     * opened once per that many deletions rather than for each event.
     */
    static final class Scanned implements Expiry {

        private final KeyValueStore<Bytes, Long> seen;
        /** The oldest generation that may still hold ids; Long.MAX_VALUE while the store is empty. */
        private long oldest = Long.MAX_VALUE;
        private long newestAtStart = Long.MIN_VALUE;
        /** Where the next scan starts: after the last id deleted, so it never walks over tombstones twice. */
        private Bytes expiredUpTo;
        /** Ids due, listed by the last scan and not deleted yet, oldest first. */
        private final ArrayDeque<Bytes> due = new ArrayDeque<>(EXPIRE_SCAN);
        /** The generation the last scan reached without finding more ids before it; MIN_VALUE while ids may be left. */
        private long scannedBefore = Long.MIN_VALUE;

        Scanned(final KeyValueStore<Bytes, Long> seen) {
            this.seen = seen;
            try (KeyValueIterator<Bytes, Long> first = seen.all()) {
                if (first.hasNext()) {
                    oldest = generationOf(first.next().key);
                }
            }
            try (KeyValueIterator<Bytes, Long> last = seen.reverseAll()) {
                if (last.hasNext()) {
                    newestAtStart = generationOf(last.next().key);
                }
            }
        }

        @Override
        public long newestGeneration() {
            return newestAtStart;
        }

        @Override
        public void remembered(final long generation, final Bytes key, final long keepFrom) {
            if (generation < keepFrom) {
                // An id that is due already (an event older than the horizon): the next scan starts from the oldest again.
                due.clear();
                scannedBefore = Long.MIN_VALUE;
                expiredUpTo = null;
            }
            oldest = Math.min(oldest, generation);
        }

        @Override
        public void expire(final long keepFrom) {
            if (oldest >= keepFrom) {
                return;
            }
            if (due.isEmpty()) {
                scan(keepFrom);
            }
            for (int n = 0; n < EXPIRE_PER_EVENT && !due.isEmpty(); n++) {
                final Bytes key = due.poll();
                seen.put(key, null);
                expiredUpTo = key;
            }
            if (due.isEmpty() && scannedBefore != Long.MIN_VALUE) {
                // Every id before the generation the last scan stopped at is gone; later ones, if the
                // newest generation moved on since, are scanned next.
                oldest = scannedBefore;
                expiredUpTo = null;
                scannedBefore = Long.MIN_VALUE;
            }
        }

        /** Lists the next ids due after {@link #expiredUpTo}, up to {@link #EXPIRE_SCAN}. */
        private void scan(final long keepFrom) {
            final Bytes from = expiredUpTo != null ? expiredUpTo : prefix(oldest);
            try (KeyValueIterator<Bytes, Long> range = seen.range(from, prefix(keepFrom))) {
                while (range.hasNext() && due.size() < EXPIRE_SCAN) {
                    final Bytes key = range.next().key;
                    if (!key.equals(expiredUpTo)) {
                        due.add(key);
                    }
                }
                scannedBefore = due.size() < EXPIRE_SCAN ? keepFrom : Long.MIN_VALUE;
            }
        }
    }

    /** The store key: the generation in sortable form, then the id. */
    static Bytes key(final long generation, final byte[] id) {
        return Bytes.wrap(ByteBuffer.allocate(Long.BYTES + id.length).putLong(generation ^ Long.MIN_VALUE).put(id)
                .array());
    }

    /** The smallest key of a generation. */
    private static Bytes prefix(final long generation) {
        return Bytes.wrap(ByteBuffer.allocate(Long.BYTES).putLong(generation ^ Long.MIN_VALUE).array());
    }

    private static long generationOf(final Bytes key) {
        return ByteBuffer.wrap(key.get()).getLong() ^ Long.MIN_VALUE;
    }
}
