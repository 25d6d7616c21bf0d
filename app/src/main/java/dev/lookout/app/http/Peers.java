package dev.lookout.app.http;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * Calls the internal endpoints of other instances: to read a key another instance owns, and to
 * collect its slice of a list. Every call is bounded by a timeout; a peer that does not answer in
 * time is reported, never waited for.
 */
final class Peers {

    /** An answer of a peer. */
    record Answer(int status, byte[] body, String servedBy, String staleLag, String retryAfter) {
    }

    static final String SERVED_BY = "X-Lookout-Served-By";
    static final String STALE_LAG = "X-Lookout-Stale-Lag";

    private final HttpClient client;
    private final Duration timeout;

    Peers(final Duration timeout) {
        this.timeout = timeout;
        this.client = HttpClient.newBuilder().connectTimeout(timeout).build();
    }

    CompletableFuture<Answer> get(final String host, final String pathAndQuery) {
        final HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + host + pathAndQuery))
                .timeout(timeout)
                .header("Accept", "application/json")
                .GET().build();
        return client.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray()).thenApply(response -> new Answer(
                response.statusCode(), response.body(),
                response.headers().firstValue(SERVED_BY).orElse(null),
                response.headers().firstValue(STALE_LAG).orElse(null),
                response.headers().firstValue("Retry-After").orElse(null)));
    }

    /** Reads from a peer, turning silence into a 503. */
    Answer getNow(final String host, final String pathAndQuery) {
        try {
            return get(host, pathAndQuery).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ApiError.unavailable("interrupted while asking " + host, Duration.ofSeconds(1));
        } catch (java.util.concurrent.ExecutionException e) {
            final Throwable cause = e.getCause();
            final String why = cause instanceof IOException || cause instanceof java.net.http.HttpTimeoutException
                    ? cause.getClass().getSimpleName() : String.valueOf(cause);
            throw ApiError.unavailable("the instance " + host + " that owns this key did not answer (" + why + ")",
                    Duration.ofSeconds(2));
        }
    }
}
