package dev.lookout.bench.detection;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

import dev.lookout.events.AuthEvent;
import dev.lookout.events.LoginFailed;
import dev.lookout.topology.TopologySettings;

/**
 * The in-memory ceiling: Lookout's detection semantics in one single-threaded loop over plain
 * collections, with nothing persisted. Events wait in a {@link PriorityQueue} until the watermark
 * (newest event time − grace) passes them and are released in (time, event id) order, as in the
 * topology's reorder buffer; per-user state lives in a {@code HashMap<String, User>} and follows
 * {@code LoginEpisodes}: N failures within W (inclusive) raise one alert and open an episode, failures
 * within W of the previous one extend it, a success or a gap over W re-arms. The takeover check
 * (a success within T after a crossing) is kept too, so the loop does the same work per event.
 */
public final class PlainLoop implements Contender {

    /** A login as the loop sees it. */
    record Login(String user, String id, long at, boolean failed) {
    }

    private static final Comparator<Login> RELEASE_ORDER = Comparator.comparingLong(Login::at).thenComparing(Login::id);

    private final int threshold;
    private final long windowMs;
    private final long takeoverMs;
    private final long graceMs;

    public PlainLoop(final TopologySettings settings) {
        this.threshold = settings.failureThreshold();
        this.windowMs = settings.failureWindow().toMillis();
        this.takeoverMs = settings.takeoverWindow().toMillis();
        this.graceMs = settings.grace().toMillis();
    }

    @Override
    public String name() {
        return "plain loop (HashMap, in memory)";
    }

    @Override
    public String setup() {
        return "one thread; a PriorityQueue releases events at newest − grace in (time, id) order; "
                + "HashMap<String, User> of per-user episode state; nothing serialized or persisted";
    }

    @Override
    public Trial prepare(final List<AuthEvent> events) {
        final Login[] logins = new Login[events.size()];
        for (int i = 0; i < logins.length; i++) {
            final AuthEvent event = events.get(i);
            logins[i] = new Login(event.getUserId(), event.getEventId(), event.getOccurredAt().toEpochMilli(),
                    event.getPayload() instanceof LoginFailed);
        }
        return () -> run(logins);
    }

    private Outcome run(final Login[] logins) {
        final long started = System.nanoTime();
        final Map<String, User> users = new HashMap<>();
        final PriorityQueue<Login> buffer = new PriorityQueue<>(RELEASE_ORDER);
        final List<String> alerts = new ArrayList<>();
        long newest = Long.MIN_VALUE;
        for (final Login login : logins) {
            if (newest != Long.MIN_VALUE && login.at() < newest - graceMs) {
                continue; // late: a dead letter in the topology (none in on-time traffic)
            }
            buffer.add(login);
            newest = Math.max(newest, login.at());
            final long watermark = newest - graceMs;
            while (!buffer.isEmpty() && buffer.peek().at() < watermark) {
                detect(buffer.poll(), users, alerts);
            }
        }
        // End of input: release the rest, as the other contenders' end-of-input flush does.
        while (!buffer.isEmpty()) {
            detect(buffer.poll(), users, alerts);
        }
        return new Outcome(logins.length, System.nanoTime() - started, alerts);
    }

    private void detect(final Login login, final Map<String, User> users, final List<String> alerts) {
        final User user = users.computeIfAbsent(login.user(), ignored -> new User(threshold));
        if (login.failed()) {
            final boolean episodeGoesOn = user.inEpisode && login.at() - user.lastFailureAt <= windowMs;
            user.lastFailureAt = login.at();
            if (episodeGoesOn) {
                return;
            }
            user.inEpisode = false;
            user.keepWithin(login.at() - windowMs);
            user.window[user.size++] = login;
            if (user.size == threshold) {
                final StringBuilder ids = new StringBuilder();
                for (int i = 0; i < user.size; i++) {
                    ids.append(i == 0 ? "" : ",").append(user.window[i].id());
                }
                alerts.add(ids.toString());
                user.crossedAt = login.at();
                user.crossed = true;
                user.takeoverRaised = false;
                user.inEpisode = true;
                user.size = 0;
            }
        } else {
            if (user.crossed && !user.takeoverRaised && login.at() - user.crossedAt <= takeoverMs) {
                user.takeoverRaised = true; // FAILURES_THEN_SUCCESS; counted by nobody here
            }
            user.inEpisode = false;
            user.size = 0;
        }
    }

    /** One user's state: the failures within W (fewer than N) and the episode flags. */
    private static final class User {
        final Login[] window;
        int size;
        boolean inEpisode;
        long lastFailureAt = Long.MIN_VALUE;
        boolean crossed;
        long crossedAt;
        boolean takeoverRaised;

        User(final int threshold) {
            this.window = new Login[threshold];
        }

        /** Drops the failures before {@code oldest}; they are kept oldest first. */
        void keepWithin(final long oldest) {
            int drop = 0;
            while (drop < size && window[drop].at() < oldest) {
                drop++;
            }
            if (drop > 0) {
                System.arraycopy(window, drop, window, 0, size - drop);
                size -= drop;
            }
        }
    }
}
