package dev.lookout.topology.detect;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import dev.lookout.events.AlertKind;
import dev.lookout.events.AuthEvent;
import dev.lookout.events.SecurityAlert;
import dev.lookout.internal.IpState;
import dev.lookout.internal.UserFailure;

/**
 * CREDENTIAL_STUFFING as a state machine over one address's failed logins in event-time order:
 * pure functions, no Kafka.
 *
 * <p>While no episode is open, the latest failure of each distinct user within the last W
 * (inclusive) is kept. The failure that brings the distinct users to M raises the alert and opens
 * an episode; the kept failures, oldest first, are the triggering events. Failures within W of the
 * previous one extend the episode; a longer quiet period ends it. The state never holds more than
 * M users, and is dropped once the watermark is more than W past the last failure.
 */
public final class IpEpisodes {

    private static final Comparator<UserFailure> OLDEST_FIRST =
            Comparator.comparingLong(UserFailure::getAt).thenComparing(UserFailure::getEventId);

    private IpEpisodes() {
    }

    /** M and W in milliseconds. */
    public record Rules(int threshold, long windowMs) {
    }

    /** The state after a failure, and the alert it raised (or null). */
    public record Outcome(IpState state, SecurityAlert alert) {
    }

    public static IpState empty() {
        return new IpState(new ArrayList<>(), false, Long.MIN_VALUE);
    }

    /** Applies one failed login from {@code event.source_ip}; updates {@code state} in place. */
    public static Outcome apply(final IpState state, final AuthEvent event, final Rules rules) {
        final IpState current = state == null ? empty() : state;
        final long at = event.getOccurredAt().toEpochMilli();
        final boolean episodeGoesOn = current.getInEpisode() && at - current.getLastFailureAt() <= rules.windowMs();
        current.setLastFailureAt(at);
        if (episodeGoesOn) {
            return new Outcome(current, null);
        }
        current.setInEpisode(false);
        // A fresh list: arrays read back from a store are Avro arrays, which cannot remove in place.
        final List<UserFailure> users = new ArrayList<>(current.getUsers().size() + 1);
        for (final UserFailure failure : current.getUsers()) {
            if (at - failure.getAt() <= rules.windowMs() && !failure.getUserId().equals(event.getUserId())) {
                users.add(failure);
            }
        }
        current.setUsers(users);
        users.add(new UserFailure(event.getUserId(), event.getEventId(), at));
        if (users.size() < rules.threshold()) {
            return new Outcome(current, null);
        }
        final List<UserFailure> triggering = new ArrayList<>(users);
        triggering.sort(OLDEST_FIRST);
        current.setInEpisode(true);
        current.setUsers(new ArrayList<>());
        return new Outcome(current, alert(event, triggering, at));
    }

    public static boolean isExpired(final IpState state, final long watermark, final Rules rules) {
        return watermark != EventClock.NONE && watermark - state.getLastFailureAt() > rules.windowMs();
    }

    private static SecurityAlert alert(final AuthEvent event, final List<UserFailure> triggering, final long at) {
        final List<String> ids = new ArrayList<>(triggering.size());
        final List<String> userIds = new ArrayList<>(triggering.size());
        for (final UserFailure failure : triggering) {
            ids.add(failure.getEventId());
            userIds.add(failure.getUserId());
        }
        final String ip = event.getSourceIp();
        return SecurityAlert.newBuilder()
                .setAlertId(AlertIds.of(AlertKind.CREDENTIAL_STUFFING, ip, ids.get(0)))
                .setKind(AlertKind.CREDENTIAL_STUFFING)
                .setUserId(null)
                .setSourceIp(ip)
                .setFailureCount(triggering.size())
                .setFirstEventAt(Instant.ofEpochMilli(triggering.get(0).getAt()))
                .setLastEventAt(Instant.ofEpochMilli(at))
                .setDetectedAt(Instant.ofEpochMilli(at))
                .setSourceIps(List.of(ip))
                .setTriggeringEventIds(ids)
                .setUserIds(userIds)
                .build();
    }
}
