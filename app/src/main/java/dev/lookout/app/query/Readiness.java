package dev.lookout.app.query;

/**
 * Whether the read model can answer.
 *
 * @param ready true when the stream processing is running and no store is restoring
 * @param state a short description, e.g. {@code RUNNING} or {@code REBALANCING, restoring users 40%}
 */
public record Readiness(boolean ready, String state) {
}
