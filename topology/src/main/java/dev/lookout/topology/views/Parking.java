package dev.lookout.topology.views;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import dev.lookout.events.ContentEvent;
import dev.lookout.events.UserEvent;
import dev.lookout.internal.Origin;
import dev.lookout.internal.Parked;
import dev.lookout.internal.ParkedEvents;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Events about an entity that does not exist yet — an update before its user's registration, a
 * comment before its post — wait here, keyed by the entity, until it appears. Waiting is bounded
 * in time (the parking timeout, in stream time) and in size (the parking limit per entity); what
 * does not fit or waits too long becomes a dead letter, so nothing is dropped silently and no
 * half-empty view is ever created.
 */
final class Parking {

    private final KeyValueStore<String, ParkedEvents> store;
    private final int limit;

    Parking(final KeyValueStore<String, ParkedEvents> store, final int limit) {
        this.store = store;
        this.limit = limit;
    }

    /**
     * Parks an event.
     *
     * @return false when the entity already has {@code limit} events waiting; nothing was parked
     */
    boolean park(final String key, final Object event, final Origin origin, final long streamTime) {
        ParkedEvents waiting = store.get(key);
        if (waiting == null) {
            waiting = new ParkedEvents(streamTime, new ArrayList<>());
        } else if (waiting.getItems().size() >= limit) {
            return false;
        }
        waiting.getItems().add(new Parked(event, origin));
        store.put(key, waiting);
        return true;
    }

    /** Removes and returns the events waiting for an entity, oldest event time first. */
    List<Parked> release(final String key) {
        final ParkedEvents waiting = store.get(key);
        if (waiting == null) {
            return List.of();
        }
        store.delete(key);
        final List<Parked> items = new ArrayList<>(waiting.getItems());
        // Stable: events with the same time keep their arrival order.
        items.sort(Comparator.comparingLong(parked -> eventTime(parked.getEvent())));
        return items;
    }

    /** Removes the entities whose first event has waited longer than {@code timeoutMs}, with their events. */
    List<KeyValue<String, List<Parked>>> expire(final long streamTime, final long timeoutMs) {
        final List<KeyValue<String, List<Parked>>> expired = new ArrayList<>();
        try (KeyValueIterator<String, ParkedEvents> all = store.all()) {
            while (all.hasNext()) {
                final KeyValue<String, ParkedEvents> entry = all.next();
                if (streamTime - entry.value.getFirstParkedAt() > timeoutMs) {
                    expired.add(KeyValue.pair(entry.key, entry.value.getItems()));
                }
            }
        }
        for (final KeyValue<String, List<Parked>> entry : expired) {
            store.delete(entry.key);
        }
        return expired;
    }

    static long eventTime(final Object event) {
        if (event instanceof UserEvent user) {
            return user.getOccurredAt().toEpochMilli();
        }
        return ((ContentEvent) event).getOccurredAt().toEpochMilli();
    }
}
