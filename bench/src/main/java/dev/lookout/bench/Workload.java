package dev.lookout.bench;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

import dev.lookout.events.AuthEvent;
import dev.lookout.topology.reference.AuthTraffic;
import dev.lookout.topology.reference.ViewTraffic;

/**
 * The seeded input of the broker benchmarks: users, posts and comments (the read model) spread
 * evenly through logins with brute-force bursts and stuffing attacks (the detectors), each
 * stream in its own arrival order. The same seed gives the same events.
 */
final class Workload {

    static final long SEED = 20261123L;
    /** Half a year before the day the harness runs: old events, the same age on every run. */
    static final Instant START = Instant.now().truncatedTo(ChronoUnit.DAYS).minus(Duration.ofDays(180));

    private Workload() {
    }

    /** About {@code events} mixed events: roughly a third users and content, two thirds logins. */
    static List<Object> mixed(final int events) {
        final int users = Math.max(10, events / 12);
        final List<ViewTraffic.Arrival> views = ViewTraffic.arrivals(SEED, users, users, START,
                Duration.ofSeconds(30).toMillis(), 0);
        final int logins = Math.max(1_000, events - views.size());
        final List<AuthEvent> auth = AuthTraffic.arrivals(AuthTraffic.Shape.onTime(SEED, logins, START));
        return ViewTraffic.interleave(auth, views);
    }

    /** Only logins: the input of the detector benchmarks. */
    static List<AuthEvent> logins(final int events) {
        return AuthTraffic.arrivals(AuthTraffic.Shape.onTime(SEED, events, START));
    }
}
