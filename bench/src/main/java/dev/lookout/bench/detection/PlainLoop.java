package dev.lookout.bench.detection;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.lookout.events.AuthEvent;
import dev.lookout.events.LoginFailed;
import dev.lookout.topology.TopologySettings;

/**
 * The in-memory ceiling: Lookout's detection semantics in one single-threaded loop over plain
 * collections, with nothing persisted. Events wait in a heap until the watermark (newest event
 * time − grace) passes them and are released in (time, event id) order, as in the topology's
 * reorder buffer; per-user state lives in a {@code HashMap<String, User>} and follows
 * {@code LoginEpisodes}: N failures within W (inclusive) raise one alert and open an episode, failures
 * within W of the previous one extend it, a success or a gap over W re-arms. The takeover check
 * (a success within T after a crossing) is kept too, so the loop does the same work per event.
 */
public final class PlainLoop implements Contender {

    /** A login as the loop sees it. */
    record Login(String user, String id, long at, boolean failed) {
    }

    private static final int INDEX_BITS = 24;
    private static final long INDEX_MASK = (1L << INDEX_BITS) - 1;

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
        return "one thread; a binary heap of packed (time, index) longs releases events at newest − grace in "
                + "(time, id) order; HashMap<String, User> of per-user episode state; nothing serialized or persisted";
    }

    @Override
    public Trial prepare(final List<AuthEvent> events) {
        final Login[] logins = new Login[events.size()];
        final Map<String, String> users = new HashMap<>();
        long base = Long.MAX_VALUE;
        for (int i = 0; i < logins.length; i++) {
            final AuthEvent event = events.get(i);
            // One String per user, so that the map's equals is an identity check.
            final String user = users.computeIfAbsent(event.getUserId(), key -> key);
            logins[i] = new Login(user, event.getEventId(), event.getOccurredAt().toEpochMilli(),
                    event.getPayload() instanceof LoginFailed);
            base = Math.min(base, logins[i].at());
        }
        if (logins.length >= 1 << INDEX_BITS) {
            throw new IllegalArgumentException("at most " + ((1 << INDEX_BITS) - 1) + " events");
        }
        final long origin = base;
        return () -> run(logins, origin);
    }

    private Outcome run(final Login[] logins, final long origin) {
        final long started = System.nanoTime();
        final Map<String, User> users = new HashMap<>();
        // The reorder buffer: a heap of (time since origin, index) packed into longs, so that
        // ordering never dereferences an event; equal times are put in event-id order on release.
        final LongHeap buffer = new LongHeap();
        final List<Login> sameTime = new ArrayList<>();
        final List<String> alerts = new ArrayList<>();
        long newest = Long.MIN_VALUE;
        for (int i = 0; i < logins.length; i++) {
            final Login login = logins[i];
            if (newest != Long.MIN_VALUE && login.at() < newest - graceMs) {
                continue; // late: a dead letter in the topology (none in on-time traffic)
            }
            buffer.add((login.at() - origin) << INDEX_BITS | i);
            newest = Math.max(newest, login.at());
            release(logins, buffer, newest - graceMs - origin, sameTime, users, alerts);
        }
        // End of input: release the rest, as the other contenders' end-of-input flush does.
        release(logins, buffer, Long.MAX_VALUE >> INDEX_BITS, sameTime, users, alerts);
        return new Outcome(logins.length, System.nanoTime() - started, alerts);
    }

    /** Releases, in (time, id) order, every buffered event before {@code watermark} (relative to the origin). */
    private void release(final Login[] logins, final LongHeap buffer, final long watermark, final List<Login> sameTime,
                         final Map<String, User> users, final List<String> alerts) {
        while (!buffer.isEmpty() && buffer.peek() >> INDEX_BITS < watermark) {
            final long time = buffer.peek() >> INDEX_BITS;
            sameTime.clear();
            while (!buffer.isEmpty() && buffer.peek() >> INDEX_BITS == time) {
                sameTime.add(logins[(int) (buffer.poll() & INDEX_MASK)]);
            }
            if (sameTime.size() > 1) {
                sameTime.sort(Comparator.comparing(Login::id));
            }
            for (final Login login : sameTime) {
                detect(login, users, alerts);
            }
        }
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

    /** A binary min-heap of longs. */
    private static final class LongHeap {
        private long[] heap = new long[1024];
        private int size;

        boolean isEmpty() {
            return size == 0;
        }

        long peek() {
            return heap[0];
        }

        void add(final long value) {
            if (size == heap.length) {
                heap = java.util.Arrays.copyOf(heap, size * 2);
            }
            int at = size++;
            while (at > 0) {
                final int parent = (at - 1) >>> 1;
                if (heap[parent] <= value) {
                    break;
                }
                heap[at] = heap[parent];
                at = parent;
            }
            heap[at] = value;
        }

        long poll() {
            final long top = heap[0];
            final long last = heap[--size];
            int at = 0;
            while (true) {
                int child = 2 * at + 1;
                if (child >= size) {
                    break;
                }
                if (child + 1 < size && heap[child + 1] < heap[child]) {
                    child++;
                }
                if (last <= heap[child]) {
                    break;
                }
                heap[at] = heap[child];
                at = child;
            }
            heap[at] = last;
            return top;
        }
    }
}
