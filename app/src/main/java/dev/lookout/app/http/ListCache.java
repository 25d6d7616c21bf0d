package dev.lookout.app.http;

import java.time.Duration;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import dev.lookout.app.query.LocalSlice;

/**
 * What the list routes keep between requests, each value under the version it was read at:
 * this instance's slices and their JSON (under its {@link dev.lookout.app.query.ReadModel#sliceVersion()}),
 * the slices peers sent (under their ETags), and whole pages (under the versions of every slice
 * merged into them). A value is served only while that version is still current, so a kept page
 * answers what reading the stores again would; asking a peer whether its slice changed is one
 * conditional request that answers 304 and no body.
 *
 * <p>Each value also carries when the stores behind it were read: a value made from other values
 * (a page, the JSON of a slice) carries the oldest of their times, and a peer's slice carries the
 * age the peer gave it. Nothing older than {@link #MAX_AGE} is served, whatever its version, so a
 * change that no version counts is served at most that late.
 */
final class ListCache {

    static final Duration MAX_AGE = Duration.ofSeconds(1);
    /** About the heap the kept values may take: pages of 500 users take about 125 KiB of JSON each. */
    private static final long MAX_BYTES = 32L << 20;
    /** What an item of a kept slice is counted as (a user in JSON is about 250 bytes; its object more). */
    private static final int BYTES_PER_ITEM = 512;

    /** A value, the version it is current under, and when the stores behind it were read ({@link #now()}). */
    record Kept<T>(String version, T value, long readAtNanos) {
    }

    private final LongSupplier clock;
    private final Cache<String, Kept<?>> entries;

    ListCache() {
        this(System::nanoTime);
    }

    /** @param clock nanoseconds, as {@link System#nanoTime()} */
    ListCache(final LongSupplier clock) {
        this.clock = clock;
        this.entries = Caffeine.newBuilder().maximumWeight(MAX_BYTES)
                .weigher((String key, Kept<?> kept) -> weight(kept.value()))
                .expireAfterWrite(MAX_AGE).ticker(clock::getAsLong).build();
    }

    long now() {
        return clock.getAsLong();
    }

    /** How long ago the stores behind a kept value were read, in milliseconds, rounded up. */
    long ageMillis(final Kept<?> kept) {
        return (Math.max(0, now() - kept.readAtNanos()) + 999_999) / 1_000_000;
    }

    /** The value kept under {@code key}, if it is current under {@code version} and young enough; else null. */
    @SuppressWarnings("unchecked")
    <T> Kept<T> current(final String key, final String version) {
        final Kept<T> kept = version == null ? null : (Kept<T>) entries.getIfPresent(key);
        return kept != null && kept.version().equals(version) && young(kept) ? kept : null;
    }

    /** What is kept under {@code key} whatever its version, if it is young enough; else null. */
    @SuppressWarnings("unchecked")
    <T> Kept<T> any(final String key) {
        final Kept<T> kept = (Kept<T>) entries.getIfPresent(key);
        return kept != null && young(kept) ? kept : null;
    }

    /**
     * The value kept under {@code key} if it is current; otherwise it is read (its read time is
     * taken just before) and kept. A null version reads and keeps nothing.
     */
    <T> Kept<T> get(final String key, final String version, final Supplier<T> read) {
        final Kept<T> kept = current(key, version);
        if (kept != null) {
            return kept;
        }
        final long readAt = now();
        return keep(key, version, read.get(), readAt);
    }

    /** Keeps a value under a version (a null version keeps nothing) and returns it as kept. */
    <T> Kept<T> keep(final String key, final String version, final T value, final long readAtNanos) {
        final Kept<T> kept = new Kept<>(version, value, readAtNanos);
        if (version != null) {
            entries.put(key, kept);
        }
        return kept;
    }

    private boolean young(final Kept<?> kept) {
        return now() - kept.readAtNanos() < MAX_AGE.toNanos();
    }

    private static int weight(final Object value) {
        if (value instanceof byte[] bytes) {
            return bytes.length;
        }
        if (value instanceof LocalSlice<?> slice) {
            return BYTES_PER_ITEM * (1 + slice.items().size());
        }
        return BYTES_PER_ITEM;
    }
}
