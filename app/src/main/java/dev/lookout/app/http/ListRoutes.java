package dev.lookout.app.http;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JavaType;

import dev.lookout.app.query.AlertDto;
import dev.lookout.app.query.Cluster;
import dev.lookout.app.query.InstanceStatus;
import dev.lookout.app.query.LocalSlice;
import dev.lookout.app.query.ReadModel;
import dev.lookout.app.query.UserDto;
import io.javalin.http.ContentType;
import io.javalin.http.Context;
import io.javalin.http.Header;
import io.javalin.http.HttpStatus;

/**
 * Lists that span all instances: every user by id (cursor pagination), the newest registrations,
 * the newest alerts. Each instance contributes its slice; the slices are merged here. A list is
 * {@code "partial": false} only when its slices cover every partition; otherwise it says which
 * partitions and instances are missing. It is never silently incomplete.
 */
final class ListRoutes implements AutoCloseable {

    static final int MAX_USERS = 500;
    static final int MAX_RECENT = 100;
    static final int MAX_ALERTS = 500;
    private static final Map<Class<?>, JavaType> SLICE_TYPES = new ConcurrentHashMap<>();

    private final ReadModel readModel;
    private final Peers peers;
    private final Duration timeout;
    private final ListCache cache = new ListCache();
    private final PeerWatches watches;
    private final VersionWaits waits;
    private final Duration maxHold;

    /**
     * @param maxHold the longest this instance holds a peer's watch of its version (shorter than
     *     the time a connection may stay silent)
     */
    ListRoutes(final ReadModel readModel, final Peers peers, final Duration timeout, final Duration maxHold) {
        this.readModel = readModel;
        this.peers = peers;
        this.timeout = timeout;
        this.maxHold = maxHold;
        this.watches = new PeerWatches(peers, PeerWatches.HOLD.compareTo(maxHold) < 0 ? PeerWatches.HOLD : maxHold);
        this.waits = new VersionWaits(this::sliceETag);
    }

    private String sliceETag() {
        return etag(readModel.sliceVersion().orElse(null));
    }

    /** A slice version as the ETag that carries it (quoted), or null for none. */
    private static String etag(final String version) {
        return version == null ? null : '"' + version + '"';
    }

    /**
     * One list: where every instance serves its slice, how slices merge, and how this instance
     * reads its own.
     *
     * @param key the slice's name and parameters as given, the same on every instance; what the
     *     list keeps is filed under it
     * @param path the internal route and query that serve the slice
     */
    private record Listing<T>(String key, String path, Class<T> type, Comparator<T> order,
                              Function<T, String> identity, Supplier<LocalSlice<T>> local) {
    }

    private Listing<UserDto> users(final String after, final int limit) {
        final String query = "users?limit=" + limit;
        return new Listing<>(after == null ? query : query + "&after=" + after,
                "/internal/slices/" + query + (after == null ? "" : "&after=" + ReadRoutes.encode(after)),
                UserDto.class, Comparator.comparing(UserDto::userId), UserDto::userId,
                () -> readModel.localUsers(after, limit));
    }

    private Listing<UserDto> recentRegistrations(final int limit) {
        final String query = "recent-registrations?limit=" + limit;
        return new Listing<>(query, "/internal/slices/" + query, UserDto.class,
                Comparator.comparing(UserDto::registeredAt).reversed().thenComparing(UserDto::userId), UserDto::userId,
                () -> readModel.localRecentRegistrations(limit));
    }

    private Listing<AlertDto> alerts(final int limit) {
        final String query = "alerts?limit=" + limit;
        return new Listing<>(query, "/internal/slices/" + query, AlertDto.class,
                Comparator.comparing(AlertDto::detectedAt).reversed().thenComparing(AlertDto::alertId),
                AlertDto::alertId, () -> readModel.localRecentAlerts(limit));
    }

    void users(final Context ctx) {
        final int limit = Params.limit(ctx, 1, MAX_USERS, 100);
        final String after = Cursor.parse(ctx.queryParam("cursor"));
        page(ctx, users(after, limit + 1), merged -> {
            final List<UserDto> page = merged.items().size() > limit ? merged.items().subList(0, limit)
                    : merged.items();
            final Map<String, Object> body = new LinkedHashMap<>();
            body.put("items", page);
            body.put("nextCursor", merged.items().size() > limit ? Cursor.after(page.get(page.size() - 1).userId())
                    : null);
            merged.describeInto(body);
            return body;
        });
    }

    void recentRegistrations(final Context ctx) {
        final int limit = Params.limit(ctx, 1, MAX_RECENT, 20);
        page(ctx, recentRegistrations(limit), merged -> firstOf(merged, limit));
    }

    void alerts(final Context ctx) {
        final int limit = Params.limit(ctx, 1, MAX_ALERTS, 50);
        page(ctx, alerts(limit), merged -> firstOf(merged, limit));
    }

    /** Every instance's status, by instance; partial when an instance did not answer. */
    void status(final Context ctx) {
        final Merged<InstanceStatus> merged = collect(new Listing<>("status", "/internal/status",
                InstanceStatus.class, Comparator.comparing(InstanceStatus::instance), InstanceStatus::instance,
                readModel::localStatus), null).merged();
        ctx.json(firstOf(merged, merged.items().size()));
    }

    void internalStatus(final Context ctx) {
        ctx.json(readModel.localStatus());
    }

    void internalUsers(final Context ctx) {
        slice(ctx, users(ctx.queryParam("after"), Params.limit(ctx, 1, MAX_USERS + 1, MAX_USERS + 1)));
    }

    void internalRecentRegistrations(final Context ctx) {
        slice(ctx, recentRegistrations(Params.limit(ctx, 1, MAX_RECENT, MAX_RECENT)));
    }

    void internalAlerts(final Context ctx) {
        slice(ctx, alerts(Params.limit(ctx, 1, MAX_ALERTS, MAX_ALERTS)));
    }

    /**
     * {@value PeerWatches#PATH}: this instance's slice version as its ETag, once it differs from
     * the peer's {@code If-None-Match}; 304 when it has not changed within {@code wait}
     * milliseconds (at most the hold this instance allows). Without a version (not ready) the
     * answer has no ETag.
     */
    void internalVersion(final Context ctx) {
        final String known = ctx.header(Header.IF_NONE_MATCH);
        final int wait = Params.integer(ctx, "wait", 0, Integer.MAX_VALUE, 0);
        final String current = sliceETag();
        if (known == null || !known.equals(current) || wait == 0) {
            versionAnswer(ctx, known, current);
            return;
        }
        final Duration held = Duration.ofMillis(Math.min(wait, maxHold.toMillis()));
        ctx.future(() -> waits.changedFrom(known, held).thenAccept(now -> versionAnswer(ctx, known, now)));
    }

    private static void versionAnswer(final Context ctx, final String known, final String current) {
        if (current == null) {
            ctx.json(Map.of("ready", false));
            return;
        }
        ctx.header(Header.ETAG, current);
        if (current.equals(known)) {
            ctx.status(HttpStatus.NOT_MODIFIED);
        } else {
            ctx.json(Map.of("ready", true));
        }
    }

    @Override
    public void close() {
        watches.close();
        waits.close();
    }

    private static <T> Map<String, Object> firstOf(final Merged<T> merged, final int limit) {
        final Map<String, Object> body = new LinkedHashMap<>();
        body.put("items", merged.items().size() > limit ? merged.items().subList(0, limit) : merged.items());
        merged.describeInto(body);
        return body;
    }

    /**
     * This instance's slice, as a peer asks for it: with the slice version as its ETag and the
     * age of what it holds ({@value Peers#SLICE_AGE}), and 304 without a body when the peer already
     * holds the slice of that version. A peer asks with an ETag only for a slice younger than
     * {@link ListCache#MAX_AGE}, so a 304 never makes a slice older than that.
     */
    private <T> void slice(final Context ctx, final Listing<T> listing) {
        final String version = readModel.sliceVersion().orElse(null);
        final String etag = etag(version);
        if (etag != null) {
            ctx.header(Header.ETAG, etag);
            if (etag.equals(ctx.header(Header.IF_NONE_MATCH))) {
                ctx.status(HttpStatus.NOT_MODIFIED);
                return;
            }
        }
        final ListCache.Kept<byte[]> json = cache.current("json:" + listing.key(), version);
        final ListCache.Kept<byte[]> answer = json != null ? json : jsonOf(listing, version);
        ctx.header(Peers.SLICE_AGE, Long.toString(cache.ageMillis(answer)));
        ctx.contentType(ContentType.APPLICATION_JSON).result(answer.value());
    }

    private <T> ListCache.Kept<byte[]> jsonOf(final Listing<T> listing, final String version) {
        final ListCache.Kept<LocalSlice<T>> slice = localSlice(listing, version);
        return cache.keep("json:" + listing.key(), version, toJson(slice.value()), slice.readAtNanos());
    }

    /**
     * A page of a list: this instance's slice and every peer's, merged and rendered. A page that
     * covers every instance under known versions is kept, and answered again while none of them
     * changed.
     */
    private <T> void page(final Context ctx, final Listing<T> listing, final Function<Merged<T>, Object> render) {
        final String version = readModel.sliceVersion().orElse(null);
        final Collected<T> collected = collect(listing, version);
        final String pageVersion = collected.pageVersion(version);
        final ListCache.Kept<byte[]> kept = cache.current("page:" + listing.key(), pageVersion);
        ctx.contentType(ContentType.APPLICATION_JSON).result(kept != null ? kept.value()
                : cache.keep("page:" + listing.key(), pageVersion, toJson(render.apply(collected.merged())),
                        collected.readAtNanos()).value());
    }

    private <T> ListCache.Kept<LocalSlice<T>> localSlice(final Listing<T> listing, final String version) {
        return cache.get("slice:" + listing.key(), version, listing.local());
    }

    private static byte[] toJson(final Object value) {
        try {
            return Json.MAPPER.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a list page could not be written as JSON", e);
        }
    }

    /** Merged slices: the items in order without duplicates, and what could not be read. */
    record Merged<T>(List<T> items, Set<Integer> missingPartitions, List<String> unreachableInstances) {

        boolean partial() {
            return !missingPartitions.isEmpty() || !unreachableInstances.isEmpty();
        }

        void describeInto(final Map<String, Object> body) {
            body.put("partial", partial());
            if (partial()) {
                body.put("missingPartitions", missingPartitions);
                body.put("unreachableInstances", unreachableInstances);
            }
        }
    }

    /**
     * The slices of a list and what could not be read, with the version of each slice: this
     * instance's under the version it was read at, each peer's under its ETag (null where it sent
     * none or did not answer).
     */
    private record Collected<T>(Listing<T> listing, List<ListCache.Kept<LocalSlice<T>>> slices, Set<Integer> missing,
                                List<String> unreachable, Map<String, String> peerVersions) {

        /** When the oldest of the slices was read. */
        long readAtNanos() {
            return slices.stream().mapToLong(ListCache.Kept::readAtNanos).min().orElseThrow();
        }

        boolean partial() {
            return !missing.isEmpty() || !unreachable.isEmpty();
        }

        /** The version of a page merged from these slices, or null when one of them has none. */
        String pageVersion(final String localVersion) {
            if (localVersion == null || partial() || peerVersions.containsValue(null)) {
                return null;
            }
            return localVersion + peerVersions;
        }

        /** The items of every slice, in the list's order and without duplicates. */
        Merged<T> merged() {
            final Map<String, T> byIdentity = new LinkedHashMap<>();
            for (final ListCache.Kept<LocalSlice<T>> slice : slices) {
                slice.value().items().forEach(item -> byIdentity.putIfAbsent(listing.identity().apply(item), item));
            }
            final List<T> items = new ArrayList<>(byIdentity.values());
            items.sort(listing.order());
            return new Merged<>(items, missing, unreachable);
        }
    }

    /**
     * Asks every peer for its slice at once and reads this instance's meanwhile (a single peer is
     * asked on this thread). A peer is asked with the ETag of the slice it sent last, if that
     * slice is young enough to be kept, and a 304 reuses it; a peer with an open watch from that
     * ETag (see {@link PeerWatches}) is not asked at all. Every answer with an ETag opens a watch.
     */
    private <T> Collected<T> collect(final Listing<T> listing, final String version) {
        final Cluster cluster = readModel.cluster();
        final JavaType sliceType = SLICE_TYPES.computeIfAbsent(listing.type(),
                type -> Json.MAPPER.getTypeFactory().constructParametricType(LocalSlice.class, type));
        final Map<String, ListCache.Kept<LocalSlice<T>>> known = new LinkedHashMap<>();
        final Map<String, ListCache.Kept<LocalSlice<T>>> unchanged = new LinkedHashMap<>();
        for (final String instance : cluster.instances()) {
            if (!instance.equals(cluster.self())) {
                final ListCache.Kept<LocalSlice<T>> kept = version == null ? null
                        : cache.any("peer:" + instance + listing.key());
                // A peer whose watch says it still holds the version of the kept slice is not asked.
                (kept != null && kept.version().equals(watches.unchanged(instance)) ? unchanged : known)
                        .put(instance, kept);
            }
        }
        final List<ListCache.Kept<LocalSlice<T>>> slices = new ArrayList<>();
        final Supplier<ListCache.Kept<LocalSlice<T>>> mine = () -> localSlice(listing, version);
        final Map<String, CompletableFuture<Peers.Answer>> asked = new LinkedHashMap<>();
        // Before any peer is asked: a single peer is asked on this thread, and has answered when the call returns.
        final long asking = cache.now();
        if (known.size() == 1) {
            // One peer: asked on this thread, after the local slice, which spares two hand-offs between threads.
            slices.add(mine.get());
        }
        known.forEach((instance, kept) -> {
            final String tag = kept == null ? null : kept.version();
            asked.put(instance, known.size() == 1 ? peers.getHere(instance, listing.path(), tag)
                    : peers.get(instance, listing.path(), tag));
        });
        if (known.size() != 1) {
            slices.add(mine.get());
        }
        final List<String> unreachable = new ArrayList<>();
        final Map<String, String> peerVersions = new TreeMap<>();
        unchanged.forEach((instance, kept) -> {
            slices.add(kept);
            peerVersions.put(instance, kept.version());
        });
        final long deadline = System.nanoTime() + timeout.toNanos();
        asked.forEach((instance, answer) -> {
            peerVersions.put(instance, null);
            try {
                final Peers.Answer reply = answer.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                final ListCache.Kept<LocalSlice<T>> kept = known.get(instance);
                if (reply.status() == HttpStatus.NOT_MODIFIED.getCode() && kept != null) {
                    slices.add(kept);
                    peerVersions.put(instance, kept.version());
                    watches.watch(instance, kept.version());
                } else if (reply.status() == HttpStatus.OK.getCode()) {
                    final LocalSlice<T> slice = Json.MAPPER.readValue(reply.body(), sliceType);
                    // The peer read it its age before it answered, and it answered after the asking: so no
                    // earlier than the asking minus that age, which is the time kept (never younger than the truth).
                    final long readAt = asking - Duration.ofMillis(reply.sliceAgeMillis()).toNanos();
                    final String tag = version == null ? null : reply.etag();
                    slices.add(cache.keep("peer:" + instance + listing.key(), tag, slice, readAt));
                    peerVersions.put(instance, tag);
                    watches.watch(instance, tag);
                } else {
                    unreachable.add(instance);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                unreachable.add(instance);
            } catch (Exception e) {
                answer.cancel(true);
                unreachable.add(instance);
            }
        });
        final Set<Integer> missing = new TreeSet<>();
        for (int partition = 0; partition < cluster.partitions(); partition++) {
            missing.add(partition);
        }
        slices.forEach(slice -> missing.removeAll(slice.value().partitions()));
        return new Collected<>(listing, slices, missing, unreachable, peerVersions);
    }
}
