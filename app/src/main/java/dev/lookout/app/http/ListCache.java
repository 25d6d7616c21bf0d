package dev.lookout.app.http;

import java.time.Duration;
import java.util.function.Supplier;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import dev.lookout.app.query.LocalSlice;

/**
 * What the list routes keep between requests, each value under the version it was read at:
 * this instance's slices and their JSON (under its {@link dev.lookout.app.query.ReadModel#sliceVersion()}),
 * the slices peers sent (under their ETags), and whole pages (under the versions of every slice
 * merged into them). A value is served only while that version is still current, so a kept page
 * answers exactly what reading the stores again would; asking a peer whether its slice changed is
 * one conditional request that answers 304 and no body.
 *
 * <p>Every value is also dropped {@link #MAX_AGE} after it was kept, whatever its version, so a
 * change that no version counts (see {@code ViewChanges}) is served at most that late.
 */
final class ListCache {

    static final Duration MAX_AGE = Duration.ofSeconds(1);
    /** About the heap the kept values may take: pages of 500 users take about 125 KiB of JSON each. */
    private static final long MAX_BYTES = 32L << 20;
    /** What an item of a kept slice is counted as (a user in JSON is about 250 bytes; its object more). */
    private static final int BYTES_PER_ITEM = 512;

    /** A value and the version it is current under. */
    record Kept<T>(String version, T value) {
    }

    private final Cache<String, Kept<?>> entries = Caffeine.newBuilder().maximumWeight(MAX_BYTES)
            .weigher((String key, Kept<?> kept) -> weight(kept.value())).expireAfterWrite(MAX_AGE).build();

    /**
     * The value kept under {@code key} if it was kept under {@code version}; otherwise it is read,
     * and kept under that version. A null version reads and keeps nothing.
     */
    @SuppressWarnings("unchecked")
    <T> T get(final String key, final String version, final Supplier<T> read) {
        if (version == null) {
            return read.get();
        }
        final Kept<?> kept = entries.getIfPresent(key);
        if (kept != null && kept.version().equals(version)) {
            return (T) kept.value();
        }
        return put(key, version, read.get());
    }

    /** What is kept under {@code key}, whatever its version, or null. */
    @SuppressWarnings("unchecked")
    <T> Kept<T> any(final String key) {
        return (Kept<T>) entries.getIfPresent(key);
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

    /** Keeps a value under a version; a null version keeps nothing. */
    <T> T put(final String key, final String version, final T value) {
        if (version != null) {
            entries.put(key, new Kept<>(version, value));
        }
        return value;
    }
}
