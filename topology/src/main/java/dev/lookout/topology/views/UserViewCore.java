package dev.lookout.topology.views;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.function.UnaryOperator;

import dev.lookout.events.ContentEvent;
import dev.lookout.events.PostPublished;
import dev.lookout.events.UserEvent;
import dev.lookout.events.UserRegistered;
import dev.lookout.internal.EmailClaim;
import dev.lookout.internal.Origin;
import dev.lookout.internal.Parked;
import dev.lookout.internal.UserView;
import dev.lookout.topology.Emitted;
import dev.lookout.topology.Keys;
import dev.lookout.topology.LookoutCounters;
import dev.lookout.topology.Names;
import dev.lookout.topology.deadletter.DeadLetter;
import dev.lookout.topology.deadletter.DeadLetters;
import dev.lookout.topology.deadletter.Reasons;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.VersionedKeyValueStore;
import org.apache.kafka.streams.state.VersionedRecord;

/**
 * The state changes of the user view, shared by the processor of user events and the processor of
 * author activity (both connected to the same stores, so both run in the same task).
 *
 * <p>An event at event time {@code t} changes the version valid at {@code t} and every later
 * version of the user's history: since {@link UserFold} is order-independent, this gives the
 * history that applying all events in event-time order would have given, without waiting for the
 * grace period. Events for a user who has not registered are parked (see {@link Parking}).
 */
final class UserViewCore {

    private final ProcessorContext<String, Emitted> context;
    private final VersionedKeyValueStore<String, UserView> users;
    private final KeyValueStore<Bytes, String> recent;
    private final KeyValueStore<String, Long> directory;
    private final KeyValueStore<String, Long> clock;
    private long newest;
    private final Parking parking;
    private final int recentLimit;
    private final Duration parkingTimeout;
    private final DeadLetters deadLetters;
    private final LookoutCounters counters;

    UserViewCore(final ProcessorContext<String, Emitted> context, final int recentLimit, final int parkingLimit,
                 final Duration parkingTimeout, final DeadLetters deadLetters) {
        this.context = context;
        this.users = context.getStateStore(Names.USERS_STORE);
        this.recent = context.getStateStore(Names.RECENT_REGISTRATIONS_STORE);
        this.directory = context.getStateStore(Names.USER_DIRECTORY_STORE);
        this.clock = context.getStateStore(Names.USERS_CLOCK_STORE);
        final Long stored = clock.get(Names.USERS_CLOCK_KEY);
        this.newest = stored == null ? Long.MIN_VALUE : stored;
        this.parking = new Parking(context.getStateStore(Names.USER_PARKING_STORE), parkingLimit);
        this.recentLimit = recentLimit;
        this.parkingTimeout = parkingTimeout;
        this.deadLetters = deadLetters;
        this.counters = LookoutCounters.from(context.appConfigs());
    }

    void onUserEvent(final String userId, final UserEvent event, final Origin origin) {
        final long at = event.getOccurredAt().toEpochMilli();
        if (users.get(userId) != null) {
            amend(userId, at, view -> UserFold.apply(view, event));
        } else if (event.getPayload() instanceof UserRegistered registered) {
            create(userId, registered, at);
        } else {
            park(userId, event, origin);
        }
    }

    void onActivity(final String authorId, final ContentEvent event, final Origin origin) {
        if (users.get(authorId) != null) {
            applyActivity(authorId, event);
        } else {
            park(authorId, event, origin);
        }
    }

    /** Turns events that waited longer than the parking timeout into dead letters. */
    void expireParked(final long streamTime) {
        for (final KeyValue<String, List<Parked>> expired : parking.expire(streamTime, parkingTimeout.toMillis())) {
            for (final Parked parked : expired.value) {
                deadLetter(deadLetters.of(parked.getEvent(), parked.getOrigin(), Names.USER_VIEW, Reasons.ORPHAN,
                        "user " + expired.key + " did not register within the parking timeout " + parkingTimeout));
            }
        }
    }

    private void create(final String userId, final UserRegistered registered, final long at) {
        final UserView view = UserFold.register(userId, registered, at);
        put(userId, view, at);
        changed(userId, null, view);
        for (final Parked parked : parking.release(userId)) {
            if (parked.getEvent() instanceof UserEvent event) {
                amend(userId, event.getOccurredAt().toEpochMilli(), v -> UserFold.apply(v, event));
            } else {
                applyActivity(userId, (ContentEvent) parked.getEvent());
            }
        }
    }

    private void applyActivity(final String authorId, final ContentEvent event) {
        final long at = event.getOccurredAt().toEpochMilli();
        final boolean post = event.getPayload() instanceof PostPublished;
        amend(authorId, at, view -> UserFold.applyActivity(view, post, at));
    }

    /** Applies a change at event time {@code at} to the version valid then and to every later one. */
    private void amend(final String userId, final long at, final UnaryOperator<UserView> change) {
        final VersionedRecord<UserView> latest = users.get(userId);
        final UserView before = latest.value();
        if (at >= latest.timestamp()) {
            final UserView after = change.apply(before);
            put(userId, after, at);
            changed(userId, before, after);
            return;
        }
        // Out of order: walk back to the version valid at `at`, then rewrite it and all later ones.
        final Deque<VersionedRecord<UserView>> later = new ArrayDeque<>();
        VersionedRecord<UserView> version = latest;
        while (version != null && version.timestamp() > at) {
            later.push(version);
            version = users.get(userId, version.timestamp() - 1);
        }
        if (version != null) {
            put(userId, change.apply(version.value()), at);
        }
        // Before the registration there is no version to start from: the event is folded into the
        // registration's version and every later one.
        while (!later.isEmpty()) {
            final VersionedRecord<UserView> newer = later.pop();
            put(userId, change.apply(newer.value()), newer.timestamp());
        }
        changed(userId, before, users.get(userId).value());
    }

    /**
     * Writes a version and moves {@code users-clock}, which tracks the store's observed stream
     * time: the history retention counts back from it, and queries need to know where it starts.
     */
    private void put(final String userId, final UserView view, final long at) {
        users.put(userId, view, at);
        if (at > newest) {
            newest = at;
            clock.put(Names.USERS_CLOCK_KEY, at);
        }
    }

    private void park(final String key, final Object event, final Origin origin) {
        if (!parking.park(key, event, origin, context.currentStreamTimeMs())) {
            deadLetter(deadLetters.of(event, origin, Names.USER_VIEW, Reasons.PARKING_FULL,
                    "user " + key + " has not registered and already has the maximum of events waiting"));
        }
    }

    /** Keeps the email index and the recent registrations in step with the latest version. */
    private void changed(final String userId, final UserView before, final UserView after) {
        final String oldEmail = before == null ? null : normalise(before.getEmail());
        final String newEmail = normalise(after.getEmail());
        if (!newEmail.equals(oldEmail)) {
            if (oldEmail != null) {
                claim(oldEmail, userId, after.getEmailAt(), false);
            }
            claim(newEmail, userId, after.getEmailAt(), true);
        }
        final long registeredAt = after.getRegisteredAt().toEpochMilli();
        if (before == null || before.getRegisteredAt().toEpochMilli() != registeredAt) {
            if (before != null) {
                recent.delete(Keys.newestFirst(before.getRegisteredAt().toEpochMilli(), userId));
            }
            recent.put(Keys.newestFirst(registeredAt, userId), userId);
            trimRecent();
            directory.put(userId, registeredAt);
        }
    }

    private void trimRecent() {
        while (recent.approximateNumEntries() > recentLimit) {
            try (KeyValueIterator<Bytes, String> oldest = recent.reverseAll()) {
                if (!oldest.hasNext()) {
                    return;
                }
                recent.delete(oldest.next().key);
            }
        }
    }

    private void claim(final String email, final String userId, final long at, final boolean claimed) {
        context.forward(new Record<>(email, new Emitted.Claim(new EmailClaim(userId, at, claimed)), at));
    }

    private void deadLetter(final DeadLetter letter) {
        DeadLetters.forward(context, counters, letter);
    }

    private static String normalise(final String email) {
        return Emails.normalise(Objects.requireNonNull(email, "email"));
    }
}
