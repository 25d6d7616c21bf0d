package dev.lookout.topology.reference;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;

import dev.lookout.events.AuthEvent;
import dev.lookout.events.CommentAdded;
import dev.lookout.events.ContentEvent;
import dev.lookout.events.PostPublished;
import dev.lookout.events.UserDeactivated;
import dev.lookout.events.UserEmailChanged;
import dev.lookout.events.UserEvent;
import dev.lookout.events.UserProfileUpdated;
import dev.lookout.events.UserRegistered;

/**
 * Seeded user and content traffic, interleaved: registrations, renames, email changes,
 * deactivations, posts and comments; some users never register, some posts are never published;
 * updates that arrive before their registration, reordering within the grace, duplicates, and
 * user events sent later than the grace. Event times of one user's events are distinct.
 */
public final class ViewTraffic {

    /** One input record in arrival order: which topic, and the event. */
    public record Arrival(boolean userEvent, Object event) {
        public UserEvent user() {
            return (UserEvent) event;
        }

        public ContentEvent content() {
            return (ContentEvent) event;
        }
    }

    private record Timed(Object event, long arrivalKey, long sequence) {
    }

    private ViewTraffic() {
    }

    public static List<Arrival> arrivals(final long seed, final int users, final int posts, final Instant start,
                                         final long graceMs) {
        return arrivals(seed, users, posts, start, graceMs, 0.01);
    }

    /** As above, with {@code lateRate} of the user events sent later than the grace. */
    public static List<Arrival> arrivals(final long seed, final int users, final int posts, final Instant start,
                                         final long graceMs, final double lateRate) {
        final SplittableRandom random = new SplittableRandom(seed);
        final List<Timed> sent = new ArrayList<>();
        long sequence = 0;
        int id = 0;
        final long t0 = start.toEpochMilli();
        final long span = 3_600_000;
        for (int u = 0; u < users; u++) {
            final String user = "user-" + u;
            long at = t0 + random.nextLong(span);
            final boolean registers = random.nextDouble() < 0.93;
            final List<UserEvent> events = new ArrayList<>();
            if (registers) {
                events.add(new UserEvent("r" + id++, user, Instant.ofEpochMilli(at),
                        new UserRegistered(user + "@Example.com", random.nextBoolean() ? "User " + u : null)));
            }
            final int updates = random.nextInt(6);
            int emails = 0;
            for (int k = 0; k < updates; k++) {
                // Some updates happen just before the registration: they arrive first and wait.
                at += random.nextDouble() < 0.1 ? -1_000 - random.nextLong(5_000) : 1 + random.nextLong(600_000);
                final Object payload = switch (random.nextInt(4)) {
                    case 0, 1 -> new UserProfileUpdated(random.nextBoolean() ? "Name " + u + "." + k : null);
                    case 2 -> new UserEmailChanged(user + "@old", user + "+" + ++emails + "@example.com");
                    default -> new UserDeactivated(null);
                };
                events.add(new UserEvent("u" + id++, user, Instant.ofEpochMilli(at), payload));
            }
            distinctTimes(events);
            for (final UserEvent event : events) {
                sequence = send(sent, event, event.getOccurredAt().toEpochMilli(), random, graceMs, true, lateRate,
                        sequence);
            }
        }
        for (int p = 0; p < posts; p++) {
            final String post = "post-" + p;
            final long published = t0 + random.nextLong(span);
            if (random.nextDouble() < 0.9) {
                final ContentEvent event = new ContentEvent("p" + id++, Instant.ofEpochMilli(published),
                        new PostPublished(post, "user-" + random.nextInt(users), "Title " + p));
                sequence = send(sent, event, published, random, graceMs, false, lateRate, sequence);
            }
            final int comments = random.nextInt(8);
            for (int c = 0; c < comments; c++) {
                final long at = published + random.nextLong(-60_000, 1_200_000);
                final ContentEvent event = new ContentEvent("c" + id++, Instant.ofEpochMilli(at),
                        new CommentAdded("comment-" + id, post, "user-" + random.nextInt(users)));
                sequence = send(sent, event, at, random, graceMs, false, lateRate, sequence);
            }
        }
        sent.sort(Comparator.comparingLong(Timed::arrivalKey).thenComparingLong(Timed::sequence));
        return sent.stream().map(t -> new Arrival(t.event() instanceof UserEvent, t.event())).toList();
    }

    private static long send(final List<Timed> sent, final Object event, final long at, final SplittableRandom random,
                             final long graceMs, final boolean userEvent, final double lateRate, final long sequence) {
        long next = sequence;
        long arrival = at;
        final double roll = random.nextDouble();
        if (userEvent && roll < lateRate) {
            arrival += 2 * graceMs + random.nextLong(60_000);
        } else if (roll < 0.3) {
            arrival += random.nextLong(userEvent ? graceMs * 2 / 3 : 600_000);
        }
        sent.add(new Timed(event, arrival, next++));
        if (random.nextDouble() < 0.03) {
            sent.add(new Timed(event, arrival + random.nextLong(graceMs / 3), next++));
        }
        return next;
    }

    /** Gives one user's events distinct times, so ties never decide an outcome. */
    private static void distinctTimes(final List<UserEvent> events) {
        final java.util.Set<Long> used = new java.util.HashSet<>();
        for (final UserEvent event : events) {
            long at = event.getOccurredAt().toEpochMilli();
            while (!used.add(at)) {
                at++;
            }
            event.setOccurredAt(Instant.ofEpochMilli(at));
        }
    }

    /**
     * Users and content spread evenly through the logins, each stream in its own arrival order:
     * the mixed input of the broker tests and benchmarks.
     */
    public static List<Object> interleave(final List<AuthEvent> auth,
                                          final List<Arrival> views) {
        final List<Object> merged = new ArrayList<>(auth.size() + views.size());
        final double step = (double) auth.size() / views.size();
        int next = 0;
        for (int i = 0; i < auth.size(); i++) {
            while (next < views.size() && next * step <= i) {
                merged.add(views.get(next++).event());
            }
            merged.add(auth.get(i));
        }
        while (next < views.size()) {
            merged.add(views.get(next++).event());
        }
        return merged;
    }
}
