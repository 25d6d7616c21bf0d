package dev.lookout.app.http;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;

/**
 * Per-key request rates: a token bucket per API key id (never per token), holding one second's
 * worth of requests and refilled continuously. The set of buckets is bounded by the configured keys.
 */
final class RateLimiter {

    private final int perSecond;
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

    /** @param perSecond requests per second per key; 0 turns the limit off */
    RateLimiter(final int perSecond) {
        this.perSecond = perSecond;
    }

    /**
     * Takes one request from the key's bucket.
     *
     * @throws ApiError 429 with the seconds until a request is allowed again, rounded up
     */
    void acquire(final String keyId) {
        if (perSecond == 0) {
            return;
        }
        final Bucket bucket = buckets.computeIfAbsent(keyId, id -> Bucket.builder()
                .addLimit(Bandwidth.builder().capacity(perSecond).refillGreedy(perSecond, Duration.ofSeconds(1)).build())
                .build());
        final ConsumptionProbe probe = bucket.tryConsumeAndReturnRemaining(1);
        if (!probe.isConsumed()) {
            final long nanos = probe.getNanosToWaitForRefill();
            throw ApiError.tooManyRequests("more than " + perSecond + " requests per second with this API key",
                    Duration.ofSeconds(Math.max(1, (nanos + 999_999_999L) / 1_000_000_000L)));
        }
    }
}
