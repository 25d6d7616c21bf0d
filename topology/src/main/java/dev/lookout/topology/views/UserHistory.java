package dev.lookout.topology.views;

import java.util.ArrayList;
import java.util.List;

import dev.lookout.internal.UserHistoryEntry;
import dev.lookout.topology.Keys;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Each user's applied events in event-time order, with the user as of each: the store
 * {@code user-history}, keyed by (user, event time, event id). It answers "the user as of t" (the
 * newest entry at or before t) and "what happened to the user" (the entries in order).
 *
 * <p>The history reaches back {@code retention} from the newest event time of the task (the
 * users clock). Older entries are deleted by {@link #prune}, except the newest of them, which is
 * the user as of the start of the retention. The deletions are tombstones in the changelog, so a
 * restore gives back exactly these entries, whatever the age of the events.
 */
final class UserHistory {

    private final KeyValueStore<Bytes, UserHistoryEntry> store;

    UserHistory(final KeyValueStore<Bytes, UserHistoryEntry> store) {
        this.store = store;
    }

    /** The key of a user's entry. */
    static Bytes key(final String userId, final long at, final String eventId) {
        return Keys.ofEntity(Keys.entity(userId), Keys.oldestFirst(at, eventId));
    }

    void put(final String userId, final long at, final String eventId, final UserHistoryEntry entry) {
        store.put(key(userId, at, eventId), entry);
    }

    /** Rewrites an entry read by {@link #after}. */
    void put(final Bytes key, final UserHistoryEntry entry) {
        store.put(key, entry);
    }

    /** The user's entries after (at, eventId), oldest first. */
    List<KeyValue<Bytes, UserHistoryEntry>> after(final String userId, final long at, final String eventId) {
        final Bytes from = key(userId, at, eventId);
        final List<KeyValue<Bytes, UserHistoryEntry>> later = new ArrayList<>();
        try (KeyValueIterator<Bytes, UserHistoryEntry> range = store.range(from,
                Keys.entityEnd(Keys.entity(userId)))) {
            range.forEachRemaining(entry -> {
                if (!entry.key.equals(from)) {
                    later.add(entry);
                }
            });
        }
        return later;
    }

    /** The user's newest entry at or before (at, eventId), or null. */
    UserHistoryEntry atOrBefore(final String userId, final long at, final String eventId) {
        final Bytes entity = Keys.entity(userId);
        try (KeyValueIterator<Bytes, UserHistoryEntry> range = store.reverseRange(entity, key(userId, at, eventId))) {
            return range.hasNext() ? range.next().value : null;
        }
    }

    /**
     * Deletes, for every user, the entries at or before {@code start} except the newest of them.
     *
     * @return how many entries were deleted
     */
    int prune(final long start) {
        final List<Bytes> expired = new ArrayList<>();
        try (KeyValueIterator<Bytes, UserHistoryEntry> all = store.all()) {
            Bytes entity = null;
            Bytes base = null;
            while (all.hasNext()) {
                final Bytes key = all.next().key;
                final Bytes owner = Keys.entityOf(key);
                if (!owner.equals(entity)) {
                    entity = owner;
                    base = null;
                }
                if (Keys.timeOfOldestFirst(Keys.withinEntity(key)) <= start) {
                    if (base != null) {
                        expired.add(base);
                    }
                    base = key;
                }
            }
        }
        expired.forEach(key -> store.put(key, null));
        return expired.size();
    }
}
