package dev.lookout.app.http;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.JavaType;

import dev.lookout.app.query.AlertDto;
import dev.lookout.app.query.Cluster;
import dev.lookout.app.query.InstanceStatus;
import dev.lookout.app.query.LocalSlice;
import dev.lookout.app.query.ReadModel;
import dev.lookout.app.query.UserDto;
import io.javalin.http.Context;

/**
 * Lists that span all instances: every user by id (cursor pagination), the newest registrations,
 * the newest alerts. Each instance contributes its slice; the slices are merged here. A list is
 * {@code "partial": false} only when its slices cover every partition; otherwise it says which
 * partitions and instances are missing. It is never silently incomplete.
 */
final class ListRoutes {

    static final int MAX_USERS = 500;
    static final int MAX_RECENT = 100;
    static final int MAX_ALERTS = 500;

    private final ReadModel readModel;
    private final Peers peers;
    private final Duration timeout;

    ListRoutes(final ReadModel readModel, final Peers peers, final Duration timeout) {
        this.readModel = readModel;
        this.peers = peers;
        this.timeout = timeout;
    }

    void users(final Context ctx) {
        final int limit = Params.limit(ctx, 1, MAX_USERS, 100);
        final String after = Cursor.parse(ctx.queryParam("cursor"));
        final String path = "/internal/slices/users?limit=" + (limit + 1)
                + (after == null ? "" : "&after=" + ReadRoutes.encode(after));
        final Merged<UserDto> merged = collect(() -> readModel.localUsers(after, limit + 1), path, UserDto.class,
                Comparator.comparing(UserDto::userId), UserDto::userId);
        final List<UserDto> page = merged.items().size() > limit ? merged.items().subList(0, limit) : merged.items();
        final Map<String, Object> body = new LinkedHashMap<>();
        body.put("items", page);
        body.put("nextCursor", merged.items().size() > limit ? Cursor.after(page.get(page.size() - 1).userId()) : null);
        merged.describeInto(body);
        ctx.json(body);
    }

    void recentRegistrations(final Context ctx) {
        final int limit = Params.limit(ctx, 1, MAX_RECENT, 20);
        final Merged<UserDto> merged = collect(() -> readModel.localRecentRegistrations(limit),
                "/internal/slices/recent-registrations?limit=" + limit, UserDto.class,
                Comparator.comparing(UserDto::registeredAt).reversed().thenComparing(UserDto::userId), UserDto::userId);
        respond(ctx, merged, limit);
    }

    void alerts(final Context ctx) {
        final int limit = Params.limit(ctx, 1, MAX_ALERTS, 50);
        final Merged<AlertDto> merged = collect(() -> readModel.localRecentAlerts(limit),
                "/internal/slices/alerts?limit=" + limit, AlertDto.class,
                Comparator.comparing(AlertDto::detectedAt).reversed().thenComparing(AlertDto::alertId), AlertDto::alertId);
        respond(ctx, merged, limit);
    }

    /** Every instance's status, by instance; partial when an instance did not answer. */
    void status(final Context ctx) {
        final Merged<InstanceStatus> merged = collect(readModel::localStatus, "/internal/status", InstanceStatus.class,
                Comparator.comparing(InstanceStatus::instance), InstanceStatus::instance);
        respond(ctx, merged, merged.items().size());
    }

    void internalStatus(final Context ctx) {
        ctx.json(readModel.localStatus());
    }

    void internalUsers(final Context ctx) {
        final String after = ctx.queryParam("after");
        ctx.json(readModel.localUsers(after, Params.limit(ctx, 1, MAX_USERS + 1, MAX_USERS + 1)));
    }

    void internalRecentRegistrations(final Context ctx) {
        ctx.json(readModel.localRecentRegistrations(Params.limit(ctx, 1, MAX_RECENT, MAX_RECENT)));
    }

    void internalAlerts(final Context ctx) {
        ctx.json(readModel.localRecentAlerts(Params.limit(ctx, 1, MAX_ALERTS, MAX_ALERTS)));
    }

    private static <T> void respond(final Context ctx, final Merged<T> merged, final int limit) {
        final Map<String, Object> body = new LinkedHashMap<>();
        body.put("items", merged.items().size() > limit ? merged.items().subList(0, limit) : merged.items());
        merged.describeInto(body);
        ctx.json(body);
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

    private <T> Merged<T> collect(final Supplier<LocalSlice<T>> local, final String internalPath, final Class<T> type,
                                  final Comparator<T> order, final Function<T, String> identity) {
        final Cluster cluster = readModel.cluster();
        final JavaType sliceType = Json.MAPPER.getTypeFactory().constructParametricType(LocalSlice.class, type);
        final Map<String, CompletableFuture<Peers.Answer>> asked = new LinkedHashMap<>();
        for (final String instance : cluster.instances()) {
            if (!instance.equals(cluster.self())) {
                asked.put(instance, peers.get(instance, internalPath));
            }
        }
        final List<LocalSlice<T>> slices = new ArrayList<>();
        slices.add(local.get());
        final List<String> unreachable = new ArrayList<>();
        final long deadline = System.nanoTime() + timeout.toNanos();
        asked.forEach((instance, answer) -> {
            try {
                final Peers.Answer reply = answer.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (reply.status() != 200) {
                    unreachable.add(instance);
                    return;
                }
                slices.add(Json.MAPPER.readValue(reply.body(), sliceType));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                unreachable.add(instance);
            } catch (Exception e) {
                answer.cancel(true);
                unreachable.add(instance);
            }
        });
        final Map<String, T> byIdentity = new LinkedHashMap<>();
        final Set<Integer> missing = new TreeSet<>();
        for (int partition = 0; partition < cluster.partitions(); partition++) {
            missing.add(partition);
        }
        for (final LocalSlice<T> slice : slices) {
            slice.items().forEach(item -> byIdentity.putIfAbsent(identity.apply(item), item));
            missing.removeAll(slice.partitions());
        }
        final List<T> items = new ArrayList<>(byIdentity.values());
        items.sort(order);
        return new Merged<>(items, missing, unreachable);
    }
}
