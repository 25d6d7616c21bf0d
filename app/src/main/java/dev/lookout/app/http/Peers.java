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
    private final String scheme;
    private final PeerAuth signer;

    /**
     * @param tls the TLS settings every instance shares (peers are then called over HTTPS and
     *     their certificates checked), or null for plain HTTP
     * @param signer signs each call, or null when instances share no secret
     */
    Peers(final Duration timeout, final Tls tls, final PeerAuth signer) {
        this.timeout = timeout;
        this.signer = signer;
        this.scheme = tls == null ? "http://" : "https://";
        // HTTP/1.1: the API serves no h2c, so the client's default (HTTP/2 with an upgrade offer on
        // every new plain-text connection) only adds a round of negotiation.
        final HttpClient.Builder builder = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(timeout);
        if (tls != null) {
            builder.sslContext(tls.clientContext());
        }
        this.client = builder.build();
    }

    CompletableFuture<Answer> get(final String host, final String pathAndQuery) {
        final HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(scheme + host + pathAndQuery))
                .timeout(timeout)
                .header("Accept", "application/json");
        if (signer != null) {
            signer.sign("GET", pathAndQuery).forEach(builder::header);
        }
        final HttpRequest request = builder.GET().build();
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
