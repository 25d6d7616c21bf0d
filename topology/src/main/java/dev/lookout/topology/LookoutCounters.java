package dev.lookout.topology;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * Lookout's own counters: duplicates dropped, dead letters written, alerts raised and late events,
 * each by a label (topic, stage and reason, or alert kind).
 *
 * <p>The app puts one instance into the Streams configuration under {@value #CONFIG}; processors
 * and exception handlers find it there ({@code appConfigs()} / {@code configure()}) and the app
 * exports it as metrics. Without one, each user gets a private instance that nobody reads.
 */
public final class LookoutCounters {

    /** The Streams configuration key under which the app passes its instance. */
    public static final String CONFIG = "lookout.counters";

    /** What is counted. */
    public enum Kind {
        DUPLICATES, DEAD_LETTERS, ALERTS, LATE_EVENTS
    }

    /** One counter: what it counts and its label. */
    public record Key(Kind kind, String label) implements Comparable<Key> {

        /** A dead letter's label is {@code stage/reason}: the stage, or the whole label without a slash. */
        public String stage() {
            final int slash = label.indexOf('/');
            return slash < 0 ? label : label.substring(0, slash);
        }

        /** The reason of a {@code stage/reason} label, or empty without a slash. */
        public String reason() {
            final int slash = label.indexOf('/');
            return slash < 0 ? "" : label.substring(slash + 1);
        }

        @Override
        public int compareTo(final Key other) {
            final int byKind = kind.compareTo(other.kind);
            return byKind != 0 ? byKind : label.compareTo(other.label);
        }
    }

    private final ConcurrentMap<Key, LongAdder> counts = new ConcurrentHashMap<>();
    private final List<Consumer<Key>> listeners = new CopyOnWriteArrayList<>();

    /** The instance in a Streams configuration, or a fresh private one. */
    public static LookoutCounters from(final Map<String, ?> configs) {
        final Object value = configs.get(CONFIG);
        return value instanceof LookoutCounters counters ? counters : new LookoutCounters();
    }

    public void increment(final Kind kind, final String label) {
        final Key key = new Key(kind, label);
        LongAdder adder = counts.get(key);
        if (adder == null) {
            final LongAdder created = new LongAdder();
            adder = counts.putIfAbsent(key, created);
            if (adder == null) {
                adder = created;
                listeners.forEach(listener -> listener.accept(key));
            }
        }
        adder.increment();
    }

    /** Calls {@code listener} for every counter that exists now and for each one created later. */
    public void onCounter(final Consumer<Key> listener) {
        listeners.add(listener);
        counts.keySet().forEach(listener);
    }

    public long get(final Kind kind, final String label) {
        final LongAdder adder = counts.get(new Key(kind, label));
        return adder == null ? 0 : adder.sum();
    }

    /** The total of one kind over all labels. */
    public long total(final Kind kind) {
        long total = 0;
        for (final Map.Entry<Key, LongAdder> entry : counts.entrySet()) {
            if (entry.getKey().kind() == kind) {
                total += entry.getValue().sum();
            }
        }
        return total;
    }

    /** Every counter and its value, in a stable order. */
    public Map<Key, Long> snapshot() {
        final Map<Key, Long> snapshot = new TreeMap<>();
        counts.forEach((key, adder) -> snapshot.put(key, adder.sum()));
        return snapshot;
    }
}
