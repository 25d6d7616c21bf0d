package dev.lookout.app.kafka;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import dev.lookout.app.query.InstanceStatus;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.processor.StateRestoreListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs the progress of state restoration per store, across its partitions — e.g.
 * {@code restoring users: 40% (400k/1M)} — at most every few seconds. Once nothing restores and
 * the instance is {@code RUNNING}, it logs one line per store that restored records in the phase,
 * with their number and rate, and one summary of the whole phase:
 * {@code state restored: N records into K stores in s (r/s)}. Tasks reach the restore a few at a
 * time, so a store's partitions can all be done several times in one phase; its line waits for
 * the phase to end.
 * While any partition is restoring, {@link #restoring()} is true and the instance is not ready.
 */
public final class RestoreProgress implements StateRestoreListener {

    private static final Logger LOG = LoggerFactory.getLogger(RestoreProgress.class);
    private static final long LOG_EVERY_NANOS = 5_000_000_000L;

    private final Map<String, StoreProgress> stores = new ConcurrentHashMap<>();
    private final Map<TopicPartition, String> active = new ConcurrentHashMap<>();
    /**
     * The stores of the current phase: from the first partition starting to restore until the
     * instance runs. Tasks start restoring one after another, so the set of restoring partitions
     * can be empty in the middle of a phase; it ends when nothing restores and the instance is
     * {@code RUNNING}.
     */
    private final Map<String, StoreRound> roundStores = new ConcurrentHashMap<>();
    private final AtomicLong changes = new AtomicLong();
    private volatile long roundStartedNanos;
    private volatile boolean running;

    private static final class StoreProgress {
        final AtomicLong total = new AtomicLong();
        final AtomicLong restored = new AtomicLong();
        volatile long loggedNanos = System.nanoTime();
        volatile int partitions;
    }

    /** A store in the current phase: records restored, when its first partition started, when its last one ended. */
    private static final class StoreRound {
        final AtomicLong restored = new AtomicLong();
        final long startedNanos = System.nanoTime();
        volatile long endedNanos = startedNanos;
    }

    /** Restore events so far (starts, batches, ends): each may change what a store holds. */
    public long changes() {
        return changes.get();
    }

    @Override
    public void onRestoreStart(final TopicPartition partition, final String store, final long startingOffset,
                               final long endingOffset) {
        changes.incrementAndGet();
        final StoreProgress progress = stores.computeIfAbsent(store, ignored -> new StoreProgress());
        synchronized (progress) {
            if (progress.partitions == 0) {
                progress.total.set(0);
                progress.restored.set(0);
                progress.loggedNanos = System.nanoTime();
            }
            progress.partitions++;
        }
        progress.total.addAndGet(Math.max(0, endingOffset - startingOffset));
        synchronized (active) {
            if (roundStores.isEmpty()) {
                roundStartedNanos = System.nanoTime();
            }
            active.put(partition, store);
            roundStores.computeIfAbsent(store, ignored -> new StoreRound());
        }
    }

    @Override
    public void onBatchRestored(final TopicPartition partition, final String store, final long batchEndOffset,
                                final long numRestored) {
        changes.incrementAndGet();
        final StoreProgress progress = stores.get(store);
        if (progress == null) {
            return;
        }
        final StoreRound round = roundStores.get(store);
        if (round != null) {
            round.restored.addAndGet(numRestored);
        }
        final long restored = progress.restored.addAndGet(numRestored);
        final long now = System.nanoTime();
        if (now - progress.loggedNanos >= LOG_EVERY_NANOS) {
            progress.loggedNanos = now;
            final long total = Math.max(progress.total.get(), restored);
            LOG.info("restoring {}: {}% ({}/{})", store, total == 0 ? 100 : restored * 100 / total, human(restored),
                    human(total));
        }
    }

    @Override
    public void onRestoreEnd(final TopicPartition partition, final String store, final long totalRestored) {
        finished(partition, store);
    }

    @Override
    public void onRestoreSuspended(final TopicPartition partition, final String store, final long totalRestored) {
        finished(partition, store);
    }

    private void finished(final TopicPartition partition, final String store) {
        changes.incrementAndGet();
        final StoreProgress progress = stores.get(store);
        if (progress != null) {
            synchronized (progress) {
                progress.partitions--;
            }
        }
        final StoreRound round = roundStores.get(store);
        if (round != null) {
            round.endedNanos = System.nanoTime();
        }
        active.remove(partition);
        summariseIfDone();
    }

    /** Follows the instance's state: whether it is {@code RUNNING}. */
    public void running(final boolean running) {
        this.running = running;
        summariseIfDone();
    }

    /** Ends the restoration phase with its summary once nothing restores and the instance runs. */
    private void summariseIfDone() {
        synchronized (active) {
            if (!running || !active.isEmpty() || roundStores.isEmpty()) {
                return;
            }
            new TreeMap<>(roundStores).forEach((store, round) -> {
                final long restored = round.restored.get();
                if (restored > 0) {
                    final double seconds = (round.endedNanos - round.startedNanos) / 1e9;
                    LOG.info("restored {}: {} records in {} s ({} records/s)", store, human(restored),
                            String.format("%.1f", seconds), human((long) (restored / Math.max(seconds, 1e-3))));
                }
            });
            final long total = roundStores.values().stream().mapToLong(round -> round.restored.get()).sum();
            if (total > 0) {
                final double seconds = Math.max((System.nanoTime() - roundStartedNanos) / 1e9, 1e-3);
                LOG.info("state restored: {} records into {} stores in {} s ({} records/s)", total,
                        roundStores.size(), String.format("%.1f", seconds), (long) (total / seconds));
            }
            roundStores.clear();
        }
    }

    /** Whether any store partition is being restored. */
    public boolean restoring() {
        return !active.isEmpty();
    }

    /** The stores restoring now: records restored so far and the total, across their partitions. */
    public List<InstanceStatus.Restore> restoringStores() {
        final List<InstanceStatus.Restore> restoring = new ArrayList<>();
        new TreeMap<>(stores).forEach((store, progress) -> {
            if (progress.partitions > 0) {
                final long restored = progress.restored.get();
                restoring.add(new InstanceStatus.Restore(store, restored, Math.max(progress.total.get(), restored)));
            }
        });
        return restoring;
    }

    /** A one-line summary of what is restoring, for health answers. */
    public String describe() {
        final StringBuilder text = new StringBuilder();
        stores.forEach((store, progress) -> {
            if (progress.partitions > 0) {
                final long total = Math.max(1, progress.total.get());
                text.append(text.isEmpty() ? "" : ", ").append("restoring ").append(store).append(' ')
                        .append(progress.restored.get() * 100 / total).append('%');
            }
        });
        return text.toString();
    }

    static String human(final long count) {
        if (count >= 1_000_000) {
            return String.format("%.1fM", count / 1e6).replace(".0M", "M");
        }
        if (count >= 1_000) {
            return (count / 1_000) + "k";
        }
        return Long.toString(count);
    }
}
