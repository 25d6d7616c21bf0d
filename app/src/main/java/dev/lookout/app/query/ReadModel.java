package dev.lookout.app.query;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The read model as the HTTP layer sees it: lookups by key that answer
 * {@link Result Found | NotFound | Remote | Unavailable}, and the local slices of lists that
 * span all instances. Implementations decide where a key lives; callers never see Kafka Streams
 * or store names.
 */
public interface ReadModel {

    Result<UserDto> user(String userId, ReadOptions options);

    /** The user as of an event time inside the history retention. */
    Result<UserDto> userAsOf(String userId, Instant asOf, ReadOptions options);

    /** The user holding an address; the address is compared case-insensitively. */
    Result<String> userIdByEmail(String email, ReadOptions options);

    /**
     * Up to {@code limit} of the user's applied events in event-time order: from {@code from}
     * (inclusive), or after the position {@code after} of an earlier page when it is given.
     * Found with an empty page when there are none.
     */
    Result<EventPage> userEvents(String userId, Instant from, String after, int limit, ReadOptions options);

    Result<PostDto> post(String postId, ReadOptions options);

    /** The user's alerts, newest first. */
    Result<List<AlertDto>> alertsOfUser(String userId, ReadOptions options);

    /** Up to {@code limit} users of this instance's partitions with ids after {@code afterUserId}, by id. */
    LocalSlice<UserDto> localUsers(String afterUserId, int limit);

    /** This instance's newest registrations, newest first. */
    LocalSlice<UserDto> localRecentRegistrations(int limit);

    /** This instance's newest alerts, newest first. */
    LocalSlice<AlertDto> localRecentAlerts(int limit);

    /**
     * A token for what this instance's list slices hold: it changes whenever a local slice may
     * have changed (a write to a listed store, a restore, a rebalance). Read it before reading the
     * slice: the slice is then current for as long as the token stays the same, and may be kept
     * under it. Empty while slices must not be kept (e.g. the instance is not ready).
     */
    Optional<String> sliceVersion();

    Cluster cluster();

    /** The running topology: sub-topologies, processors, stores and topics. */
    TopologyDto topology();

    Readiness readiness();

    /** This instance's status (state, restoration, lag, rates, counters) and its active partitions. */
    LocalSlice<InstanceStatus> localStatus();

    /** How far back "as of" reads reach. */
    Duration historyRetention();

    /**
     * The earliest event time the user's history answers for: the newest event time the user's
     * partition has seen, minus the {@link #historyRetention()}. Empty where this instance does
     * not hold the partition (its owner decides) or the partition has seen no event yet.
     */
    Optional<Instant> historyStart(String userId, ReadOptions options);
}
