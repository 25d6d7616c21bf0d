package dev.lookout.app.kafka;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

import dev.lookout.app.query.AlertDto;
import dev.lookout.app.query.Cluster;
import dev.lookout.app.query.TopologyDto;
import dev.lookout.app.query.EventPage;
import dev.lookout.app.query.InstanceStatus;
import dev.lookout.app.query.LocalSlice;
import dev.lookout.app.query.PostDto;
import dev.lookout.app.query.ReadModel;
import dev.lookout.app.query.ReadOptions;
import dev.lookout.app.query.Readiness;
import dev.lookout.app.query.Result;
import dev.lookout.app.query.UserDto;
import dev.lookout.app.query.UserEventDto;
import dev.lookout.events.SecurityAlert;
import dev.lookout.internal.EmailOwner;
import dev.lookout.internal.PostView;
import dev.lookout.internal.UserHistoryEntry;
import dev.lookout.internal.UserView;
import dev.lookout.topology.Keys;
import dev.lookout.topology.Names;
import dev.lookout.topology.TopologySettings;
import dev.lookout.topology.views.Emails;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.LagInfo;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.query.KeyQuery;
import org.apache.kafka.streams.query.Query;
import org.apache.kafka.streams.query.QueryResult;
import org.apache.kafka.streams.query.RangeQuery;
import org.apache.kafka.streams.query.StateQueryRequest;
import org.apache.kafka.streams.query.StateQueryResult;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.KeyValueIterator;

/**
 * The read model over Kafka Streams' interactive queries (IQv2).
 *
 * <p>A key lookup asks Kafka Streams which instance owns the key's partition. Owned here: the
 * store is queried with {@code requireActive}, so a partition that is restoring or rebalancing
 * answers "not active" and the caller gets {@link Result.Unavailable} — never a stale or missing
 * value. Owned elsewhere: {@link Result.Remote}. With {@code allowStale}, a standby replica on
 * this instance answers, with its offset lag.
 *
 * <p>Every store access is wrapped: "store not ready" can be thrown when a store is obtained and
 * also while it is read (apache/kafka#11887), and either way it becomes {@code Unavailable}.
 */
public final class StreamsReadModel implements ReadModel {

    private static final Serializer<String> KEYS = Serdes.String().serializer();

    private final KafkaStreams streams;
    private final HostInfo self;
    private final TopologySettings settings;
    private final Supplier<Readiness> readiness;
    private final TopologyDto topology;
    private final Supplier<LocalSlice<InstanceStatus>> status;
    private final LongSupplier changes;
    /** Tells this process's slice versions from those of an earlier start, whose counts began at zero too. */
    private final String nonce = Long.toHexString(new SecureRandom().nextLong());

    /**
     * @param changes a count that moves with every change to the listed stores, restore event
     *     and change of state (see {@link #sliceVersion()})
     */
    public StreamsReadModel(final KafkaStreams streams, final String applicationServer,
                            final TopologySettings settings, final TopologyDto topology,
                            final Supplier<Readiness> readiness, final Supplier<LocalSlice<InstanceStatus>> status,
                            final LongSupplier changes) {
        this.streams = streams;
        this.changes = changes;
        this.status = status;
        this.topology = topology;
        this.self = HostInfo.buildFromEndpoint(applicationServer);
        this.settings = settings;
        this.readiness = readiness;
    }

    @Override
    public Result<UserDto> user(final String userId, final ReadOptions options) {
        return byKey(Names.USERS_STORE, userId, options, KeyQuery.<String, UserView>withKey(userId),
                StreamsReadModel::toDto);
    }

    @Override
    public Result<UserDto> userAsOf(final String userId, final Instant asOf, final ReadOptions options) {
        // The newest history entry at or before asOf: a descending range from asOf down to the user's first.
        final Bytes user = Keys.entity(userId);
        final Result<Optional<UserDto>> entry = byKey(Names.USER_HISTORY_STORE, userId, options,
                RangeQuery.<Bytes, UserHistoryEntry>withRange(user,
                        Keys.ofEntity(user, Keys.oldestFirstUpTo(asOf.toEpochMilli()))).withDescendingKeys(),
                StreamsReadModel::newestView);
        if (entry instanceof Result.Found<Optional<UserDto>> found) {
            return found.value().isPresent() ? new Result.Found<>(found.value().get(), found.servedBy(), found.stale())
                    : new Result.NotFound<>(found.servedBy());
        }
        if (entry instanceof Result.NotFound<Optional<UserDto>> notFound) {
            return new Result.NotFound<>(notFound.servedBy());
        }
        if (entry instanceof Result.Remote<Optional<UserDto>> remote) {
            return new Result.Remote<>(remote.host());
        }
        final Result.Unavailable<Optional<UserDto>> unavailable = (Result.Unavailable<Optional<UserDto>>) entry;
        return new Result.Unavailable<>(unavailable.reason(), unavailable.retryAfter());
    }

    @Override
    public Result<EventPage> userEvents(final String userId, final Instant from, final String after, final int limit,
                                        final ReadOptions options) {
        final Bytes user = Keys.entity(userId);
        final Bytes lower = after == null ? Keys.ofEntity(user, Keys.oldestFirst(from.toEpochMilli(), ""))
                : Keys.ofEntity(user, Bytes.wrap(HexFormat.of().parseHex(after)));
        return byKey(Names.USER_HISTORY_STORE, userId, options,
                RangeQuery.<Bytes, UserHistoryEntry>withRange(lower, Keys.entityEnd(user)),
                entries -> page(entries, after == null ? null : lower, limit));
    }

    /** Up to {@code limit} entries after {@code exclusive}, and the position after the last one if there are more. */
    private static EventPage page(final KeyValueIterator<Bytes, UserHistoryEntry> entries, final Bytes exclusive,
                                  final int limit) {
        final List<UserEventDto> items = new ArrayList<>(limit);
        Bytes last = null;
        try (entries) {
            while (entries.hasNext()) {
                final KeyValue<Bytes, UserHistoryEntry> entry = entries.next();
                if (entry.key.equals(exclusive)) {
                    continue;
                }
                if (items.size() == limit) {
                    return new EventPage(items, HexFormat.of().formatHex(Keys.withinEntity(last).get()));
                }
                items.add(UserEvents.toDto(entry.value));
                last = entry.key;
            }
        }
        return new EventPage(items, null);
    }

    @Override
    public Result<String> userIdByEmail(final String email, final ReadOptions options) {
        return byKey(Names.EMAIL_INDEX_STORE, Emails.normalise(email), options,
                KeyQuery.<String, EmailOwner>withKey(Emails.normalise(email)), EmailOwner::getUserId);
    }

    @Override
    public Result<PostDto> post(final String postId, final ReadOptions options) {
        return byKey(Names.POSTS_STORE, postId, options, KeyQuery.<String, PostView>withKey(postId), StreamsReadModel::toDto);
    }

    @Override
    public Result<List<AlertDto>> alertsOfUser(final String userId, final ReadOptions options) {
        final Bytes user = Keys.entity(userId);
        final Result<List<AlertDto>> result = byKey(Names.ALERTS_BY_USER_STORE, userId, options,
                RangeQuery.<Bytes, SecurityAlert>withRange(user, Keys.entityEnd(user)), StreamsReadModel::newestFirst);
        // A user without alerts is a user with an empty list, not a missing resource.
        return result instanceof Result.NotFound<List<AlertDto>> notFound
                ? Result.found(List.of(), notFound.servedBy()) : result;
    }

    @Override
    public LocalSlice<UserDto> localUsers(final String afterUserId, final int limit) {
        final RangeQuery<String, UserView> range = afterUserId == null
                ? RangeQuery.withNoBounds() : RangeQuery.withLowerBound(afterUserId);
        // Up to a page from each local partition, in id order; the page is the first `limit` of them.
        final TreeMap<String, UserDto> users = new TreeMap<>();
        final Set<Integer> covered = eachLocalPartition(Names.USERS_STORE, range, (partition, iterator) -> {
            int taken = 0;
            while (iterator.hasNext() && taken < limit) {
                final KeyValue<String, UserView> user = iterator.next();
                if (!user.key.equals(afterUserId)) {
                    users.put(user.key, toDto(user.value));
                    taken++;
                }
            }
        });
        return new LocalSlice<>(users.values().stream().limit(limit).toList(), covered);
    }

    @Override
    public LocalSlice<UserDto> localRecentRegistrations(final int limit) {
        final List<UserDto> users = new ArrayList<>();
        final Set<Integer> covered = eachLocalPartition(Names.RECENT_REGISTRATIONS_STORE,
                RangeQuery.<Bytes, String>withNoBounds(), (partition, iterator) -> {
                    int taken = 0;
                    while (iterator.hasNext() && taken++ < limit) {
                        localUser(iterator.next().value, partition).ifPresent(users::add);
                    }
                });
        users.sort(Comparator.comparing(UserDto::registeredAt).reversed().thenComparing(UserDto::userId));
        return new LocalSlice<>(users.size() > limit ? users.subList(0, limit) : users, covered);
    }

    @Override
    public LocalSlice<AlertDto> localRecentAlerts(final int limit) {
        final List<AlertDto> alerts = new ArrayList<>();
        final Set<Integer> covered = eachLocalPartition(Names.RECENT_ALERTS_STORE,
                RangeQuery.<Bytes, SecurityAlert>withNoBounds(), (partition, iterator) -> {
                    int taken = 0;
                    while (iterator.hasNext() && taken++ < limit) {
                        alerts.add(toDto(iterator.next().value));
                    }
                });
        alerts.sort(Comparator.comparing(AlertDto::detectedAt).reversed().thenComparing(AlertDto::alertId));
        return new LocalSlice<>(alerts.size() > limit ? alerts.subList(0, limit) : alerts, covered);
    }

    @Override
    public Optional<String> sliceVersion() {
        final long count = changes.getAsLong(); // before readiness: see ReadModel#sliceVersion
        return readiness.get().ready() ? Optional.of(nonce + "-" + count) : Optional.empty();
    }

    @Override
    public Cluster cluster() {
        final Set<String> instances = new TreeSet<>();
        instances.add(endpoint(self));
        try {
            for (final StreamsMetadata metadata : streams.metadataForAllStreamsClients()) {
                instances.add(endpoint(metadata.hostInfo()));
            }
        } catch (StreamsException e) {
            // Not started or stopping: only this instance is known.
        }
        return new Cluster(endpoint(self), List.copyOf(instances), settings.partitions());
    }

    @Override
    public TopologyDto topology() {
        return topology;
    }

    @Override
    public Readiness readiness() {
        return readiness.get();
    }

    @Override
    public LocalSlice<InstanceStatus> localStatus() {
        return status.get();
    }

    @Override
    public Duration historyRetention() {
        return settings.userHistoryRetention();
    }

    @Override
    public Optional<Instant> historyStart(final String userId, final ReadOptions options) {
        // The clock store lives in the same tasks as the users store, so it is partitioned like it.
        final Result<Instant> start = byKey(Names.USERS_CLOCK_STORE, userId, options,
                KeyQuery.<String, Long>withKey(Names.USERS_CLOCK_KEY),
                newest -> Instant.ofEpochMilli(newest).minus(settings.userHistoryRetention()));
        return start instanceof Result.Found<Instant> found ? Optional.of(found.value()) : Optional.empty();
    }

    private <R, T> Result<T> byKey(final String store, final String key, final ReadOptions options,
                                   final Query<R> query, final Function<R, T> toValue) {
        final KeyQueryMetadata metadata;
        try {
            metadata = streams.queryMetadataForKey(store, key, KEYS);
        } catch (StreamsException | IllegalStateException e) {
            return Result.unavailable("the stream processing is not running yet: " + e.getMessage());
        }
        if (metadata == null || KeyQueryMetadata.NOT_AVAILABLE.equals(metadata) || metadata.activeHost().port() < 0) {
            return Result.unavailable("the owner of this key is not known yet: the instances are rebalancing");
        }
        final boolean active = metadata.activeHost().equals(self);
        final boolean standbyHere = metadata.standbyHosts().contains(self);
        if (!active && !(options.allowStale() && standbyHere)) {
            return new Result.Remote<>(endpoint(metadata.activeHost()));
        }
        final int partition = metadata.partition();
        StateQueryRequest<R> request = StateQueryRequest.inStore(store).withQuery(query)
                .withPartitions(Set.of(partition));
        if (!options.allowStale()) {
            request = request.requireActive();
        }
        final QueryResult<R> answer;
        try {
            answer = streams.query(request).getPartitionResults().get(partition);
        } catch (StreamsException e) {
            return Result.unavailable("the store is not ready: " + e.getMessage());
        }
        if (answer == null) {
            return Result.unavailable("partition " + partition + " of " + store + " is not hosted here right now");
        }
        if (answer.isFailure()) {
            return Result.unavailable("partition " + partition + " is not queryable: " + answer.getFailureReason());
        }
        final R value = answer.getResult();
        if (value == null) {
            return new Result.NotFound<>(endpoint(self));
        }
        final T mapped;
        try {
            mapped = toValue.apply(value);
        } catch (InvalidStateStoreException e) {
            return Result.unavailable("the store went away while it was read: " + e.getMessage());
        }
        return new Result.Found<>(mapped, endpoint(self), active ? Optional.empty() : staleness(store, partition));
    }

    private Optional<Result.Staleness> staleness(final String store, final int partition) {
        final Map<Integer, LagInfo> lags = streams.allLocalStorePartitionLags().get(store);
        final LagInfo lag = lags == null ? null : lags.get(partition);
        return Optional.of(new Result.Staleness(lag == null ? -1 : lag.offsetLag()));
    }

    /** Reads an iterator-valued query on every local active partition; returns the partitions read. */
    private <K, V> Set<Integer> eachLocalPartition(final String store, final RangeQuery<K, V> query,
                                                   final PartitionReader<K, V> reader) {
        final Set<Integer> covered = new HashSet<>();
        final StateQueryResult<KeyValueIterator<K, V>> result;
        try {
            result = streams.query(StateQueryRequest.inStore(store).withQuery(query).requireActive());
        } catch (StreamsException e) {
            return covered;
        }
        for (final Map.Entry<Integer, QueryResult<KeyValueIterator<K, V>>> entry
                : result.getPartitionResults().entrySet()) {
            if (entry.getValue().isSuccess()) {
                try (KeyValueIterator<K, V> iterator = entry.getValue().getResult()) {
                    reader.read(entry.getKey(), iterator);
                    covered.add(entry.getKey());
                } catch (InvalidStateStoreException e) {
                    // This partition went away while it was read: it is reported as missing.
                }
            }
        }
        return covered;
    }

    @FunctionalInterface
    private interface PartitionReader<K, V> {
        void read(int partition, KeyValueIterator<K, V> iterator);
    }

    private Optional<UserDto> localUser(final String userId, final int partition) {
        try {
            final QueryResult<UserView> answer = streams.query(
                    StateQueryRequest.inStore(Names.USERS_STORE)
                            .withQuery(KeyQuery.<String, UserView>withKey(userId))
                            .withPartitions(Set.of(partition)).requireActive())
                    .getPartitionResults().get(partition);
            return answer != null && answer.isSuccess() && answer.getResult() != null
                    ? Optional.of(toDto(answer.getResult())) : Optional.empty();
        } catch (StreamsException e) {
            return Optional.empty();
        }
    }

    /** A user's alerts: the store keeps them newest first; the sort only breaks ties of time by id. */
    private static List<AlertDto> newestFirst(final KeyValueIterator<Bytes, SecurityAlert> iterator) {
        final List<AlertDto> alerts = new ArrayList<>();
        try (iterator) {
            iterator.forEachRemaining(entry -> alerts.add(toDto(entry.value)));
        }
        alerts.sort(Comparator.comparing(AlertDto::detectedAt).reversed().thenComparing(AlertDto::alertId));
        return alerts;
    }

    /** The view of the first entry of a descending history range, if it has one. */
    private static Optional<UserDto> newestView(final KeyValueIterator<Bytes, UserHistoryEntry> iterator) {
        try (iterator) {
            if (!iterator.hasNext()) {
                return Optional.empty();
            }
            final UserView view = iterator.next().value.getView();
            return view == null ? Optional.empty() : Optional.of(toDto(view));
        }
    }

    static String endpoint(final HostInfo host) {
        return host.host() + ":" + host.port();
    }

    static UserDto toDto(final UserView view) {
        return new UserDto(view.getUserId(), view.getEmail(), view.getDisplayName(), view.getStatus().name(),
                view.getRegisteredAt(), view.getUpdatedAt(), view.getPostCount(), view.getCommentCount(),
                view.getEventsApplied());
    }

    static PostDto toDto(final PostView view) {
        return new PostDto(view.getPostId(), view.getAuthorId(), view.getTitle(), view.getPublishedAt(),
                view.getCommentCount(), view.getLastCommentAt());
    }

    /** An alert as the API serves it. */
    public static AlertDto toDto(final SecurityAlert alert) {
        return new AlertDto(alert.getAlertId(), alert.getKind().name(), alert.getUserId(), alert.getSourceIp(),
                alert.getFailureCount(), alert.getFirstEventAt(), alert.getLastEventAt(), alert.getDetectedAt(),
                List.copyOf(alert.getSourceIps()), List.copyOf(alert.getTriggeringEventIds()),
                List.copyOf(alert.getUserIds()));
    }

}
