package dev.lookout.app.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import javax.net.ssl.SSLHandshakeException;

import com.fasterxml.jackson.databind.JsonNode;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.lookout.app.query.PostDto;
import dev.lookout.app.testing.TestCertificates;
import dev.lookout.app.security.ApiKey;
import dev.lookout.app.security.Scope;
import dev.lookout.app.security.Security;
import dev.lookout.app.security.Tls;
import dev.lookout.app.security.Limits;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Each security rule of the API, allowed and refused, with its status code and without a leak in
 * the body or the log: API keys and scopes, signed calls between instances, limits, headers,
 * CORS and TLS. Two real servers over fake read models; forwarding goes over HTTP(S) between them.
 */
@Timeout(60)
class ApiSecurityTest {

    private static final Instant NOW = Instant.parse("2026-11-20T10:00:00Z");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final String SECRET = "the-secret-every-instance-shares-0123456789";
    private static final String READER = "lk_reader-token-0123456789abcdefghijklmnopqrstuvwxyz";
    private static final String WATCHER = "lk_watcher-token-0123456789abcdefghijklmnopqrstuvwxy";
    private static final String BOTH = "lk_both-token-0123456789abcdefghijklmnopqrstuvwxyzAB";
    private static final String ADMIN = "lk_admin-token-0123456789abcdefghijklmnopqrstuvwxyzA";
    private static final List<ApiKey> KEYS = List.of(
            key("reader", READER, Scope.READ_USERS),
            key("watcher", WATCHER, Scope.READ_ALERTS),
            key("both", BOTH, Scope.READ_USERS, Scope.READ_ALERTS),
            key("admin", ADMIN, Scope.ADMIN_DEAD_LETTERS));

    private final FakeReadModel modelA = new FakeReadModel();
    private final FakeReadModel modelB = new FakeReadModel();
    private final FakeAlertFeed feed = new FakeAlertFeed();
    private final FakeDeadLetters deadLetters = new FakeDeadLetters();
    private final List<ApiServer> servers = new ArrayList<>();
    private final ListAppender<ILoggingEvent> log = new ListAppender<>();
    private final Logger accessLogger = (Logger) LoggerFactory.getLogger(Access.class);
    private final List<String> answeredByB = new CopyOnWriteArrayList<>();
    private ApiServer a;
    private ApiServer b;

    private static ApiKey key(final String id, final String token, final Scope... scopes) {
        return new ApiKey(id, ApiKey.hash(token), EnumSet.copyOf(List.of(scopes)));
    }

    private static ApiServer.Settings secured(final Limits limits) {
        return ApiServer.Settings.defaults("localhost", 0).withPeerTimeout(Duration.ofSeconds(2))
                .withSecurity(Security.keys(KEYS, SECRET)).withLimits(limits);
    }

    private static Limits limits(final int perSecond, final int streamsPerKey) {
        return new Limits(2048, 1024, 8192, Duration.ofSeconds(4), perSecond, streamsPerKey);
    }

    @BeforeEach
    void start() {
        log.start();
        accessLogger.addAppender(log);
        b = start(secured(limits(1000, 5))
                .withObserver((method, route, status, millis) -> answeredByB.add(route + " " + status)), modelB);
        a = start(secured(limits(1000, 1)), modelA);
        link(a, modelA, b, modelB);
        modelA.users.put("u-1", FakeReadModel.user("u-1", NOW));
        modelA.emails.put("ada@example.com", "u-1");
        modelA.posts.put("p-1", new PostDto("p-1", "u-1", "Hello", NOW, 0, NOW));
        modelA.alerts.put("u-1", List.of(FakeReadModel.alert("al-1", "u-1", NOW)));
    }

    @AfterEach
    void stop() {
        accessLogger.detachAppender(log);
        servers.forEach(ApiServer::close);
    }

    private ApiServer start(final ApiServer.Settings settings, final FakeReadModel model) {
        final ApiServer server = ApiServer.start(settings, model, feed, deadLetters, () -> true,
                () -> "lookout_up 1.0\n");
        servers.add(server);
        return server;
    }

    private static void link(final ApiServer first, final FakeReadModel firstModel, final ApiServer second,
                             final FakeReadModel secondModel) {
        firstModel.self = "localhost:" + first.port();
        secondModel.self = "localhost:" + second.port();
        for (final FakeReadModel model : List.of(firstModel, secondModel)) {
            model.instances.clear();
            model.instances.addAll(List.of(firstModel.self, secondModel.self));
        }
        firstModel.partitions = Set.of(0, 1, 2);
        secondModel.partitions = Set.of(3, 4, 5);
    }

    // ---- API keys and scopes ----------------------------------------------------------------

    @Test
    void refusesAMissingOrUnknownKeyWith401AndTheSameBody() {
        final HttpResponse<String> missing = get(a, "/api/users/u-1");
        final HttpResponse<String> unknown = get(a, "/api/users/u-1", "Authorization", "Bearer lk_not-a-key");
        final HttpResponse<String> malformed = get(a, "/api/users/u-1", "Authorization", "Basic dXNlcjpwYXNz");

        for (final HttpResponse<String> response : List.of(missing, unknown, malformed)) {
            assertError(response, 401, "unauthorized");
            assertThat(response.headers().firstValue("WWW-Authenticate")).contains("Bearer realm=\"lookout\"");
        }
        assertThat(unknown.body()).as("the answer does not say whether a key exists").isEqualTo(missing.body())
                .isEqualTo(malformed.body());
        assertThat(log.list).extracting(ILoggingEvent::getFormattedMessage)
                .anySatisfy(line -> assertThat(line).contains("a credential that matches no key"))
                .allSatisfy(line -> assertThat(line).doesNotContain("lk_not-a-key").doesNotContain("dXNlcjpwYXNz"));
    }

    @Test
    void servesEveryRouteOnlyToAKeyWithItsScope() {
        for (final ApiServer.Route route : a.routes()) {
            if (route.scope() == null || route.path().endsWith("/stream")
                    || route.method() != io.javalin.http.HandlerType.GET) {
                continue;
            }
            final String path = route.path().replace("{userId}", "u-1").replace("{postId}", "p-1");
            final String allowed = switch (route.scope()) {
                case READ_USERS -> READER;
                case READ_ALERTS -> WATCHER;
                case ADMIN_DEAD_LETTERS -> ADMIN;
            };
            final String refused = route.scope() == Scope.ADMIN_DEAD_LETTERS ? BOTH
                    : route.scope() == Scope.READ_USERS ? WATCHER : READER;

            assertThat(bearer(a, path, allowed).statusCode()).as(path).isEqualTo(200);
            if (route.scope() != Scope.ADMIN_DEAD_LETTERS) {
                assertThat(bearer(a, path, BOTH).statusCode()).as(path).isEqualTo(200);
            }
            final HttpResponse<String> forbidden = bearer(a, path, refused);
            assertError(forbidden, 403, "forbidden");
            assertThat(forbidden.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(header -> assertThat(header)
                    .contains("insufficient_scope").contains(route.scope().label()));
            assertThat(forbidden.body()).doesNotContain("Ada").doesNotContain("ada@example.com");
        }
        assertThat(bearer(a, "/api/users?email=ada@example.com", READER).statusCode()).isEqualTo(200);
        assertError(bearer(a, "/api/users?email=ada@example.com", WATCHER), 403, "forbidden");
        assertThat(log.list).extracting(ILoggingEvent::getFormattedMessage)
                .anySatisfy(line -> assertThat(line).contains("missing scope read:users").contains("(key watcher)")
                        .contains("a***@example.com"))
                .allSatisfy(line -> assertThat(line).doesNotContain("ada@example.com").doesNotContain(WATCHER));
    }

    @Test
    void reDrivesOnlyForAKeyWithTheAdminScopeAndLogsTheKey() {
        deadLetters.letters.add(FakeDeadLetters.letter("lookout.dlq/0/4", "orphan", NOW));
        final ListAppender<ILoggingEvent> routes = new ListAppender<>();
        routes.start();
        final Logger routeLogger = (Logger) LoggerFactory.getLogger(DeadLetterRoutes.class);
        final ch.qos.logback.classic.Level level = routeLogger.getLevel();
        routeLogger.setLevel(ch.qos.logback.classic.Level.INFO);
        routeLogger.addAppender(routes);
        try {
            assertError(post(a, "/api/dead-letters/redrive", "{\"reason\":\"orphan\"}", BOTH), 403, "forbidden");
            assertThat(deadLetters.calls).isEmpty();

            final HttpResponse<String> sent = post(a, "/api/dead-letters/redrive",
                    "{\"reason\":\"orphan\",\"dryRun\":true,\"limit\":10}", ADMIN);

            assertThat(sent.statusCode()).as(sent.body()).isEqualTo(200);
            assertThat(sent.body()).contains("\"deadLetter\":\"lookout.dlq/0/4\"").contains("\"dryRun\":true");
            assertThat(deadLetters.calls).singleElement().asString().contains("reason=orphan")
                    .contains("10 force=false dryRun=true");
            assertThat(routes.list).extracting(ILoggingEvent::getFormattedMessage)
                    .anySatisfy(line -> assertThat(line).contains("Re-drive by key admin"))
                    .allSatisfy(line -> assertThat(line).doesNotContain(ADMIN));
        } finally {
            routeLogger.detachAppender(routes);
            routeLogger.setLevel(level);
        }
    }

    @Test
    void refusesABadReDriveRequestWith400AndWritesNothing() {
        for (final String body : List.of("", "[]", "null", "not json", "{\"reasn\":\"orphan\"}", "{\"limit\":0}",
                "{\"limit\":10001}", "{\"from\":\"yesterday\"}", "{\"force\":\"maybe\"}")) {
            final HttpResponse<String> refused = post(a, "/api/dead-letters/redrive", body, ADMIN);
            assertError(refused, 400, "bad_request");
        }
        assertThat(deadLetters.calls).isEmpty();
    }

    private static HttpResponse<String> post(final ApiServer server, final String path, final String body,
                                             final String token) {
        try {
            final HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + server.port() + path))
                    .POST(HttpRequest.BodyPublishers.ofString(body)).header("Content-Type", "application/json")
                    .header("Authorization", "Bearer " + token).build();
            return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new AssertionError(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    @Test
    void theOpenApiDocumentNamesEachRoutesScope() throws IOException {
        final JsonNode paths = json(get(a, "/openapi.json")).get("paths");
        for (final ApiServer.Route route : a.routes()) {
            final JsonNode operation = paths.path(route.path()).path(route.method().name().toLowerCase());
            assertThat(operation.path("x-lookout-scope").asText(null)).as(route.path())
                    .isEqualTo(route.scope() == null ? null : route.scope().label());
            assertThat(operation.path("responses").has("401")).as(route.path()).isEqualTo(route.scope() != null);
        }
    }

    @Test
    void acceptsTheKeyInXApiKeyAndBearerInAnyCase() {
        assertThat(get(a, "/api/users/u-1", "X-API-Key", READER).statusCode()).isEqualTo(200);
        assertThat(get(a, "/api/users/u-1", "Authorization", "bearer " + READER).statusCode()).isEqualTo(200);
    }

    @Test
    void deniesByDefaultWhatNoRouteCovers() {
        assertError(send(a, "HEAD", "/api/users/u-1", Map.of()), 401, null);
        assertError(get(a, "//api/users/u-1"), 401, "unauthorized");
        assertError(get(a, "/api/nothing-here"), 401, "unauthorized");
        assertError(get(a, "/consoles"), 401, "unauthorized");
        assertError(get(a, "/console"), 401, "unauthorized");
        assertError(get(a, "/webjarsx/uplot"), 401, "unauthorized");
        assertThat(get(a, "/health/../api/users/u-1").statusCode()).isIn(400, 401, 404);
        assertError(bearer(a, "/api/nothing-here", READER), 404, "not_found");
    }

    @Test
    void leavesTheProbesOpenAndMetricsAndOpenApiAsConfigured() {
        assertThat(get(a, "/health/live").statusCode()).isEqualTo(200);
        assertThat(get(a, "/health/ready").statusCode()).isEqualTo(200);
        assertThat(get(a, "/metrics").statusCode()).isEqualTo(200);
        assertThat(get(a, "/openapi.json").statusCode()).isEqualTo(200);

        final ApiServer guarded = start(secured(limits(1000, 5)).withSecurity(Security.keys(KEYS, SECRET)
                .withProtectedMetricsAndOpenApi(true, true)), new FakeReadModel());
        assertThat(get(guarded, "/health/ready").statusCode()).isEqualTo(200);
        assertError(get(guarded, "/metrics"), 401, "unauthorized");
        assertError(get(guarded, "/openapi.json"), 401, "unauthorized");
        assertThat(bearer(guarded, "/metrics", WATCHER).body()).contains("lookout_up");
        assertThat(bearer(guarded, "/openapi.json", READER).statusCode()).isEqualTo(200);
    }

    @Test
    void servesTheConsoleWithoutAKeyAndItsDataOnlyWithOne() throws IOException {
        final HttpResponse<String> page = get(a, "/");

        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/html");
        assertThat(page.headers().firstValue("Content-Security-Policy").orElseThrow())
                .contains("default-src 'none'", "script-src 'self'", "frame-ancestors 'none'").doesNotContain("unsafe");
        assertThat(Pattern.compile("<script(?![^>]*\\bsrc=)").matcher(page.body()).find())
                .as("an inline script").isFalse();
        final List<String> assets = new ArrayList<>();
        Pattern.compile("(?:href|src)=\"(/[^\"]+)\"").matcher(page.body()).results().forEach(m -> assets.add(m.group(1)));
        for (final String script : List.of("app", "api", "dom", "format", "alerts", "user", "topology", "health",
                "dead-letters")) {
            final HttpResponse<String> js = get(a, "/console/js/" + script + ".js");
            assertThat(js.statusCode()).as(script).isEqualTo(200);
            Pattern.compile("from '(/webjars/[^']+)'").matcher(js.body()).results().forEach(m -> assets.add(m.group(1)));
        }
        assertThat(assets).anyMatch(asset -> asset.startsWith("/webjars/uplot/")).anyMatch(asset -> asset.contains("pico"));
        for (final String asset : assets) {
            final HttpResponse<String> file = get(a, asset);
            assertThat(file.statusCode()).as(asset).isEqualTo(200);
            assertThat(file.headers().firstValue("Cache-Control").orElseThrow()).as(asset)
                    .isEqualTo(asset.startsWith("/webjars/") ? "public, max-age=31536000, immutable" : "no-store");
        }

        assertError(get(a, "/api/status"), 401, "unauthorized");
        assertError(get(a, "/api/topology"), 401, "unauthorized");
        assertThat(bearer(a, "/api/status", WATCHER).statusCode()).isEqualTo(200);
        for (final String sneaky : List.of("/console/../api/users/u-1", "/webjars/%2e%2e/api/users/u-1",
                "/console/..%2Fapi/users/u-1", "/console/%2e%2e/%2e%2e/api/users/u-1")) {
            assertThat(rawStatusLine(sneaky)).as(sneaky).doesNotContain(" 200");
        }
    }

    /** The status line of a GET sent as written, without a client normalising its path. */
    private String rawStatusLine(final String path) throws IOException {
        try (Socket socket = new Socket("localhost", a.port())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            final String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return answer.lines().findFirst().orElse("");
        }
    }

    // ---- Calls between instances ----------------------------------------------------------

    @Test
    void forwardsAKeyOwnedElsewhereWithASignedCall() {
        modelA.ownedElsewhere.put("u-2", modelB.self);
        modelB.users.put("u-2", FakeReadModel.user("u-2", NOW));

        final HttpResponse<String> forwarded = bearer(a, "/api/users/u-2", READER);

        assertThat(forwarded.statusCode()).isEqualTo(200);
        assertThat(forwarded.headers().firstValue("X-Lookout-Served-By")).contains(modelB.self);
        assertError(bearer(a, "/api/users/u-2", WATCHER), 403, "forbidden");
    }

    @Test
    void watchesAPeersSliceVersionWithSignedCalls() {
        modelB.users.put("u-2", FakeReadModel.user("u-2", NOW));
        final long start = System.nanoTime();
        final String first = bearer(a, "/api/users", READER).body();
        for (int i = 0; i < 10; i++) {
            assertThat(bearer(a, "/api/users", READER).body()).isEqualTo(first);
        }
        final long seconds = Duration.ofNanos(System.nanoTime() - start).toSeconds();
        modelB.users.put("u-3", FakeReadModel.user("u-3", NOW));

        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(json(bearer(a, "/api/users", READER))
                .get("items")).extracting(item -> item.get("userId").asText()).contains("u-3"));
        // B was asked for its slice once (and once more per second the pages took), then told A of its change.
        assertThat(answeredByB.stream().filter(answer -> answer.startsWith("/internal/slices/users")))
                .hasSizeBetween(2, 2 + (int) seconds);
        assertThat(log.list).noneMatch(event -> event.getFormattedMessage().contains("Refused"));
    }

    @Test
    void refusesACallToAnInternalRouteThatAnInstanceDidNotSign() {
        modelB.users.put("u-2", FakeReadModel.user("u-2", NOW));
        final String path = "/internal/users/u-2";
        final PeerAuth right = new PeerAuth(SECRET, Clock.systemUTC());

        assertError(get(b, path), 401, "unauthorized");
        assertError(bearer(b, path, BOTH), 401, "unauthorized");
        assertError(send(b, "GET", path, new PeerAuth("another-secret-of-the-same-length-0123456",
                Clock.systemUTC()).sign("GET", path)), 401, "unauthorized");
        assertError(send(b, "GET", path, new PeerAuth(SECRET, Clock.fixed(Instant.now().minusSeconds(120),
                ZoneOffset.UTC)).sign("GET", path)), 401, "unauthorized");
        assertError(send(b, "GET", path, right.sign("GET", "/internal/users/u-3")), 401, "unauthorized");
        final Map<String, String> tampered = new HashMap<>(right.sign("GET", path));
        tampered.put(PeerAuth.SIGNATURE, "not base64!");
        assertError(send(b, "GET", path, tampered), 401, "unauthorized");

        final HttpResponse<String> signed = send(b, "GET", path, right.sign("GET", path));
        assertThat(signed.statusCode()).isEqualTo(200);
        assertThat(signed.body()).contains("u-2");
    }

    @Test
    void answers502WhenInstancesDoNotShareTheSecret() {
        final FakeReadModel modelC = new FakeReadModel();
        final ApiServer c = start(secured(limits(1000, 5)).withSecurity(Security.keys(KEYS,
                "a-different-secret-for-this-instance-0123")), modelC);
        link(a, modelA, c, modelC);
        modelA.ownedElsewhere.put("u-9", modelC.self);
        modelC.users.put("u-9", FakeReadModel.user("u-9", NOW));

        final HttpResponse<String> response = bearer(a, "/api/users/u-9", READER);

        assertError(response, 502, "bad_gateway");
        assertThat(json(response).at("/error/message").asText()).contains("--internal-secret");
    }

    // ---- Limits ----------------------------------------------------------------------------

    @Test
    void limitsEachKeysRateWith429AndRetryAfter() {
        final ApiServer limited = start(secured(limits(5, 5)), modelA);
        HttpResponse<String> refused = null;
        int served = 0;
        for (int i = 0; i < 50 && refused == null; i++) {
            final HttpResponse<String> response = bearer(limited, "/api/users/u-1", READER);
            if (response.statusCode() == 429) {
                refused = response;
            } else {
                assertThat(response.statusCode()).isEqualTo(200);
                served++;
            }
        }

        assertThat(refused).as("the sixth quick request is refused").isNotNull();
        assertThat(served).isGreaterThanOrEqualTo(5);
        assertError(refused, 429, "too_many_requests");
        assertThat(refused.headers().firstValue("Retry-After")).contains("1");
        assertThat(bearer(limited, "/api/users/u-1", BOTH).statusCode()).as("another key has its own bucket")
                .isEqualTo(200);
        await().atMost(Duration.ofSeconds(5)).until(() -> bearer(limited, "/api/users/u-1", READER).statusCode() == 200);
    }

    @Test
    void limitsTheOpenAlertStreamsOfEachKey() {
        final AtomicBoolean opened = new AtomicBoolean();
        stream(a, WATCHER, opened);
        await().atMost(Duration.ofSeconds(5)).untilTrue(opened);

        final HttpResponse<String> second = bearer(a, "/api/alerts/stream", WATCHER);
        assertError(second, 429, "too_many_requests");
        assertThat(second.headers().firstValue("Retry-After")).isPresent();

        final AtomicBoolean other = new AtomicBoolean();
        stream(a, BOTH, other);
        await().atMost(Duration.ofSeconds(5)).untilTrue(other);
        assertError(bearer(a, "/api/alerts/stream", READER), 403, "forbidden");
    }

    @Test
    void boundsTheUrlTheQueryAndTheHeadersWithJsonErrors() {
        assertError(bearer(a, "/api/users/" + "x".repeat(2100), READER), 414, "uri_too_long");
        assertError(bearer(a, "/api/users?limit=5&pad=" + "x".repeat(1100), READER), 414, "uri_too_long");
        assertError(bearer(a, "/api/users/" + "x".repeat(9000), READER), 414, "uri_too_long");
        final HttpResponse<String> headers = send(a, "GET", "/api/users/u-1",
                Map.of("Authorization", "Bearer " + READER, "X-Padding", "x".repeat(9000)));
        assertError(headers, 431, "headers_too_large");
        assertThat(headers.body()).doesNotContain(READER);
    }

    @Test
    void closesAConnectionThatStopsSendingItsRequest() throws IOException {
        try (Socket socket = new Socket("localhost", a.port())) {
            final OutputStream out = socket.getOutputStream();
            out.write("GET /api/users/u-1 HTTP/1.1\r\nHost: localhost\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            socket.setSoTimeout(15_000);
            final InputStream in = socket.getInputStream();
            final long started = System.nanoTime();
            final byte[] answer = in.readAllBytes();
            final Duration waited = Duration.ofNanos(System.nanoTime() - started);

            assertThat(waited).as("closed after the 4 s request timeout").isBetween(Duration.ofSeconds(3),
                    Duration.ofSeconds(12));
            final String text = new String(answer, StandardCharsets.UTF_8);
            assertThat(text.isEmpty() || text.startsWith("HTTP/1.1 408")).as(text).isTrue();
        }
    }

    // ---- Headers and CORS ------------------------------------------------------------------

    @Test
    void sendsSecurityHeadersOnEveryAnswer() {
        for (final HttpResponse<String> response : List.of(bearer(a, "/api/users/u-1", READER), get(a, "/api/users/u-1"),
                bearer(a, "/api/nothing", READER), bearer(a, "/api/users/u-1", WATCHER))) {
            assertThat(response.headers().firstValue("X-Content-Type-Options")).as(response.uri().toString())
                    .contains("nosniff");
            assertThat(response.headers().firstValue("Cache-Control")).as(response.uri().toString()).contains("no-store");
        }
        assertThat(get(a, "/health/live").headers().firstValue("X-Content-Type-Options")).contains("nosniff");
    }

    @Test
    void sendsNoCorsHeadersUnlessAnOriginIsConfigured() {
        final HttpResponse<String> closed = get(a, "/api/users/u-1", "Authorization", "Bearer " + READER,
                "Origin", "https://evil.example");
        assertThat(closed.statusCode()).isEqualTo(200);
        assertThat(closed.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();

        final ApiServer open = start(secured(limits(1000, 5)).withSecurity(Security.keys(KEYS, SECRET)
                .withCorsOrigins(List.of("https://app.example"))), modelA);
        final HttpResponse<String> allowed = get(open, "/api/users/u-1", "Authorization", "Bearer " + READER,
                "Origin", "https://app.example");
        assertThat(allowed.headers().firstValue("Access-Control-Allow-Origin")).contains("https://app.example");
        final HttpResponse<String> preflight = send(open, "OPTIONS", "/api/users/u-1", Map.of(
                "Origin", "https://app.example", "Access-Control-Request-Method", "GET",
                "Access-Control-Request-Headers", "authorization"));
        assertThat(preflight.statusCode()).isEqualTo(200);
        assertThat(preflight.headers().firstValue("Access-Control-Allow-Origin")).contains("https://app.example");
        assertThat(get(open, "/api/users/u-1", "Authorization", "Bearer " + READER, "Origin", "https://evil.example")
                .headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
    }

    // ---- TLS -------------------------------------------------------------------------------

    @Test
    void servesHttpsAndChecksThePeersCertificate(@TempDir final Path dir) throws Exception {
        final TestCertificates first = TestCertificates.create(dir, "first");
        final TestCertificates second = TestCertificates.create(dir, "second");
        final FakeReadModel modelX = new FakeReadModel();
        final FakeReadModel modelY = new FakeReadModel();
        final FakeReadModel modelZ = new FakeReadModel();
        final Tls trusting = new Tls(first.keyStore(), first.password(), first.trustStore(), first.password());
        final ApiServer x = start(secured(limits(1000, 5)).withTls(trusting), modelX);
        final ApiServer y = start(secured(limits(1000, 5)).withTls(trusting), modelY);
        // z presents a certificate x does not trust.
        final ApiServer z = start(secured(limits(1000, 5)).withTls(new Tls(second.keyStore(), second.password(),
                second.trustStore(), second.password())), modelZ);
        link(x, modelX, y, modelY);
        modelX.ownedElsewhere.put("u-2", modelY.self);
        modelY.users.put("u-2", FakeReadModel.user("u-2", NOW));
        modelZ.self = "localhost:" + z.port();
        modelX.ownedElsewhere.put("u-3", modelZ.self);
        modelZ.users.put("u-3", FakeReadModel.user("u-3", NOW));
        final HttpClient trustsFirst = HttpClient.newBuilder().sslContext(first.clientContext()).build();

        final HttpResponse<String> direct = send(trustsFirst, URI.create("https://localhost:" + x.port()
                + "/api/users/u-2"), "GET", Map.of("Authorization", "Bearer " + READER));
        assertThat(direct.statusCode()).as("forwarded over HTTPS to a trusted peer").isEqualTo(200);
        assertThat(direct.headers().firstValue("X-Lookout-Served-By")).contains(modelY.self);

        final HttpResponse<String> untrustedPeer = send(trustsFirst, URI.create("https://localhost:" + x.port()
                + "/api/users/u-3"), "GET", Map.of("Authorization", "Bearer " + READER));
        assertError(untrustedPeer, 503, "unavailable");
        assertThat(json(untrustedPeer).at("/error/message").asText()).contains("SSLHandshakeException");

        assertThatThrownBy(() -> HTTP.send(HttpRequest.newBuilder(URI.create("https://localhost:" + x.port()
                + "/health/live")).build(), HttpResponse.BodyHandlers.ofString()))
                .as("a client that does not trust the certificate").isInstanceOf(SSLHandshakeException.class);
        assertThatThrownBy(() -> HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + x.port()
                + "/api/users/u-2")).header("Authorization", "Bearer " + READER).build(),
                HttpResponse.BodyHandlers.ofString()))
                .as("plain HTTP on the HTTPS port gets a TLS alert, not an answer").isInstanceOf(IOException.class);
    }

    // ---- helpers ---------------------------------------------------------------------------

    private static HttpResponse<String> bearer(final ApiServer server, final String path, final String token) {
        return get(server, path, "Authorization", "Bearer " + token);
    }

    private static HttpResponse<String> get(final ApiServer server, final String path, final String... headers) {
        final Map<String, String> map = new HashMap<>();
        for (int i = 0; i < headers.length; i += 2) {
            map.put(headers[i], headers[i + 1]);
        }
        return send(server, "GET", path, map);
    }

    private static HttpResponse<String> send(final ApiServer server, final String method, final String path,
                                             final Map<String, String> headers) {
        return send(HTTP, URI.create("http://localhost:" + server.port() + path), method, headers);
    }

    private static HttpResponse<String> send(final HttpClient client, final URI uri, final String method,
                                             final Map<String, String> headers) {
        try {
            final HttpRequest.Builder request = HttpRequest.newBuilder(uri).method(method,
                    HttpRequest.BodyPublishers.noBody());
            headers.forEach(request::header);
            return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new AssertionError(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Opens an alert stream in the background; {@code opened} turns true once it answers 200. */
    private void stream(final ApiServer server, final String token, final AtomicBoolean opened) {
        final List<String> lines = new CopyOnWriteArrayList<>();
        HTTP.sendAsync(HttpRequest.newBuilder(URI.create("http://localhost:" + server.port() + "/api/alerts/stream"))
                        .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofLines())
                .thenAccept(response -> {
                    opened.set(response.statusCode() == 200);
                    try (Stream<String> body = response.body()) {
                        body.forEach(lines::add);
                    }
                });
    }

    private static JsonNode json(final HttpResponse<String> response) {
        try {
            return Json.MAPPER.readTree(response.body());
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + response.body(), e);
        }
    }

    /** The status, JSON content and error code ({@code code} null: a HEAD answer, which has no body). */
    private static void assertError(final HttpResponse<String> response, final int status, final String code) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        if (code == null) {
            return;
        }
        assertThat(response.headers().firstValue("Content-Type")).as(response.body()).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/json"));
        assertThat(json(response).at("/error/code").asText()).isEqualTo(code);
        assertThat(json(response).at("/error/message").asText()).isNotBlank();
    }
}
