package dev.lookout.app.http;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import dev.lookout.app.query.AlertFeed;
import dev.lookout.app.query.ReadModel;
import dev.lookout.app.query.Readiness;
import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HandlerType;
import io.javalin.json.JavalinJackson;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP API (Javalin): the read model over JSON, server-sent alerts, health, metrics and the
 * OpenAPI document. Depends only on the read-model contract ({@link ReadModel}, {@link AlertFeed}).
 *
 * <p>Every answer is JSON; every error is {@code {"error":{"code":...,"message":...}}} with a 4xx
 * for bad input and unknown routes, 503 with {@code Retry-After} when no instance can answer yet,
 * and 500 only for a bug.
 */
public final class ApiServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ApiServer.class);
    /** Marks a response whose error body is written, so the 404/405 fallbacks leave it alone. */
    private static final String ANSWERED = "lookout.answered";

    /** A public route: the OpenAPI document must describe exactly these. */
    public record Route(HandlerType method, String path) {
    }

    /** Server settings. */
    public record Settings(String host, int port, Duration peerTimeout, int maxAlertStreams, Duration heartbeat) {
        public static Settings defaults(final String host, final int port) {
            return new Settings(host, port, Duration.ofSeconds(3), 100, Duration.ofSeconds(15));
        }
    }

    private final Javalin app;
    private final AlertStream alertStream;
    private final List<Route> routes;

    private ApiServer(final Settings settings, final ReadModel readModel, final AlertFeed feed,
                      final BooleanSupplier alive, final Supplier<String> metrics) {
        final Peers peers = new Peers(settings.peerTimeout());
        final ReadRoutes reads = new ReadRoutes(readModel, peers);
        final ListRoutes lists = new ListRoutes(readModel, peers, settings.peerTimeout());
        this.alertStream = new AlertStream(feed, settings.maxAlertStreams(), settings.heartbeat());
        final Map<Route, Handler> table = new LinkedHashMap<>();
        // Static segments first: "recent" is not a user id.
        table.put(get("/api/users/recent"), lists::recentRegistrations);
        table.put(get("/api/users/{userId}"), reads::user);
        table.put(get("/api/users"), ctx -> {
            final String email = ctx.queryParam("email");
            if (email != null) {
                reads.userByEmail(ctx, email);
            } else {
                lists.users(ctx);
            }
        });
        table.put(get("/api/users/{userId}/alerts"), reads::alertsOfUser);
        table.put(get("/api/posts/{postId}"), reads::post);
        table.put(get("/api/alerts/stream"), alertStream);
        table.put(get("/api/alerts"), lists::alerts);
        table.put(get("/health/live"), ctx -> health(ctx, alive.getAsBoolean(), alive.getAsBoolean() ? "alive" : "failed"));
        table.put(get("/health/ready"), ctx -> {
            final Readiness readiness = readModel.readiness();
            health(ctx, readiness.ready(), readiness.state());
        });
        table.put(get("/metrics"), ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(metrics.get()));
        table.put(get("/openapi.json"), ApiServer::openApi);
        this.routes = List.copyOf(table.keySet());

        final Map<Route, Handler> internal = new LinkedHashMap<>();
        internal.put(get("/internal/users/{userId}"), reads::internalUser);
        internal.put(get("/internal/users/{userId}/alerts"), reads::internalAlertsOfUser);
        internal.put(get("/internal/emails/{email}"), reads::internalEmail);
        internal.put(get("/internal/posts/{postId}"), reads::internalPost);
        internal.put(get("/internal/slices/users"), lists::internalUsers);
        internal.put(get("/internal/slices/recent-registrations"), lists::internalRecentRegistrations);
        internal.put(get("/internal/slices/alerts"), lists::internalAlerts);

        this.app = Javalin.create(config -> configure(config, table, internal)).start(settings.host(), settings.port());
        LOG.info("HTTP API listening on {}:{}", settings.host(), app.port());
    }

    /** Starts the API; port 0 picks a free port. */
    public static ApiServer start(final Settings settings, final ReadModel readModel, final AlertFeed feed,
                                  final BooleanSupplier alive, final Supplier<String> metrics) {
        return new ApiServer(settings, readModel, feed, alive, metrics);
    }

    public int port() {
        return app.port();
    }

    /** The public routes, in the order they are matched. */
    public List<Route> routes() {
        return routes;
    }

    @Override
    public void close() {
        alertStream.close();
        app.stop();
    }

    private static Route get(final String path) {
        return new Route(HandlerType.GET, path);
    }

    private static void configure(final JavalinConfig config, final Map<Route, Handler> table,
                                  final Map<Route, Handler> internal) {
        config.startup.showJavalinBanner = false;
        config.http.prefer405over404 = true;
        config.http.defaultContentType = "application/json";
        config.jsonMapper(new JavalinJackson(Json.MAPPER, false));
        table.forEach((route, handler) -> config.routes.addHttpHandler(route.method(), route.path(), handler));
        internal.forEach((route, handler) -> config.routes.addHttpHandler(route.method(), route.path(), handler));
        config.routes.exception(ApiError.class, (error, ctx) -> {
            if (error.retryAfter() != null) {
                ctx.header("Retry-After", Long.toString(Math.max(1, error.retryAfter().toSeconds())));
            }
            error(ctx, error.status(), error.code(), error.getMessage());
        });
        config.routes.exception(Exception.class, (error, ctx) -> {
            LOG.error("Unexpected error answering {} {}", ctx.method(), ctx.path(), error);
            error(ctx, 500, "internal", "internal error; it has been logged");
        });
        config.routes.error(404, ctx -> {
            if (ctx.attribute(ANSWERED) == null) {
                error(ctx, 404, "not_found", "no route for " + ctx.method() + " " + ctx.path());
            }
        });
        config.routes.error(405, ctx -> {
            if (ctx.attribute(ANSWERED) == null) {
                error(ctx, 405, "method_not_allowed", ctx.method() + " is not allowed on " + ctx.path());
            }
        });
    }

    private static void error(final Context ctx, final int status, final String code, final String message) {
        ctx.attribute(ANSWERED, true);
        ctx.status(status).json(Json.error(code, message));
    }

    private static void health(final Context ctx, final boolean up, final String state) {
        if (!up) {
            ctx.header("Retry-After", "5");
        }
        ctx.status(up ? 200 : 503).json(Map.of("status", up ? "UP" : "DOWN", "state", state));
    }

    private static void openApi(final Context ctx) throws IOException {
        try (InputStream document = ApiServer.class.getResourceAsStream("/openapi.json")) {
            if (document == null) {
                throw new IllegalStateException("openapi.json is missing from the classpath");
            }
            ctx.contentType("application/json").result(document.readAllBytes());
        }
    }
}
