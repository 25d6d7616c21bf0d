package dev.lookout.app.security;

import java.time.Duration;

/**
 * Bounds on every request.
 *
 * @param maxUrlLength longest path plus query, in characters (longer: 414)
 * @param maxQueryLength longest query string (longer: 414)
 * @param maxHeaderBytes request line plus headers, in bytes (Jetty: 414 or 431)
 * @param requestTimeout how long a connection may stay silent while a request is read or an
 *     answer written; the alert stream's keep-alive comes more often
 * @param requestsPerSecond per API key; a burst of one second's worth is allowed, then 429 with
 *     {@code Retry-After}. 0 turns the limit off
 * @param alertStreamsPerCaller open alert streams per API key (per client address when there are no keys)
 */
public record Limits(int maxUrlLength, int maxQueryLength, int maxHeaderBytes, Duration requestTimeout,
                     int requestsPerSecond, int alertStreamsPerCaller) {

    public Limits {
        if (maxUrlLength < 64 || maxQueryLength < 16 || maxHeaderBytes < 1024) {
            throw new IllegalArgumentException("URL, query and header limits are too small to serve any route");
        }
        if (requestTimeout.compareTo(Duration.ofSeconds(2)) < 0) {
            throw new IllegalArgumentException("the request timeout must be at least 2s");
        }
        if (requestsPerSecond < 0 || alertStreamsPerCaller < 1) {
            throw new IllegalArgumentException("the rate limit must not be negative and a caller needs at least one stream");
        }
    }

    public static Limits defaults() {
        return new Limits(2048, 1024, 8192, Duration.ofSeconds(30), 100, 5);
    }

    /** How often an open alert stream sends a keep-alive comment: well inside the request timeout. */
    public Duration heartbeat() {
        final Duration half = requestTimeout.dividedBy(2);
        return half.compareTo(Duration.ofSeconds(15)) < 0 ? half : Duration.ofSeconds(15);
    }
}
