package dev.lookout.app.http;

import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import dev.lookout.app.logging.Masking;
import dev.lookout.app.query.AlertFeed;
import dev.lookout.app.query.DeadLetterAdmin;
import dev.lookout.app.query.ReadModel;
import dev.lookout.app.query.Readiness;
import dev.lookout.app.security.Scope;
import dev.lookout.app.security.Security;
import dev.lookout.app.security.Tls;
import dev.lookout.app.security.Limits;
import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HandlerType;
import io.javalin.http.staticfiles.Location;
import io.javalin.json.JavalinJackson;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP API (Javalin): the read model over JSON, server-sent alerts, health, metrics and the
 * OpenAPI document. Depends only on the read-model contract ({@link ReadModel}, {@link AlertFeed}).
 *
 * <p>Every answer is JSON; every error is {@code {"error":{"code":...,"message":...}}} with a 4xx
 * for bad input and unknown routes, 503 with {@code Retry-After} when no instance can answer yet,
 * and 500 only for a bug.
 *
 * <p>Security ({@link Security}, {@link Limits}, {@link Tls}): API keys with scopes on
 * {@code /api}, signed calls between instances on {@code /internal}, HTTPS, bounded URLs, headers,
 * idle time, request rates and streams, and {@code nosniff} and {@code no-store} on every answer.
 */
public final class ApiServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ApiServer.class);
    /** Marks a response whose error body is written, so the 404/405 fallbacks leave it alone. */
    private static final String ANSWERED = "lookout.answered";
    /**
     * On every answer. The console loads its scripts, styles and data from this origin only, runs
     * no inline script and cannot be framed.
     */
    static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; "
            + "img-src 'self' data:; font-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; "
            + "frame-ancestors 'none'";

    /**
     * A public route: the OpenAPI document must describe exactly these.
     *
     * @param scope what an API key needs to call it, or null for an open route
     */
    public record Route(HandlerType method, String path, Scope scope) {
    }

    /**
     * Server settings.
     *
     * @param tls HTTPS for this server and for calls to other instances, or null for plain HTTP
     */
    public record Settings(String host, int port, Duration peerTimeout, int maxAlertStreams, Security security,
                           Limits limits, Tls tls, RequestObserver observer) {
        /** Plain HTTP, no authentication, default limits, requests not observed. */
        public static Settings defaults(final String host, final int port) {
            return new Settings(host, port, Duration.ofSeconds(3), 100, Security.open(), Limits.defaults(), null,
                    RequestObserver.NONE);
        }

        public Settings withSecurity(final Security value) {
            return new Settings(host, port, peerTimeout, maxAlertStreams, value, limits, tls, observer);
        }

        public Settings withLimits(final Limits value) {
            return new Settings(host, port, peerTimeout, maxAlertStreams, security, value, tls, observer);
        }

        public Settings withTls(final Tls value) {
            return new Settings(host, port, peerTimeout, maxAlertStreams, security, limits, value, observer);
        }

        public Settings withPeerTimeout(final Duration value) {
            return new Settings(host, port, value, maxAlertStreams, security, limits, tls, observer);
        }

        public Settings withMaxAlertStreams(final int value) {
            return new Settings(host, port, peerTimeout, value, security, limits, tls, observer);
        }

        public Settings withObserver(final RequestObserver value) {
            return new Settings(host, port, peerTimeout, maxAlertStreams, security, limits, tls, value);
        }
    }

    /** Told of every answered request, e.g. to time it in the metrics. */
    @FunctionalInterface
    public interface RequestObserver {
        RequestObserver NONE = (method, route, status, millis) -> { };

        /**
         * @param route the matched route's template ({@code /api/users/{userId}}), {@code static}
         *              for the console's files, or {@code unmatched}: never the raw path, so the
         *              number of distinct values stays small
         */
        void answered(String method, String route, int status, double millis);
    }

    private final Javalin app;
    private final AlertStream alertStream;
    private final ListRoutes lists;
    private final List<Route> routes;

    private ApiServer(final Settings settings, final ReadModel readModel, final AlertFeed feed,
                      final DeadLetterAdmin deadLetters, final BooleanSupplier alive,
                      final Supplier<String> metrics) {
        final Security security = settings.security();
        final PeerAuth peerAuth = security.internalSecret() == null ? null
                : new PeerAuth(security.internalSecret(), Clock.systemUTC());
        final Peers peers = new Peers(settings.peerTimeout(), settings.tls(), peerAuth);
        final ReadRoutes reads = new ReadRoutes(readModel, peers);
        final Limits limits = settings.limits();
        // A held watch must answer well before the connection counts as silent.
        this.lists = new ListRoutes(readModel, peers, settings.peerTimeout(), limits.requestTimeout().dividedBy(2));
        final DeadLetterRoutes dead = new DeadLetterRoutes(deadLetters, security.authRequired());
        this.alertStream = new AlertStream(feed, settings.maxAlertStreams(), limits.alertStreamsPerCaller(),
                limits.heartbeat());
        final Access access = new Access(security, peerAuth, new RateLimiter(limits.requestsPerSecond()));
        final Map<Route, Handler> table = new LinkedHashMap<>();
        // Static segments first: "recent" is not a user id.
        table.put(get("/api/users/recent", Scope.READ_USERS), lists::recentRegistrations);
        table.put(get("/api/users/{userId}", Scope.READ_USERS), reads::user);
        table.put(get("/api/users", Scope.READ_USERS), ctx -> {
            final String email = ctx.queryParam("email");
            if (email != null) {
                reads.userByEmail(ctx, email);
            } else {
                lists.users(ctx);
            }
        });
        table.put(get("/api/users/{userId}/alerts", Scope.READ_ALERTS), reads::alertsOfUser);
        table.put(get("/api/users/{userId}/events", Scope.READ_USERS), reads::userEvents);
        table.put(get("/api/posts/{postId}", Scope.READ_USERS), reads::post);
        table.put(get("/api/alerts/stream", Scope.READ_ALERTS), alertStream);
        table.put(get("/api/alerts", Scope.READ_ALERTS), lists::alerts);
        table.put(get("/api/topology", Scope.READ_ALERTS), ctx -> ctx.json(readModel.topology()));
        table.put(get("/api/status", Scope.READ_ALERTS), lists::status);
        table.put(get("/api/dead-letters", Scope.ADMIN_DEAD_LETTERS), dead::list);
        table.put(new Route(HandlerType.POST, "/api/dead-letters/redrive", Scope.ADMIN_DEAD_LETTERS), dead::redrive);
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
        internal.put(get("/internal/users/{userId}/events"), reads::internalUserEvents);
        internal.put(get("/internal/emails/{email}"), reads::internalEmail);
        internal.put(get("/internal/posts/{postId}"), reads::internalPost);
        internal.put(get("/internal/slices/users"), lists::internalUsers);
        internal.put(get("/internal/slices/recent-registrations"), lists::internalRecentRegistrations);
        internal.put(get("/internal/slices/alerts"), lists::internalAlerts);
        internal.put(get(PeerWatches.PATH), lists::internalVersion);
        internal.put(get("/internal/status"), lists::internalStatus);

        this.app = Javalin.create(config -> {
            config.requestLogger.http((ctx, millis) -> settings.observer().answered(ctx.method().name(),
                    routeOf(ctx), ctx.statusCode(), millis));
            jetty(config, settings);
            guard(config, settings, access);
            routes(config, table, internal);
        }).start();
        LOG.info("HTTP API listening on {}://{}:{} ({})", settings.tls() == null ? "http" : "https", settings.host(),
                app.port(), security.authRequired() ? "API keys required" : "NO AUTHENTICATION");
    }

    /** Starts the API; port 0 picks a free port. */
    public static ApiServer start(final Settings settings, final ReadModel readModel, final AlertFeed feed,
                                  final DeadLetterAdmin deadLetters, final BooleanSupplier alive,
                                  final Supplier<String> metrics) {
        return new ApiServer(settings, readModel, feed, deadLetters, alive, metrics);
    }

    /** Starts the API without the dead-letter routes' backend: they answer 404. */
    public static ApiServer start(final Settings settings, final ReadModel readModel, final AlertFeed feed,
                                  final BooleanSupplier alive, final Supplier<String> metrics) {
        return new ApiServer(settings, readModel, feed, null, alive, metrics);
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
        lists.close();
        app.stop();
    }

    private static Route get(final String path) {
        return new Route(HandlerType.GET, path, null);
    }

    private static Route get(final String path, final Scope scope) {
        return new Route(HandlerType.GET, path, scope);
    }

    /** One connector, HTTP or HTTPS, with the header limit and the request timeout; errors as JSON. */
    private static void jetty(final JavalinConfig config, final Settings settings) {
        final Limits limits = settings.limits();
        config.jetty.modifyServer(server -> server.setErrorHandler(new JsonErrorHandler()));
        config.jetty.modifyHttpConfiguration(http -> {
            http.setRequestHeaderSize(limits.maxHeaderBytes());
            http.setSendServerVersion(false);
            http.setIdleTimeout(limits.requestTimeout().toMillis());
        });
        // A connector of our own: Javalin then adds none, and host and port are set here.
        config.jetty.addConnector((server, http) -> {
            final ServerConnector connector = settings.tls() == null
                    ? new ServerConnector(server, new HttpConnectionFactory(http))
                    : httpsConnector(settings.tls(), server, http);
            connector.setHost(settings.host());
            connector.setPort(settings.port());
            connector.setIdleTimeout(limits.requestTimeout().toMillis());
            return connector;
        });
    }

    /** The HTTPS connector of the server; limits set on {@code http} apply to it too. */
    private static ServerConnector httpsConnector(final Tls tls, final Server server, final HttpConfiguration http) {
        final SslContextFactory.Server ssl = new SslContextFactory.Server();
        ssl.setKeyStorePath(tls.keyStore().toString());
        ssl.setKeyStoreType("PKCS12");
        ssl.setKeyStorePassword(tls.keyStorePassword());
        final HttpConfiguration https = new HttpConfiguration(http);
        https.setSecureScheme("https");
        final SecureRequestCustomizer secure = new SecureRequestCustomizer();
        // Whether the client used a name the certificate covers is the client's check; with the
        // server-side check on, a request by an address the certificate lacks gets a 400.
        secure.setSniHostCheck(false);
        https.addCustomizer(secure);
        return new ServerConnector(server, new SslConnectionFactory(ssl, HttpVersion.HTTP_1_1.asString()),
                new HttpConnectionFactory(https));
    }

    /** What runs before every route: security headers, size limits, the credential, the scope; CORS. */
    private static void guard(final JavalinConfig config, final Settings settings, final Access access) {
        final Limits limits = settings.limits();
        final List<String> origins = settings.security().corsOrigins();
        if (!origins.isEmpty()) {
            config.bundledPlugins.enableCors(cors -> cors.addRule(rule -> {
                rule.path = "/api/*";
                rule.allowHost(origins.get(0), origins.subList(1, origins.size()).toArray(String[]::new));
                rule.exposeHeader("Retry-After");
                rule.exposeHeader(Peers.SERVED_BY);
                rule.exposeHeader(Peers.STALE_LAG);
            }));
        }
        config.routes.before(ctx -> {
            ctx.header("X-Content-Type-Options", "nosniff");
            ctx.header("Content-Security-Policy", CONTENT_SECURITY_POLICY);
            ctx.header("Referrer-Policy", "no-referrer");
            if (!ctx.path().startsWith("/health/")) {
                ctx.header("Cache-Control", "no-store"); // static files set their own (see routes())
            }
            final String query = ctx.queryString();
            final int length = ctx.req().getRequestURI().length() + (query == null ? 0 : query.length() + 1);
            if (length > limits.maxUrlLength()) {
                throw ApiError.uriTooLong("the URL is " + length + " characters; the limit is " + limits.maxUrlLength());
            }
            if (query != null && query.length() > limits.maxQueryLength()) {
                throw ApiError.uriTooLong("the query is " + query.length() + " characters; the limit is "
                        + limits.maxQueryLength());
            }
        });
        config.routes.before(access::authenticate);
        config.routes.beforeMatched(access::authorize);
    }

    private static void routes(final JavalinConfig config, final Map<Route, Handler> table,
                               final Map<Route, Handler> internal) {
        config.startup.showJavalinBanner = false;
        config.http.prefer405over404 = true;
        config.http.defaultContentType = "application/json";
        config.jsonMapper(new JavalinJackson(Json.MAPPER, false));
        // The console (index.html at "/", scripts and styles under /console/) and the libraries
        // it uses, from WebJars under /webjars/.
        config.staticFiles.add(files -> {
            files.hostedPath = "/console";
            files.directory = "/console";
            files.location = Location.CLASSPATH;
            files.headers = Map.of("Cache-Control", "no-store");
        });
        config.staticFiles.add(files -> {
            files.hostedPath = "/webjars";
            files.directory = "META-INF/resources/webjars";
            files.location = Location.CLASSPATH;
            // Versioned paths (/webjars/<name>/<version>/...): a file never changes under its URL.
            files.headers = Map.of("Cache-Control", "public, max-age=31536000, immutable");
        });
        table.forEach((route, handler) -> {
            if (route.scope() == null) {
                config.routes.addHttpHandler(route.method(), route.path(), handler);
            } else {
                config.routes.addHttpHandler(route.method(), route.path(), handler, new Access.Needs(route.scope()));
            }
        });
        internal.forEach((route, handler) -> config.routes.addHttpHandler(route.method(), route.path(), handler));
        final byte[] page = consolePage();
        config.routes.addHttpHandler(HandlerType.GET, "/", ctx -> ctx.contentType("text/html; charset=utf-8").result(page));
        config.routes.exception(ApiError.class, (error, ctx) -> {
            if (error.retryAfter() != null) {
                // Whole seconds, rounded up: a client that waits this long is not refused again.
                final long millis = error.retryAfter().toMillis();
                ctx.header("Retry-After", Long.toString(Math.max(1, (millis + 999) / 1000)));
            }
            error.headers().forEach(ctx::header);
            error(ctx, error.status(), error.code(), error.getMessage());
        });
        config.routes.exception(Exception.class, (error, ctx) -> {
            LOG.error("Unexpected error answering {} {}", ctx.method(), Masking.mask(ctx.path()), error);
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

    private static String routeOf(final Context ctx) {
        final io.javalin.router.Endpoint endpoint = ctx.endpoints().lastHttpEndpoint();
        if (endpoint != null) {
            return endpoint.path;
        }
        final String path = ctx.path();
        return path.startsWith("/console/") || path.startsWith("/webjars/") ? "static" : "unmatched";
    }

    /** The console's page, read once: it is part of the jar. */
    private static byte[] consolePage() {
        try (InputStream page = ApiServer.class.getResourceAsStream("/console/index.html")) {
            if (page == null) {
                throw new IllegalStateException("console/index.html is missing from the classpath");
            }
            return page.readAllBytes();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
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
