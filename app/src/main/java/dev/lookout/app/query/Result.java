package dev.lookout.app.query;

import java.time.Duration;
import java.util.Optional;

/**
 * The answer of a read-model lookup by key. Exactly one of four things happened: the value was
 * read here, it does not exist, another instance owns the key, or nobody can answer right now.
 *
 * @param <T> the value type
 */
public sealed interface Result<T> {

    /** Read from a store on this instance. {@code stale} is present when read from a standby. */
    record Found<T>(T value, String servedBy, Optional<Staleness> stale) implements Result<T> {
    }

    /** The owning store has no such key. */
    record NotFound<T>(String servedBy) implements Result<T> {
    }

    /** Another instance ({@code host:port}) owns the key; ask it. */
    record Remote<T>(String host) implements Result<T> {
    }

    /** No instance can answer now (rebalancing, restoring, starting); try again after a while. */
    record Unavailable<T>(String reason, Duration retryAfter) implements Result<T> {
    }

    /** How far a standby replica was behind when it answered. */
    record Staleness(long offsetLag) {
    }

    static <T> Result<T> found(final T value, final String servedBy) {
        return new Found<>(value, servedBy, Optional.empty());
    }

    static <T> Result<T> unavailable(final String reason) {
        return new Unavailable<>(reason, Duration.ofSeconds(2));
    }
}
