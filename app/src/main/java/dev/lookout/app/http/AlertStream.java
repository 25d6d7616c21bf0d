package dev.lookout.app.http;

import java.io.ByteArrayInputStream;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.core.JsonProcessingException;

import dev.lookout.app.query.AlertFeed;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.sse.Emitter;

/**
 * {@code GET /api/alerts/stream}: server-sent events of new alerts. Each event is named
 * {@code alert}, carries the alert as JSON, and has an id from which a client resumes with the
 * {@code Last-Event-ID} header (browsers send it when they reconnect). A comment line every 15 s
 * keeps proxies from closing an idle stream. The number of open streams is bounded, in all and
 * per caller (API key).
 *
 * <p>Written on Javalin's SSE {@link Emitter} rather than its {@code SseHandler}, which streams
 * only when the request's {@code Accept} names {@code text/event-stream}; here {@code curl -N}
 * with its default {@code Accept: *}{@code /*} works too.
 */
final class AlertStream implements Handler, AutoCloseable {

    private final AlertFeed feed;
    private final int maxClients;
    private final int maxPerCaller;
    private final Map<String, AtomicInteger> perCaller = new ConcurrentHashMap<>();
    private final Set<Stream> streams = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService heartbeat = Executors.newSingleThreadScheduledExecutor(runnable -> {
        final Thread thread = new Thread(runnable, "sse-heartbeat");
        thread.setDaemon(true);
        return thread;
    });

    AlertStream(final AlertFeed feed, final int maxClients, final int maxPerCaller, final Duration heartbeatEvery) {
        this.feed = feed;
        this.maxClients = maxClients;
        this.maxPerCaller = maxPerCaller;
        heartbeat.scheduleAtFixedRate(() -> streams.forEach(stream -> stream.comment("keep-alive")),
                heartbeatEvery.toMillis(), heartbeatEvery.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void handle(final Context ctx) {
        final String accept = ctx.header("Accept");
        if (accept != null && !(accept.contains("text/event-stream") || accept.contains("*/*")
                || accept.contains("text/*"))) {
            throw ApiError.notAcceptable("this route streams text/event-stream");
        }
        final String position = ctx.header("Last-Event-ID");
        if (position != null) {
            try {
                feed.checkPosition(position);
            } catch (IllegalArgumentException e) {
                throw ApiError.badRequest("Last-Event-ID is not an id this stream sent: " + e.getMessage());
            }
        }
        if (streams.size() >= maxClients) {
            throw ApiError.unavailable("too many open alert streams (" + maxClients + ")", Duration.ofSeconds(5));
        }
        final String caller = Access.caller(ctx);
        final AtomicInteger open = perCaller.computeIfAbsent(caller, ignored -> new AtomicInteger());
        if (open.incrementAndGet() > maxPerCaller) {
            open.decrementAndGet();
            throw ApiError.tooManyRequests("this caller already has " + maxPerCaller + " open alert streams",
                    Duration.ofSeconds(5));
        }
        ctx.status(200).contentType("text/event-stream; charset=utf-8")
                .header("Cache-Control", "no-store")
                .header("X-Accel-Buffering", "no");
        final Stream stream = new Stream(new Emitter(ctx.res()));
        streams.add(stream);
        stream.comment("connected");
        final AlertFeed.Subscription subscription = feed.subscribe(position, delivery -> {
            try {
                stream.send("alert", Json.MAPPER.writeValueAsBytes(delivery.alert()), delivery.position());
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        });
        stream.done.whenComplete((ignored, error) -> {
            streams.remove(stream);
            open.decrementAndGet();
            subscription.close();
        });
        ctx.future(() -> stream.done);
    }

    int openStreams() {
        return streams.size();
    }

    @Override
    public void close() {
        heartbeat.shutdownNow();
        streams.forEach(stream -> stream.done.complete(null));
    }

    /** One open stream; done when the client goes away or the server closes. */
    private static final class Stream {
        private final Emitter emitter;
        private final CompletableFuture<Void> done = new CompletableFuture<>();

        Stream(final Emitter emitter) {
            this.emitter = emitter;
        }

        void send(final String event, final byte[] json, final String id) {
            emitter.emit(event, new ByteArrayInputStream(json), id);
            closeIfGone();
        }

        void comment(final String text) {
            emitter.emit(text);
            closeIfGone();
        }

        private void closeIfGone() {
            if (emitter.getClosed()) {
                done.complete(null);
            }
        }
    }
}
