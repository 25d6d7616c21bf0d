package dev.lookout.bench;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;

import dev.lookout.events.AuthEvent;
import dev.lookout.events.ContentEvent;
import dev.lookout.events.UserEvent;
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

    /**
     * About {@code events} mixed events. A twelfth of that many users and as many posts make the
     * read model's traffic — each user registers (mostly) and updates up to five times, each post
     * gets up to seven comments — which comes to about two thirds of the events; logins fill the
     * rest. {@link #describe} prints the exact mix.
     */
    static List<Object> mixed(final int events) {
        final int users = Math.max(10, events / 12);
        final List<ViewTraffic.Arrival> views = ViewTraffic.arrivals(SEED, users, users, START,
                Duration.ofSeconds(30).toMillis(), 0);
        final int logins = Math.max(1_000, events - views.size());
        final List<AuthEvent> auth = AuthTraffic.arrivals(AuthTraffic.Shape.onTime(SEED, logins, START));
        return ViewTraffic.interleave(auth, views);
    }

    /** The mix of an input: how many user, content and auth events, and their shares. */
    static String describe(final List<?> events) {
        long users = 0;
        long content = 0;
        for (final Object event : events) {
            if (event instanceof UserEvent) {
                users++;
            } else if (event instanceof ContentEvent) {
                content++;
            }
        }
        final long auth = events.size() - users - content;
        return String.format(Locale.ROOT, "%,d user events (%.0f %%), %,d posts and comments (%.0f %%), %,d logins "
                + "(%.0f %%)", users, 100.0 * users / events.size(), content, 100.0 * content / events.size(), auth,
                100.0 * auth / events.size());
    }

    /** Only logins: the input of the detector benchmarks. */
    static List<AuthEvent> logins(final int events) {
        return AuthTraffic.arrivals(AuthTraffic.Shape.onTime(SEED, events, START));
    }
}
