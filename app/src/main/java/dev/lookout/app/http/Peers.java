package dev.lookout.app.http;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URL;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLSocketFactory;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import dev.lookout.app.security.Tls;

/**
 * Calls the internal endpoints of other instances: to read a key another instance owns, and to
 * collect its slice of a list. Every call is bounded by a timeout; a peer that does not answer in
 * time is reported, never waited for.
 *
 * <p>Each call is a blocking {@link HttpURLConnection} on the calling thread (kept-alive
 * connections are reused), so a forwarded read costs one round trip and no thread hand-offs.
 * The JDK's {@code java.net.http.HttpClient} hands every exchange between its selector thread and
 * an executor several times; measured on this project's API with 8 concurrent callers, it took
 * a median of 9 ms per call where this takes 2 ms. Lists ask their peers at once, each call on a
 * thread of a small pool.
 */
final class Peers {

    /**
     * An answer of a peer; {@code etag} is its {@code ETag} header, or null; {@code sliceAgeMillis}
     * its {@value #SLICE_AGE} header, or 0.
     */
    record Answer(int status, byte[] body, String servedBy, String staleLag, String retryAfter, String etag,
                  long sliceAgeMillis) {
    }

    static final String SERVED_BY = "X-Lookout-Served-By";
    static final String STALE_LAG = "X-Lookout-Stale-Lag";
    /** How long ago, in milliseconds, the stores behind a list slice were read. */
    static final String SLICE_AGE = "X-Lookout-Slice-Age";

    private static final AtomicInteger THREADS = new AtomicInteger();
    /** Runs the calls of lists that ask several peers at once, and the watches of {@link PeerWatches}. */
    static final ExecutorService FAN_OUT = Executors.newCachedThreadPool(task -> {
        final Thread thread = new Thread(task, "lookout-peers-" + THREADS.incrementAndGet());
        thread.setDaemon(true);
        return thread;
    });

    /**
     * URLs parsed once per peer and path: parsing one (host, port, query) was about 5 % of the
     * request threads of an instance serving kept list pages. Bounded, since paths carry cursors.
     */
    private final Cache<String, URL> urls = Caffeine.newBuilder().maximumSize(1_024).build();
    private final int timeoutMs;
    private final String scheme;
    private final SSLSocketFactory tls;
    private final PeerAuth signer;

    /**
     * @param tls the TLS settings every instance shares (peers are then called over HTTPS and
     *     their certificates and host names checked), or null for plain HTTP
     * @param signer signs each call, or null when instances share no secret
     */
    Peers(final Duration timeout, final Tls tls, final PeerAuth signer) {
        this.timeoutMs = (int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis()));
        this.signer = signer;
        this.scheme = tls == null ? "http://" : "https://";
        this.tls = tls == null ? null : tls.clientContext().getSocketFactory();
    }

    /**
     * Calls a peer on a pool thread; with an {@code ifNoneMatch} ETag, the peer answers 304 and no
     * body while what it would send still has that tag.
     */
    CompletableFuture<Answer> get(final String host, final String pathAndQuery, final String ifNoneMatch) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return call(host, pathAndQuery, ifNoneMatch);
            } catch (IOException e) {
                throw new CompletionException(e);
            }
        }, FAN_OUT);
    }

    /** {@link #get(String, String, String)} on this thread: the future is done when this returns. */
    CompletableFuture<Answer> getHere(final String host, final String pathAndQuery, final String ifNoneMatch) {
        try {
            return CompletableFuture.completedFuture(call(host, pathAndQuery, ifNoneMatch));
        } catch (IOException | RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** Reads from a peer on this thread, turning silence into a 503. */
    Answer getNow(final String host, final String pathAndQuery) {
        try {
            return call(host, pathAndQuery, null);
        } catch (IOException e) {
            throw ApiError.unavailable("the instance " + host + " that owns this key did not answer ("
                    + e.getClass().getSimpleName() + ")", Duration.ofSeconds(2));
        }
    }

    /**
     * Calls a peer on this thread for an answer it may hold back for up to {@code held} (a long
     * poll): the read may take that long plus the usual timeout.
     */
    Answer getHeld(final String host, final String pathAndQuery, final String ifNoneMatch, final Duration held)
            throws IOException {
        return call(host, pathAndQuery, ifNoneMatch,
                (int) Math.min(Integer.MAX_VALUE, timeoutMs + Math.max(0, held.toMillis())));
    }

    private Answer call(final String host, final String pathAndQuery, final String ifNoneMatch) throws IOException {
        return call(host, pathAndQuery, ifNoneMatch, timeoutMs);
    }

    private Answer call(final String host, final String pathAndQuery, final String ifNoneMatch, final int readTimeoutMs)
            throws IOException {
        final HttpURLConnection connection = (HttpURLConnection) url(host, pathAndQuery).openConnection();
        if (tls != null) {
            ((HttpsURLConnection) connection).setSSLSocketFactory(tls);
        }
        connection.setConnectTimeout(timeoutMs);
        connection.setReadTimeout(readTimeoutMs);
        connection.setUseCaches(false);
        connection.setInstanceFollowRedirects(false);
        connection.setRequestProperty("Accept", "application/json");
        if (ifNoneMatch != null) {
            connection.setRequestProperty("If-None-Match", ifNoneMatch);
        }
        if (signer != null) {
            signer.sign("GET", pathAndQuery).forEach(connection::setRequestProperty);
        }
        final int status = connection.getResponseCode();
        // Read to the end and close, not disconnect: that returns the connection to the keep-alive cache.
        final InputStream stream = status >= 400 ? connection.getErrorStream() : connection.getInputStream();
        final byte[] body;
        if (stream == null) {
            body = new byte[0];
        } else {
            try (stream) {
                body = stream.readAllBytes();
            }
        }
        return new Answer(status, body, connection.getHeaderField(SERVED_BY), connection.getHeaderField(STALE_LAG),
                connection.getHeaderField("Retry-After"), connection.getHeaderField("ETag"),
                sliceAge(connection.getHeaderField(SLICE_AGE)));
    }

    private URL url(final String host, final String pathAndQuery) throws IOException {
        final String address = scheme + host + pathAndQuery;
        final URL known = urls.getIfPresent(address);
        if (known != null) {
            return known;
        }
        final URL url = URI.create(address).toURL();
        urls.put(address, url);
        return url;
    }

    /** The slice age a peer sent; a missing or malformed one counts as the oldest a slice may be. */
    private static long sliceAge(final String header) {
        if (header == null) {
            return 0;
        }
        try {
            return Math.max(0, Long.parseLong(header));
        } catch (NumberFormatException e) {
            return ListCache.MAX_AGE.toMillis();
        }
    }
}
