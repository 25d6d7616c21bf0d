package dev.lookout.app.demo;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import java.util.UUID;

import dev.lookout.events.AuthEvent;
import dev.lookout.events.CommentAdded;
import dev.lookout.events.ContentEvent;
import dev.lookout.events.FailureReason;
import dev.lookout.events.LoginFailed;
import dev.lookout.events.LoginSucceeded;
import dev.lookout.events.PostPublished;
import dev.lookout.events.UserDeactivated;
import dev.lookout.events.UserEmailChanged;
import dev.lookout.events.UserEvent;
import dev.lookout.events.UserProfileUpdated;
import dev.lookout.events.UserRegistered;
import dev.lookout.topology.Names;
import org.apache.avro.specific.SpecificRecord;

/**
 * Realistic traffic for the demo, at event time "now": people register, rename themselves, change
 * their email, leave; they post and comment; they log in, mostly successfully from home. Now and
 * then someone guesses a user's password from one address (sometimes getting in: an account
 * takeover), and every few thousand events one address tries twenty-odd users (credential
 * stuffing). The first users are {@code u-00001}, {@code u-00002}, ... so they can be looked up.
 *
 * <p>The first batch opens with an attack that has just happened: {@value #OPENING_GUESSES} failed
 * logins on {@code u-00001} from one address, then a success from it, dated
 * {@link #OPENING_AGE} ago. Being older than the detector's grace (30 s by default) behind the
 * traffic that follows, it is released at once, so the first alerts show within seconds of the
 * start rather than after the first scheduled attack and a grace.
 */
public final class DemoTraffic {

    /** One event to send. */
    public record Emit(String topic, String key, SpecificRecord value) {
    }

    private record Scheduled(Instant due, Emit emit) {
    }

    private static final String[] NAMES = {"Ada", "Grace", "Linus", "Barbara", "Ken", "Margaret", "Dennis", "Frances",
        "Edsger", "Radia", "Alan", "Katherine", "Donald", "Hedy", "Tim", "Joan"};
    private static final String[] WORDS = {"streams", "windows", "exactly-once", "state", "replay", "schemas",
        "latency", "partitions", "episodes", "read models", "backpressure", "compaction"};

    /** How long ago the opening attack happened: more than the default grace of 30 s. */
    static final java.time.Duration OPENING_AGE = java.time.Duration.ofSeconds(45);
    static final int OPENING_GUESSES = 4;
    static final String OPENING_VICTIM = "u-00001";
    static final String OPENING_ATTACKER = "203.0.113.66";

    private final SplittableRandom random;
    private final Clock clock;
    private final List<String> users = new ArrayList<>();
    private final List<String> posts = new ArrayList<>();
    private final PriorityQueue<Scheduled> scheduled = new PriorityQueue<>((a, b) -> a.due().compareTo(b.due()));
    private long emitted;
    private int nextUser = 1;
    private int nextPost = 1;
    private boolean opened;

    public DemoTraffic(final long seed, final Clock clock) {
        this.random = new SplittableRandom(seed);
        this.clock = clock;
    }

    /** The next {@code count} events, plus any attack events now due. */
    public List<Emit> next(final int count) {
        final List<Emit> batch = new ArrayList<>(count);
        final Instant now = clock.instant();
        if (!opened) {
            opened = true;
            batch.addAll(openingAttack(now));
        }
        while (!scheduled.isEmpty() && !scheduled.peek().due().isAfter(now)) {
            batch.add(scheduled.poll().emit());
        }
        for (int i = 0; i < count; i++) {
            batch.add(one(now));
            emitted++;
            if (emitted % 400 == 0) {
                scheduleBruteForce(now);
            }
            if (emitted % 6_000 == 3_000) {
                scheduleStuffing(now);
            }
        }
        return batch;
    }

    private Emit one(final Instant now) {
        if (users.size() < 50) {
            return register(now);
        }
        final int roll = random.nextInt(1000);
        if (roll < 70) {
            return register(now);
        } else if (roll < 110) {
            return user(new UserProfileUpdated(NAMES[random.nextInt(NAMES.length)] + " " + (char) ('A' + random.nextInt(26))),
                    now);
        } else if (roll < 130) {
            final String user = anyUser();
            return userEvent(user, new UserEmailChanged(email(user, 0), email(user, 1 + random.nextInt(9))), now);
        } else if (roll < 134) {
            return user(new UserDeactivated("closed by the user"), now);
        } else if (roll < 210) {
            final String post = "p-" + String.format("%06d", nextPost++);
            posts.add(post);
            return new Emit(Names.CONTENT_EVENTS, post, new ContentEvent(id(), now,
                    new PostPublished(post, anyUser(), "On " + WORDS[random.nextInt(WORDS.length)])));
        } else if (roll < 400 && !posts.isEmpty()) {
            final String post = posts.get(random.nextInt(posts.size()));
            return new Emit(Names.CONTENT_EVENTS, post, new ContentEvent(id(), now,
                    new CommentAdded("c-" + UUID.randomUUID(), post, anyUser())));
        } else if (roll < 985) {
            final String user = anyUser();
            return login(user, home(user), true, now);
        } else {
            final String user = anyUser();
            return login(user, home(user), false, now);
        }
    }

    /** Password guesses on the first user, then a way in: a brute force and an account takeover. */
    private List<Emit> openingAttack(final Instant now) {
        final List<Emit> attack = new ArrayList<>();
        Instant at = now.minus(OPENING_AGE);
        for (int i = 0; i < OPENING_GUESSES; i++) {
            attack.add(login(OPENING_VICTIM, OPENING_ATTACKER, false, at));
            at = at.plusSeconds(2);
        }
        attack.add(login(OPENING_VICTIM, OPENING_ATTACKER, true, at));
        return attack;
    }

    private void scheduleBruteForce(final Instant now) {
        final String victim = anyUser();
        final String attacker = "203.0.113." + (1 + random.nextInt(254));
        Instant at = now;
        final int guesses = 3 + random.nextInt(4);
        for (int i = 0; i < guesses; i++) {
            at = at.plusMillis(1_000 + random.nextInt(4_000));
            scheduled.add(new Scheduled(at, login(victim, attacker, false, at)));
        }
        if (random.nextBoolean()) {
            final Instant in = at.plusSeconds(10 + random.nextInt(50));
            scheduled.add(new Scheduled(in, login(victim, attacker, true, in)));
        }
    }

    private void scheduleStuffing(final Instant now) {
        final String attacker = "198.51.100." + (1 + random.nextInt(254));
        Instant at = now;
        final int victims = 22 + random.nextInt(10);
        for (int i = 0; i < victims; i++) {
            at = at.plusMillis(500 + random.nextInt(1_500));
            scheduled.add(new Scheduled(at, login(anyUser(), attacker, false, at)));
        }
    }

    private Emit register(final Instant now) {
        final String user = "u-" + String.format("%05d", nextUser++);
        users.add(user);
        final String name = random.nextInt(5) == 0 ? null : NAMES[random.nextInt(NAMES.length)];
        return userEvent(user, new UserRegistered(email(user, 0), name), now);
    }

    private Emit user(final Object payload, final Instant now) {
        return userEvent(anyUser(), payload, now);
    }

    private Emit userEvent(final String user, final Object payload, final Instant now) {
        return new Emit(Names.USER_EVENTS, user, new UserEvent(id(), user, now, payload));
    }

    private Emit login(final String user, final String ip, final boolean success, final Instant at) {
        final Object payload = success ? new LoginSucceeded(random.nextInt(4) == 0 ? "sso" : "password")
                : new LoginFailed(FailureReason.values()[random.nextInt(FailureReason.values().length)]);
        return new Emit(Names.AUTH_EVENTS, user, new AuthEvent(id(), user, at, ip, payload));
    }

    private String anyUser() {
        return users.get(random.nextInt(users.size()));
    }

    private static String email(final String user, final int variant) {
        return user + (variant == 0 ? "" : "+" + variant) + "@example.com";
    }

    private static String home(final String user) {
        final int hash = user.hashCode() & 0x7fffffff;
        return "10." + (hash % 250) + "." + (hash / 250 % 250) + "." + (1 + hash / 62_500 % 250);
    }

    private String id() {
        return new UUID(random.nextLong(), random.nextLong()).toString();
    }
}
