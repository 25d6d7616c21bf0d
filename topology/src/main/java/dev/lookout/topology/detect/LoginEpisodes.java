package dev.lookout.topology.detect;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

import dev.lookout.events.AlertKind;
import dev.lookout.events.AuthEvent;
import dev.lookout.events.LoginFailed;
import dev.lookout.events.SecurityAlert;
import dev.lookout.internal.Crossing;
import dev.lookout.internal.FailureRef;
import dev.lookout.internal.LoginState;

/**
 * The per-user login patterns as a state machine over one user's events in event-time order:
 * pure functions, no Kafka.
 *
 * <p><b>REPEATED_LOGIN_FAILURE.</b> While no episode is open, the failures of the last W (inclusive:
 * {@code t - f <= W}) are kept. The failure that brings them to N raises the alert and opens an
 * episode; the kept failures are the triggering events. Failures within W of the previous failure
 * extend the episode and raise nothing. A failure more than W after the previous one, or a
 * success, ends the episode and re-arms detection.
 *
 * <p><b>FAILURES_THEN_SUCCESS.</b> A success within T (inclusive) after a crossing raises the
 * alert, once per crossing.
 *
 * <p>The state never holds more than N failures. Once the watermark is more than max(W, T) past
 * the user's last event, the state can no longer change any outcome and is dropped
 * ({@link #isExpired}); a state that acts as none is not kept at all ({@link #isInert}).
 */
public final class LoginEpisodes {

    private LoginEpisodes() {
    }

    /** N, W and T in milliseconds. */
    public record Rules(int threshold, long windowMs, long takeoverMs) {
    }

    /** The state after an event, and the alert it raised (or null). */
    public record Outcome(LoginState state, SecurityAlert alert) {
    }

    /** A state with nothing in it. */
    public static LoginState empty() {
        return new LoginState(new ArrayList<>(), false, Long.MIN_VALUE, null, Long.MIN_VALUE);
    }

    /**
     * Applies one event of {@code userId}. Updates {@code state} in place and returns it; the caller
     * puts it back into its store (a heap store keeps values by reference, and writes a key only
     * when it is put).
     */
    public static Outcome apply(final LoginState state, final AuthEvent event, final Rules rules) {
        final LoginState current = state == null ? empty() : state;
        final long at = event.getOccurredAt().toEpochMilli();
        final SecurityAlert alert = event.getPayload() instanceof LoginFailed
                ? onFailure(current, event, at, rules)
                : onSuccess(current, event, at, rules);
        current.setLastEventAt(Math.max(current.getLastEventAt(), at));
        return new Outcome(current, alert);
    }

    /**
     * Whether the state, just after an event at {@code at}, acts as no state at all for every later
     * event of the user (they come at {@code at} or after): no failures pending, no episode open,
     * and no crossing that a success could still turn into {@code FAILURES_THEN_SUCCESS}. Such a
     * state need not be kept. After a success this is the usual case.
     */
    public static boolean isInert(final LoginState state, final long at, final Rules rules) {
        final Crossing crossing = state.getCrossing();
        return !state.getInEpisode() && state.getWindow().isEmpty()
                && (crossing == null || crossing.getTakeoverRaised() || at - crossing.getAt() > rules.takeoverMs());
    }

    /** Whether the state can be dropped: nothing at or after the watermark can depend on it. */
    public static boolean isExpired(final LoginState state, final long watermark, final Rules rules) {
        return watermark != EventClock.NONE
                && watermark - state.getLastEventAt() > Math.max(rules.windowMs(), rules.takeoverMs());
    }

    private static SecurityAlert onFailure(final LoginState state, final AuthEvent event, final long at,
                                           final Rules rules) {
        final boolean episodeGoesOn = state.getInEpisode() && at - state.getLastFailureAt() <= rules.windowMs();
        state.setLastFailureAt(at);
        if (episodeGoesOn) {
            return null;
        }
        state.setInEpisode(false);
        // A fresh list: arrays read back from a store are Avro arrays, which cannot remove in place.
        final List<FailureRef> window = new ArrayList<>(state.getWindow().size() + 1);
        for (final FailureRef failure : state.getWindow()) {
            if (at - failure.getAt() <= rules.windowMs()) {
                window.add(failure);
            }
        }
        state.setWindow(window);
        window.add(new FailureRef(event.getEventId(), at, event.getSourceIp()));
        if (window.size() < rules.threshold()) {
            return null;
        }
        final List<String> ids = new ArrayList<>(window.size());
        final LinkedHashSet<String> ips = new LinkedHashSet<>();
        for (final FailureRef failure : window) {
            ids.add(failure.getEventId());
            ips.add(failure.getSourceIp());
        }
        final long firstAt = window.get(0).getAt();
        state.setCrossing(new Crossing(at, window.size(), firstAt, new ArrayList<>(ips), ids, false));
        state.setInEpisode(true);
        state.setWindow(new ArrayList<>());
        return alert(AlertKind.REPEATED_LOGIN_FAILURE, event, ids.size(), firstAt, at, new ArrayList<>(ips), ids);
    }

    private static SecurityAlert onSuccess(final LoginState state, final AuthEvent event, final long at,
                                           final Rules rules) {
        state.setInEpisode(false);
        state.setWindow(new ArrayList<>());
        final Crossing crossing = state.getCrossing();
        if (crossing == null || crossing.getTakeoverRaised() || at - crossing.getAt() > rules.takeoverMs()) {
            return null;
        }
        crossing.setTakeoverRaised(true);
        final LinkedHashSet<String> ips = new LinkedHashSet<>(crossing.getSourceIps());
        ips.add(event.getSourceIp());
        final List<String> ids = new ArrayList<>(crossing.getEventIds());
        ids.add(event.getEventId());
        return alert(AlertKind.FAILURES_THEN_SUCCESS, event, crossing.getFailureCount(), crossing.getFirstAt(), at,
                new ArrayList<>(ips), ids);
    }

    private static SecurityAlert alert(final AlertKind kind, final AuthEvent event, final int failures,
                                       final long firstAt, final long at, final List<String> ips,
                                       final List<String> ids) {
        final String userId = event.getUserId();
        return SecurityAlert.newBuilder()
                .setAlertId(AlertIds.of(kind, userId, ids.get(0)))
                .setKind(kind)
                .setUserId(userId)
                .setSourceIp(event.getSourceIp())
                .setFailureCount(failures)
                .setFirstEventAt(Instant.ofEpochMilli(firstAt))
                .setLastEventAt(Instant.ofEpochMilli(at))
                .setDetectedAt(Instant.ofEpochMilli(at))
                .setSourceIps(ips)
                .setTriggeringEventIds(ids)
                .setUserIds(List.of(userId))
                .build();
    }
}
