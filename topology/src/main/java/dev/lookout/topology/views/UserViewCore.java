package dev.lookout.topology.views;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;
import java.util.function.UnaryOperator;

import dev.lookout.events.ContentEvent;
import dev.lookout.events.PostPublished;
import dev.lookout.events.UserEvent;
import dev.lookout.events.UserRegistered;
import dev.lookout.internal.EmailClaim;
import dev.lookout.internal.Origin;
import dev.lookout.internal.Parked;
import dev.lookout.internal.UserHistoryEntry;
import dev.lookout.internal.UserView;
import dev.lookout.topology.Emitted;
import dev.lookout.topology.Keys;
import dev.lookout.topology.LookoutCounters;
import dev.lookout.topology.Names;
import dev.lookout.topology.ViewChanges;
import dev.lookout.topology.deadletter.DeadLetter;
import dev.lookout.topology.deadletter.DeadLetters;
import dev.lookout.topology.deadletter.Reasons;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The state changes of the user view: one per user-view task, for both of its inputs.
 *
 * <p>{@code users} holds each user's latest view; {@link UserHistory} holds every applied event
 * with the view as of it. An event at event time {@code t} is recorded at {@code t} and changes
 * the view of every later entry and the latest: since {@link UserFold} is order-independent, this
 * gives the history that applying all events in event-time order would have given, without waiting
 * for the grace period. Events for a user who has not registered are parked (see {@link Parking}).
 *
 * <p>{@code users-clock} is the newest event time applied in the task; the history reaches back
 * the retention from it. It also keeps where the history was last pruned: pruning reads the whole
 * history, and the stream-time schedule that runs it fires again on every start of the task (a
 * restart, a rebalance), so a prune less than half an interval after the last one is skipped.
 */
final class UserViewCore {

    private final ProcessorContext<String, Emitted> context;
    private final KeyValueStore<String, UserView> users;
    private final UserHistory history;
    private final KeyValueStore<Bytes, String> recent;
    /**
     * The keys of {@code recent}, read from it when the task starts. The in-memory store copies its
     * keys into a new tree for every iterator, so finding the oldest entry through one would cost
     * a copy of the whole list on every registration.
     */
    private final TreeSet<Bytes> recentKeys = new TreeSet<>();
    private final KeyValueStore<String, Long> clock;
    private long newest;
    /** The start of the retention when the history was last pruned, or Long.MIN_VALUE. */
    private long prunedTo;
    private final Parking parking;
    private final int recentLimit;
    private final Duration parkingTimeout;
    private final long retentionMs;
    private final long pruneIntervalMs;
    private final DeadLetters deadLetters;
    private final LookoutCounters counters;
    private final ViewChanges viewChanges;

    UserViewCore(final ProcessorContext<String, Emitted> context, final int recentLimit, final int parkingLimit,
                 final Duration parkingTimeout, final Duration retention, final Duration pruneInterval,
                 final DeadLetters deadLetters) {
        this.context = context;
        this.users = context.getStateStore(Names.USERS_STORE);
        this.history = new UserHistory(context.getStateStore(Names.USER_HISTORY_STORE));
        this.recent = context.getStateStore(Names.RECENT_REGISTRATIONS_STORE);
        try (KeyValueIterator<Bytes, String> all = recent.all()) {
            all.forEachRemaining(entry -> recentKeys.add(entry.key));
        }
        this.clock = context.getStateStore(Names.USERS_CLOCK_STORE);
        final Long stored = clock.get(Names.USERS_CLOCK_KEY);
        this.newest = stored == null ? Long.MIN_VALUE : stored;
        final Long pruned = clock.get(Names.USERS_PRUNED_KEY);
        this.prunedTo = pruned == null ? Long.MIN_VALUE : pruned;
        this.parking = new Parking(context.getStateStore(Names.USER_PARKING_STORE), parkingLimit);
        this.recentLimit = recentLimit;
        this.parkingTimeout = parkingTimeout;
        this.retentionMs = retention.toMillis();
        this.pruneIntervalMs = pruneInterval.toMillis();
        this.deadLetters = deadLetters;
        this.counters = LookoutCounters.from(context.appConfigs());
        this.viewChanges = ViewChanges.from(context.appConfigs());
    }

    void onUserEvent(final String userId, final UserEvent event, final Origin origin) {
        final UserView latest = users.get(userId);
        if (latest != null) {
            amend(userId, latest, event, event.getEventId(), event.getOccurredAt().toEpochMilli(), origin,
                    view -> UserFold.apply(view, event));
        } else if (event.getPayload() instanceof UserRegistered registered) {
            create(userId, registered, event, origin);
        } else {
            park(userId, event, origin);
        }
    }

    void onActivity(final String authorId, final ContentEvent event, final Origin origin) {
        final UserView latest = users.get(authorId);
        if (latest != null) {
            applyActivity(authorId, latest, event, origin);
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

    /**
     * Deletes the history further back than the retention, keeping each user's view at its start;
     * unless the start of the retention moved less than half a prune interval since the last prune,
     * in this run of the task or the one before. Half, because the schedule's punctuations come an
     * interval apart in stream time, which the users clock follows only roughly.
     */
    void pruneHistory() {
        if (newest == Long.MIN_VALUE) {
            return;
        }
        final long start = newest - retentionMs;
        if (prunedTo != Long.MIN_VALUE && start - prunedTo < pruneIntervalMs / 2) {
            return;
        }
        history.prune(start);
        prunedTo = start;
        clock.put(Names.USERS_PRUNED_KEY, start);
    }

    private void create(final String userId, final UserRegistered registered, final UserEvent event,
                        final Origin origin) {
        final long at = event.getOccurredAt().toEpochMilli();
        final UserView view = UserFold.register(userId, registered, at);
        history.put(userId, at, event.getEventId(), new UserHistoryEntry(event, origin, view));
        users.put(userId, view);
        tick(at);
        changed(userId, null, view);
        UserView latest = view;
        for (final Parked parked : parking.release(userId)) {
            if (parked.getEvent() instanceof UserEvent parkedEvent) {
                latest = amend(userId, latest, parkedEvent, parkedEvent.getEventId(),
                        parkedEvent.getOccurredAt().toEpochMilli(), parked.getOrigin(),
                        v -> UserFold.apply(v, parkedEvent));
            } else {
                latest = applyActivity(userId, latest, (ContentEvent) parked.getEvent(), parked.getOrigin());
            }
        }
    }

    private UserView applyActivity(final String authorId, final UserView latest, final ContentEvent event,
                                   final Origin origin) {
        final long at = event.getOccurredAt().toEpochMilli();
        final boolean post = event.getPayload() instanceof PostPublished;
        return amend(authorId, latest, event, event.getEventId(), at, origin,
                view -> UserFold.applyActivity(view, post, at));
    }

    /**
     * Records an event at {@code at} and applies its change to the view as of then and to every
     * later one; returns the new latest view.
     */
    private UserView amend(final String userId, final UserView before, final Object event, final String eventId,
                           final long at, final Origin origin, final UnaryOperator<UserView> change) {
        final UserView after = change.apply(before);
        // The latest view's updatedAt is the newest event time in the history: a newer event is
        // the newest entry, and nothing after it needs rewriting.
        if (at > before.getUpdatedAt().toEpochMilli()) {
            history.put(userId, at, eventId, new UserHistoryEntry(event, origin, after));
        } else {
            final UserHistoryEntry base = history.atOrBefore(userId, at, eventId);
            final UserView asOf = base == null || base.getView() == null ? null : change.apply(base.getView());
            for (final KeyValue<Bytes, UserHistoryEntry> later : history.after(userId, at, eventId)) {
                final UserHistoryEntry entry = later.value;
                if (entry.getView() != null) {
                    entry.setView(change.apply(entry.getView()));
                    history.put(later.key, entry);
                }
            }
            history.put(userId, at, eventId, new UserHistoryEntry(event, origin, asOf));
        }
        users.put(userId, after);
        tick(at);
        changed(userId, before, after);
        return after;
    }

    /** Moves {@code users-clock}, the newest event time applied in this task. */
    private void tick(final long at) {
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

    /**
     * Keeps the email index and the recent registrations in step with the latest view, which is
     * written; then counts the change for the HTTP lists.
     */
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
                forgetRecent(Keys.newestFirst(before.getRegisteredAt().toEpochMilli(), userId));
            }
            final Bytes key = Keys.newestFirst(registeredAt, userId);
            recent.put(key, userId);
            recentKeys.add(key);
            while (recentKeys.size() > recentLimit) {
                forgetRecent(recentKeys.last()); // newest first: the last key is the oldest registration
            }
        }
        viewChanges.changed();
    }

    private void forgetRecent(final Bytes key) {
        recent.put(key, null); // a delete that does not read back the old value
        recentKeys.remove(key);
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
