package dev.lookout.topology.reference;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import dev.lookout.events.AuthEvent;
import dev.lookout.events.LoginFailed;
import dev.lookout.events.SecurityAlert;

/**
 * A brute-force reading of the detection rules, written plainly and independently of the topology:
 * it applies the ingest rules to the arrivals (late, then duplicate), sorts what is left by event
 * time and event id, and walks it with plain collections.
 */
public final class ReferenceDetector {

    /** An alert as both sides can describe it. */
    public record Alert(String kind, String subject, String alertId, List<String> triggeringIds, int failureCount,
                        long firstAt, long lastAt, long detectedAt, List<String> sourceIps, List<String> userIds) {

        public static Alert of(final SecurityAlert alert) {
            return new Alert(alert.getKind().name(), alert.getUserId() != null ? alert.getUserId() : alert.getSourceIp(),
                    alert.getAlertId(), List.copyOf(alert.getTriggeringEventIds()), alert.getFailureCount(),
                    alert.getFirstEventAt().toEpochMilli(), alert.getLastEventAt().toEpochMilli(),
                    alert.getDetectedAt().toEpochMilli(), List.copyOf(alert.getSourceIps()),
                    List.copyOf(alert.getUserIds()));
        }
    }

    /** What the reference computed. */
    public record Result(List<Alert> alerts, int late, int duplicates, int accepted) {
    }

    /** N, W, T, M and the grace, in milliseconds. */
    public record Rules(int threshold, long windowMs, long takeoverMs, int stuffingThreshold, long graceMs) {
    }

    private record Failure(String id, long at, String ip) {
    }

    private record UserFailure(String id, long at, String user) {
    }

    private ReferenceDetector() {
    }

    /** Applies the rules to one input partition's arrivals. */
    public static Result detect(final List<AuthEvent> arrivals, final Rules rules) {
        long clock = Long.MIN_VALUE;
        final Set<String> seen = new HashSet<>();
        final List<AuthEvent> accepted = new ArrayList<>();
        int late = 0;
        int duplicates = 0;
        for (final AuthEvent event : arrivals) {
            final long at = event.getOccurredAt().toEpochMilli();
            if (clock != Long.MIN_VALUE && at < clock - rules.graceMs()) {
                late++;
                continue;
            }
            clock = Math.max(clock, at);
            if (!seen.add(event.getEventId())) {
                duplicates++;
                continue;
            }
            accepted.add(event);
        }
        accepted.sort(Comparator.comparingLong((AuthEvent e) -> e.getOccurredAt().toEpochMilli())
                .thenComparing(AuthEvent::getEventId));
        final List<Alert> alerts = new ArrayList<>(perUser(accepted, rules));
        alerts.addAll(perAddress(accepted, rules));
        return new Result(alerts, late, duplicates, accepted.size());
    }

    private static List<Alert> perUser(final List<AuthEvent> ordered, final Rules rules) {
        final Map<String, List<AuthEvent>> byUser = new LinkedHashMap<>();
        for (final AuthEvent event : ordered) {
            byUser.computeIfAbsent(event.getUserId(), ignored -> new ArrayList<>()).add(event);
        }
        final List<Alert> alerts = new ArrayList<>();
        byUser.forEach((user, events) -> {
            List<Failure> pending = new ArrayList<>();
            boolean episode = false;
            long lastFailure = Long.MIN_VALUE;
            List<Failure> crossing = null;
            long crossedAt = 0;
            boolean takeoverRaised = false;
            for (final AuthEvent event : events) {
                final long at = event.getOccurredAt().toEpochMilli();
                if (event.getPayload() instanceof LoginFailed) {
                    final boolean goesOn = episode && at - lastFailure <= rules.windowMs();
                    lastFailure = at;
                    if (goesOn) {
                        continue;
                    }
                    episode = false;
                    final List<Failure> window = new ArrayList<>();
                    for (final Failure f : pending) {
                        if (at - f.at() <= rules.windowMs()) {
                            window.add(f);
                        }
                    }
                    window.add(new Failure(event.getEventId(), at, event.getSourceIp()));
                    pending = window;
                    if (pending.size() >= rules.threshold()) {
                        alerts.add(userAlert("REPEATED_LOGIN_FAILURE", user, pending, null, at));
                        crossing = pending;
                        crossedAt = at;
                        takeoverRaised = false;
                        episode = true;
                        pending = new ArrayList<>();
                    }
                } else {
                    if (crossing != null && !takeoverRaised && at - crossedAt <= rules.takeoverMs()) {
                        alerts.add(userAlert("FAILURES_THEN_SUCCESS", user, crossing, event, at));
                        takeoverRaised = true;
                    }
                    episode = false;
                    pending = new ArrayList<>();
                }
            }
        });
        return alerts;
    }

    private static Alert userAlert(final String kind, final String user, final List<Failure> failures,
                                   final AuthEvent success, final long at) {
        final List<String> ids = new ArrayList<>();
        final LinkedHashSet<String> ips = new LinkedHashSet<>();
        for (final Failure f : failures) {
            ids.add(f.id());
            ips.add(f.ip());
        }
        if (success != null) {
            ids.add(success.getEventId());
            ips.add(success.getSourceIp());
        }
        return new Alert(kind, user, id(kind, user, ids.get(0)), ids, failures.size(), failures.get(0).at(), at, at,
                new ArrayList<>(ips), List.of(user));
    }

    private static List<Alert> perAddress(final List<AuthEvent> ordered, final Rules rules) {
        final Map<String, Map<String, UserFailure>> latestByUser = new HashMap<>();
        final Map<String, Boolean> episode = new HashMap<>();
        final Map<String, Long> lastFailure = new HashMap<>();
        final List<Alert> alerts = new ArrayList<>();
        for (final AuthEvent event : ordered) {
            if (!(event.getPayload() instanceof LoginFailed)) {
                continue;
            }
            final String ip = event.getSourceIp();
            final long at = event.getOccurredAt().toEpochMilli();
            final boolean goesOn = episode.getOrDefault(ip, false) && at - lastFailure.get(ip) <= rules.windowMs();
            lastFailure.put(ip, at);
            if (goesOn) {
                continue;
            }
            episode.put(ip, false);
            final Map<String, UserFailure> users = latestByUser.computeIfAbsent(ip, ignored -> new HashMap<>());
            users.values().removeIf(f -> at - f.at() > rules.windowMs());
            users.put(event.getUserId(), new UserFailure(event.getEventId(), at, event.getUserId()));
            if (users.size() >= rules.stuffingThreshold()) {
                final List<UserFailure> triggering = new ArrayList<>(users.values());
                triggering.sort(Comparator.comparingLong(UserFailure::at).thenComparing(UserFailure::id));
                final List<String> ids = triggering.stream().map(UserFailure::id).toList();
                final List<String> userIds = triggering.stream().map(UserFailure::user).toList();
                alerts.add(new Alert("CREDENTIAL_STUFFING", ip, id("CREDENTIAL_STUFFING", ip, ids.get(0)), ids,
                        triggering.size(), triggering.get(0).at(), at, at, List.of(ip), userIds));
                episode.put(ip, true);
                users.clear();
            }
        }
        return alerts;
    }

    private static String id(final String kind, final String subject, final String firstEventId) {
        return UUID.nameUUIDFromBytes((kind + '\n' + subject + '\n' + firstEventId).getBytes(StandardCharsets.UTF_8))
                .toString();
    }
}
