package dev.lookout.app.http;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Peers' requests for this instance's slice version, held until it changes: the server side of
 * {@link PeerWatches}. While a request waits, the version is read every {@link #CHECK_EVERY}
 * (a read of a count the stream thread moves with every write to a listed store); while none
 * waits, nothing runs. The number of waiting requests is bounded.
 *
 * <p>Written with a timer rather than a callback from the count: the count is moved on the
 * stream thread for every write, and this keeps that path to one atomic increment.
 */
final class VersionWaits implements AutoCloseable {

    /** How often a waited-for version is read: a change reaches a watching peer this much later at most. */
    static final Duration CHECK_EVERY = Duration.ofMillis(5);
    static final int MAX_WAITING = 64;

    private record Waiter(String known, long deadlineNanos, CompletableFuture<String> answer) {
    }

    private final Supplier<String> version;
    private final LongSupplier clock;
    private final ScheduledExecutorService checker = Executors.newSingleThreadScheduledExecutor(runnable -> {
        final Thread thread = new Thread(runnable, "slice-version-waits");
        thread.setDaemon(true);
        return thread;
    });
    private final List<Waiter> waiting = new ArrayList<>(); // guarded by this
    private ScheduledFuture<?> checks; // guarded by this; null while nothing waits

    /** @param version this instance's slice version as an ETag, or null while it has none */
    VersionWaits(final Supplier<String> version) {
        this(version, System::nanoTime);
    }

    VersionWaits(final Supplier<String> version, final LongSupplier clock) {
        this.version = version;
        this.clock = clock;
    }

    /**
     * The version once it differs from {@code known} (null when there is none), or {@code known}
     * when it has not changed within {@code wait}.
     *
     * @throws ApiError 503 when {@value #MAX_WAITING} requests wait already
     */
    synchronized CompletableFuture<String> changedFrom(final String known, final Duration wait) {
        if (waiting.size() >= MAX_WAITING) {
            throw ApiError.unavailable(MAX_WAITING + " requests wait for this instance's version already",
                    Duration.ofSeconds(1));
        }
        final CompletableFuture<String> answer = new CompletableFuture<>();
        waiting.add(new Waiter(known, clock.getAsLong() + wait.toNanos(), answer));
        if (checks == null && !checker.isShutdown()) {
            checks = checker.scheduleWithFixedDelay(this::check, CHECK_EVERY.toNanos(), CHECK_EVERY.toNanos(),
                    TimeUnit.NANOSECONDS);
        }
        return answer;
    }

    synchronized int waiting() {
        return waiting.size();
    }

    /** Answers the requests whose version changed or whose wait is over. */
    void check() {
        String current;
        try {
            current = version.get();
        } catch (RuntimeException e) {
            current = null; // unknown: every waiter is told there is none, and asks again
        }
        final String now = current;
        final long time = clock.getAsLong();
        final List<Waiter> answered = new ArrayList<>();
        synchronized (this) {
            waiting.removeIf(waiter -> {
                final boolean done = !Objects.equals(waiter.known(), now) || time - waiter.deadlineNanos() >= 0;
                if (done) {
                    answered.add(waiter);
                }
                return done;
            });
            if (waiting.isEmpty() && checks != null) {
                checks.cancel(false);
                checks = null;
            }
        }
        // Outside the lock: completing writes the answer.
        answered.forEach(waiter -> waiter.answer().complete(now));
    }

    @Override
    public void close() {
        final List<Waiter> left;
        synchronized (this) {
            checker.shutdownNow();
            left = List.copyOf(waiting);
            waiting.clear();
        }
        left.forEach(waiter -> waiter.answer().complete(null));
    }
}
