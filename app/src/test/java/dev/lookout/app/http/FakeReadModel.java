package dev.lookout.app.http;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicInteger;

import dev.lookout.app.query.AlertDto;
import dev.lookout.app.query.Cluster;
import dev.lookout.app.query.EventPage;
import dev.lookout.app.query.InstanceStatus;
import dev.lookout.app.query.LocalSlice;
import dev.lookout.app.query.PostDto;
import dev.lookout.app.query.ReadModel;
import dev.lookout.app.query.ReadOptions;
import dev.lookout.app.query.Readiness;
import dev.lookout.app.query.Result;
import dev.lookout.app.query.TopologyDto;
import dev.lookout.app.query.UserDto;
import dev.lookout.app.query.UserEventDto;

/**
 * A read model held in maps, for route tests: users owned here or by a named peer, keys that are
 * unavailable, and the partitions this instance claims for list slices.
 */
final class FakeReadModel implements ReadModel {

    // Concurrent: the version is read on other threads (a peer's watch) while a test writes.
    final Map<String, UserDto> users = new ConcurrentSkipListMap<>();
    final Map<String, Map<Instant, UserDto>> history = new HashMap<>();
    final Map<String, String> emails = new HashMap<>();
    final Map<String, PostDto> posts = new HashMap<>();
    final Map<String, List<AlertDto>> alerts = new HashMap<>();
    /** Each user's history, oldest first; positions are the index of the next event, in hex. */
    final Map<String, List<UserEventDto>> events = new HashMap<>();
    final Map<String, String> ownedElsewhere = new HashMap<>();
    final Set<String> unavailable = new HashSet<>();
    final List<String> instances = new ArrayList<>();
    Set<Integer> partitions = Set.of(0, 1, 2, 3, 4, 5);
    int partitionCount = 6;
    String self = "localhost:0";
    Readiness readiness = new Readiness(true, "RUNNING");
    InstanceStatus status = new InstanceStatus("localhost:0", "RUNNING", true, List.of(), List.of(),
            List.of(new InstanceStatus.InputLag("auth-events", 0, 0, 0.0)),
            List.of(new InstanceStatus.Sample(Instant.EPOCH, 12.0)), Map.of("auth-events", 12.0),
            Map.of("security-alerts", 0.5),
            List.of(new InstanceStatus.DeadLetterCount("deserialize", "undecodable", 1)), Map.of(), Map.of());
    /** The newest event time of every partition here; null before any event. */
    Instant newestEventTime;

    @Override
    public Result<UserDto> user(final String userId, final ReadOptions options) {
        return lookup(userId, users.get(userId));
    }

    @Override
    public Result<UserDto> userAsOf(final String userId, final Instant asOf, final ReadOptions options) {
        final Map<Instant, UserDto> versions = history.getOrDefault(userId, Map.of());
        UserDto found = null;
        Instant best = null;
        for (final Map.Entry<Instant, UserDto> version : versions.entrySet()) {
            if (!version.getKey().isAfter(asOf) && (best == null || version.getKey().isAfter(best))) {
                best = version.getKey();
                found = version.getValue();
            }
        }
        return lookup(userId, found);
    }

    @Override
    public Result<String> userIdByEmail(final String email, final ReadOptions options) {
        return lookup(email.toLowerCase(), emails.get(email.toLowerCase()));
    }

    @Override
    public Result<EventPage> userEvents(final String userId, final Instant from, final String after, final int limit,
                                        final ReadOptions options) {
        final List<UserEventDto> all = events.getOrDefault(userId, List.of());
        int start = after == null ? 0 : Integer.parseInt(after, 16);
        while (after == null && start < all.size() && all.get(start).occurredAt().isBefore(from)) {
            start++;
        }
        final int end = Math.min(all.size(), start + limit);
        return lookup(userId, new EventPage(all.subList(start, end),
                end < all.size() ? String.format("%08x", end) : null));
    }

    @Override
    public Result<PostDto> post(final String postId, final ReadOptions options) {
        return lookup(postId, posts.get(postId));
    }

    @Override
    public Result<List<AlertDto>> alertsOfUser(final String userId, final ReadOptions options) {
        return lookup(userId, alerts.getOrDefault(userId, List.of()));
    }

    private <T> Result<T> lookup(final String key, final T value) {
        if (unavailable.contains(key)) {
            return new Result.Unavailable<>("partition 3 is restoring", Duration.ofSeconds(7));
        }
        if (ownedElsewhere.containsKey(key)) {
            return new Result.Remote<>(ownedElsewhere.get(key));
        }
        return value == null ? new Result.NotFound<>(self) : Result.found(value, self);
    }

    /** How often the users' slice was read from the "stores". */
    final AtomicInteger userSliceReads = new AtomicInteger();

    @Override
    public LocalSlice<UserDto> localUsers(final String afterUserId, final int limit) {
        userSliceReads.incrementAndGet();
        final List<UserDto> page = users.values().stream()
                .filter(user -> afterUserId == null || user.userId().compareTo(afterUserId) > 0)
                .limit(limit).toList();
        return new LocalSlice<>(page, partitions);
    }

    @Override
    public LocalSlice<UserDto> localRecentRegistrations(final int limit) {
        return new LocalSlice<>(users.values().stream()
                .sorted(Comparator.comparing(UserDto::registeredAt).reversed()).limit(limit).toList(), partitions);
    }

    @Override
    public LocalSlice<AlertDto> localRecentAlerts(final int limit) {
        return new LocalSlice<>(alerts.values().stream().flatMap(List::stream)
                .sorted(Comparator.comparing(AlertDto::detectedAt).reversed()).limit(limit).toList(), partitions);
    }

    @Override
    public TopologyDto topology() {
        return new TopologyDto(List.of(new TopologyDto.Subtopology(0, List.of(
                new TopologyDto.Node("user-events-source", "source", List.of("user-events"), List.of(),
                        List.of("user-view")),
                new TopologyDto.Node("user-view", "processor", List.of(), List.of("users"), List.of())))),
                new TopologyDto.Detection(5, 300, 600, 10, 60));
    }

    /** The hash of everything a slice shows: it changes with the content, as the real version does. */
    @Override
    public Optional<String> sliceVersion() {
        return readiness.ready()
                ? Optional.of(Integer.toHexString(Objects.hash(users, alerts, partitions, partitionCount, status)))
                : Optional.empty();
    }

    @Override
    public Cluster cluster() {
        final List<String> all = new ArrayList<>(instances);
        if (!all.contains(self)) {
            all.add(self);
        }
        return new Cluster(self, all, partitionCount);
    }

    @Override
    public Readiness readiness() {
        return readiness;
    }

    @Override
    public LocalSlice<InstanceStatus> localStatus() {
        return new LocalSlice<>(List.of(status), Set.copyOf(partitions));
    }

    @Override
    public Duration historyRetention() {
        return Duration.ofDays(30);
    }

    @Override
    public Optional<Instant> historyStart(final String userId, final ReadOptions options) {
        if (ownedElsewhere.containsKey(userId) || newestEventTime == null) {
            return Optional.empty();
        }
        return Optional.of(newestEventTime.minus(historyRetention()));
    }

    static UserDto user(final String id, final Instant registered) {
        return new UserDto(id, id + "@example.com", "User " + id, "ACTIVE", registered, registered, 1, 2, 3);
    }

    static UserEventDto event(final String id, final String type, final Instant at, final long offset) {
        return new UserEventDto(id, type, at, Map.of("display_name", "Name " + id),
                new UserEventDto.Origin("user-events", 2, offset));
    }

    static AlertDto alert(final String id, final String user, final Instant at) {
        return new AlertDto(id, "REPEATED_LOGIN_FAILURE", user, "10.0.0.1", 3, at.minusSeconds(60), at, at,
                List.of("10.0.0.1"), List.of("e1", "e2", "e3"), List.of(user));
    }
}
