package dev.lookout.topology.reference;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;

import dev.lookout.events.AuthEvent;
import dev.lookout.events.FailureReason;
import dev.lookout.events.LoginFailed;
import dev.lookout.events.LoginSucceeded;

/**
 * Seeded login traffic with known trouble in it: background logins with occasional failures,
 * brute-force bursts against single users (some ending in a success), credential-stuffing attacks
 * from single addresses, events reordered within the grace, duplicates, and a few events sent
 * later than the grace. Returned in arrival order.
 */
public final class AuthTraffic {

    /** Shape of the traffic. */
    public record Shape(long seed, int events, int users, int homeAddresses, Instant start, Duration meanGap,
                        double backgroundFailureRate, double burstRate, double stuffingRate,
                        double reorderRate, Duration reorderSpread, double duplicateRate,
                        double lateDuplicateShare, double lateRate, Duration lateBy) {

        /** A mix with every kind of trouble, for tests with a 30-second grace. */
        public static Shape mixed(final long seed, final int events, final Instant start) {
            return new Shape(seed, events, Math.max(50, events / 50), Math.max(20, events / 200), start,
                    Duration.ofMillis(20), 0.08, 0.004, 0.0004, 0.3, Duration.ofSeconds(20), 0.01, 0.2, 0.002,
                    Duration.ofSeconds(90));
        }

        /**
         * The same mix without anything late: reordering stays within 20 s and duplicates follow
         * within 10 s, so no partition can see an event beyond a 30-second grace whatever the
         * partitioning.
         */
        public static Shape onTime(final long seed, final int events, final Instant start) {
            return new Shape(seed, events, Math.max(50, events / 50), Math.max(20, events / 200), start,
                    Duration.ofMillis(20), 0.08, 0.004, 0.0004, 0.3, Duration.ofSeconds(20), 0.01, 0, 0,
                    Duration.ofSeconds(90));
        }
    }

    private record Timed(AuthEvent event, long arrivalKey, long sequence) {
    }

    private AuthTraffic() {
    }

    /** The events in the order they reach the topic. */
    public static List<AuthEvent> arrivals(final Shape shape) {
        final SplittableRandom random = new SplittableRandom(shape.seed());
        final List<AuthEvent> timeline = timeline(shape, random);
        final List<Timed> sent = new ArrayList<>(timeline.size() + timeline.size() / 50);
        long sequence = 0;
        for (final AuthEvent event : timeline) {
            final long at = event.getOccurredAt().toEpochMilli();
            long arrival = at;
            if (random.nextDouble() < shape.lateRate()) {
                arrival += shape.lateBy().toMillis() + random.nextLong(shape.lateBy().toMillis());
            } else if (random.nextDouble() < shape.reorderRate()) {
                arrival += random.nextLong(shape.reorderSpread().toMillis());
            }
            sent.add(new Timed(event, arrival, sequence++));
            if (random.nextDouble() < shape.duplicateRate()) {
                final long delay = random.nextDouble() >= shape.lateDuplicateShare() ? random.nextLong(10_000)
                        : 45_000 + random.nextLong(60_000);
                sent.add(new Timed(event, arrival + delay, sequence++));
            }
        }
        sent.sort(Comparator.comparingLong(Timed::arrivalKey).thenComparingLong(Timed::sequence));
        return sent.stream().map(Timed::event).toList();
    }

    private static List<AuthEvent> timeline(final Shape shape, final SplittableRandom random) {
        final List<AuthEvent> events = new ArrayList<>(shape.events());
        long at = shape.start().toEpochMilli();
        int id = 0;
        while (events.size() < shape.events()) {
            at += 1 + random.nextLong(2 * shape.meanGap().toMillis());
            final double roll = random.nextDouble();
            if (roll < shape.stuffingRate()) {
                final String attacker = "198.18." + random.nextInt(256) + "." + random.nextInt(256);
                final int victims = 15 + random.nextInt(30);
                long t = at;
                for (int v = 0; v < victims && events.size() < shape.events(); v++) {
                    t += random.nextLong(8_000);
                    events.add(failure("a" + id++, user(random, shape), attacker, t));
                }
            } else if (roll < shape.stuffingRate() + shape.burstRate()) {
                final String victim = user(random, shape);
                final String attacker = "203.0.113." + random.nextInt(256);
                final int failures = 2 + random.nextInt(6);
                long t = at;
                for (int f = 0; f < failures && events.size() < shape.events(); f++) {
                    t += 5_000 + random.nextLong(90_000);
                    events.add(failure("b" + id++, victim, attacker, t));
                }
                if (random.nextBoolean() && events.size() < shape.events()) {
                    events.add(success("b" + id++, victim, attacker, t + random.nextLong(900_000)));
                }
            } else {
                final String user = user(random, shape);
                final String home = "10.0." + (user.hashCode() & 0xff) + "." + Math.floorMod(user.hashCode() >> 8,
                        shape.homeAddresses());
                events.add(random.nextDouble() < shape.backgroundFailureRate()
                        ? failure("n" + id++, user, home, at)
                        : success("n" + id++, user, home, at));
            }
        }
        events.sort(Comparator.comparing(AuthEvent::getOccurredAt));
        return events;
    }

    private static String user(final SplittableRandom random, final Shape shape) {
        return "user-" + random.nextInt(shape.users());
    }

    private static AuthEvent failure(final String id, final String user, final String ip, final long at) {
        return new AuthEvent(id, user, Instant.ofEpochMilli(at), ip, new LoginFailed(FailureReason.BAD_PASSWORD));
    }

    private static AuthEvent success(final String id, final String user, final String ip, final long at) {
        return new AuthEvent(id, user, Instant.ofEpochMilli(at), ip, new LoginSucceeded("password"));
    }
}
