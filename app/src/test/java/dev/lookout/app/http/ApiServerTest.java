package dev.lookout.app.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;

import dev.lookout.app.query.PostDto;
import dev.lookout.app.query.Readiness;
import dev.lookout.app.query.UserEventDto;
import dev.lookout.app.security.Limits;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every route and every error case, on two real servers over fake read models: forwarding and
 * fan-out go over HTTP between them.
 */
@Timeout(60)
class ApiServerTest {

    private static final Instant NOW = Instant.parse("2026-11-20T10:00:00Z");
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final FakeReadModel modelA = new FakeReadModel();
    private final FakeReadModel modelB = new FakeReadModel();
    private final FakeAlertFeed feed = new FakeAlertFeed();
    private final FakeDeadLetters deadLetters = new FakeDeadLetters();
    private final List<String> answeredByB = new CopyOnWriteArrayList<>();
    private ApiServer a;
    private ApiServer b;

    @BeforeEach
    void start() {
        b = ApiServer.start(ApiServer.Settings.defaults("localhost", 0)
                .withObserver((method, route, status, millis) -> answeredByB.add(route + " " + status)),
                modelB, feed, () -> true, () -> "b 1\n");
        a = ApiServer.start(ApiServer.Settings.defaults("localhost", 0).withPeerTimeout(Duration.ofSeconds(2))
                        .withMaxAlertStreams(2).withLimits(new Limits(2048, 1024, 8192, Duration.ofSeconds(4), 100, 5)),
                modelA, feed, deadLetters, () -> true, () -> "lookout_alerts_total{kind=\"X\"} 1.0\n");
        modelA.self = "localhost:" + a.port();
        modelB.self = "localhost:" + b.port();
        modelA.instances.addAll(List.of(modelA.self, modelB.self));
        modelB.instances.addAll(List.of(modelA.self, modelB.self));
        modelA.partitions = Set.of(0, 1, 2);
        modelB.partitions = Set.of(3, 4, 5);
    }

    @AfterEach
    void stop() {
        a.close();
        b.close();
    }

    private HttpResponse<String> get(final String path) {
        return get(path, Map.of());
    }

    private HttpResponse<String> get(final String path, final Map<String, String> headers) {
        return send(HttpRequest.newBuilder(URI.create("http://localhost:" + a.port() + path)), headers);
    }

    private HttpResponse<String> post(final String path, final String body, final Map<String, String> headers) {
        return send(HttpRequest.newBuilder(URI.create("http://localhost:" + a.port() + path))
                .POST(HttpRequest.BodyPublishers.ofString(body)).header("Content-Type", "application/json"), headers);
    }

    private static HttpResponse<String> send(final HttpRequest.Builder request, final Map<String, String> headers) {
        try {
            headers.forEach(request::header);
            return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new AssertionError(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static JsonNode json(final HttpResponse<String> response) {
        try {
            return Json.MAPPER.readTree(response.body());
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + response.body(), e);
        }
    }

    private static void assertError(final HttpResponse<String> response, final int status, final String code) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/json"));
        assertThat(json(response).at("/error/code").asText()).isEqualTo(code);
        assertThat(json(response).at("/error/message").asText()).isNotBlank();
    }

    @Test
    void shouldServeAUserWithCamelCaseFieldsAndIsoTimes() {
        modelA.users.put("u-1", FakeReadModel.user("u-1", NOW.minusSeconds(60)));

        final HttpResponse<String> response = get("/api/users/u-1");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("X-Lookout-Served-By")).contains(modelA.self);
        final JsonNode user = json(response);
        assertThat(user.get("userId").asText()).isEqualTo("u-1");
        assertThat(user.get("registeredAt").asText()).isEqualTo("2026-11-20T09:59:00Z");
        assertThat(user.fieldNames()).toIterable().containsExactly("userId", "email", "displayName", "status",
                "registeredAt", "updatedAt", "postCount", "commentCount", "eventsApplied");
    }

    @Test
    void shouldAnswer404ForAMissingUserAndPost() {
        assertError(get("/api/users/nobody"), 404, "not_found");
        assertError(get("/api/posts/nothing"), 404, "not_found");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "/api/users/bad%20id|id with a space",
        "/api/users/-leading-dash|id starting with punctuation",
        "/api/posts/a%2Fb|id with a slash",
        "/api/users/u-1?asOf=yesterday|bad asOf",
        "/api/users/u-1?asOf=2026-13-01T00:00:00Z|impossible asOf",
        "/api/users/u-1?allowStale=maybe|bad allowStale",
        "/api/users?limit=abc|non-numeric limit",
        "/api/users?limit=0|limit below range",
        "/api/users?limit=501|limit above range",
        "/api/users?cursor=not-a-cursor|bad cursor",
        "/api/users?cursor=eyJ4IjoxfQ|cursor without after",
        "/api/users?cursor=eyJhZnRlciI6Ilx1ZDgwMCJ9|cursor after a lone surrogate",
        "/api/users/recent?limit=101|recent limit above range",
        "/api/alerts?limit=-5|negative alert limit",
        "/api/users?email=not-an-email|bad email",
        "/api/users?email=a@b@c|two at signs",
        "/api/users/u-1/events?limit=0|events limit below range",
        "/api/users/u-1/events?limit=501|events limit above range",
        "/api/users/u-1/events?from=soon|bad from",
        "/api/users/u-1/events?cursor=not-a-cursor|bad events cursor",
        "/api/users/u-1/events?cursor=eyJhZnRlciI6InUtMSJ9|a user-list cursor for events"})
    void shouldRefuseBadInputWith400(final String path, final String why) {
        assertError(get(path), 400, "bad_request");
    }

    @Test
    void shouldServeAUsersEventsOldestFirstInPagesWithTheirOrigin() {
        modelA.users.put("u-1", FakeReadModel.user("u-1", NOW.minusSeconds(600)));
        final List<UserEventDto> events = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            events.add(FakeReadModel.event("e-" + i, i == 0 ? "UserRegistered" : "UserProfileUpdated",
                    NOW.minusSeconds(600 - 60L * i), 40 + i));
        }
        modelA.events.put("u-1", events);

        final JsonNode first = json(get("/api/users/u-1/events?limit=3"));
        assertThat(first.get("items")).extracting(item -> item.get("eventId").asText())
                .containsExactly("e-0", "e-1", "e-2");
        assertThat(first.at("/items/0").fieldNames()).toIterable()
                .containsExactly("eventId", "type", "occurredAt", "fields", "origin");
        assertThat(first.at("/items/0/type").asText()).isEqualTo("UserRegistered");
        assertThat(first.at("/items/1/origin/topic").asText()).isEqualTo("user-events");
        assertThat(first.at("/items/1/origin/offset").asLong()).isEqualTo(41);
        assertThat(first.at("/items/1/fields/display_name").asText()).isEqualTo("Name e-1");
        final JsonNode second = json(get("/api/users/u-1/events?limit=3&cursor=" + first.get("nextCursor").asText()));
        assertThat(second.get("items")).extracting(item -> item.get("eventId").asText()).containsExactly("e-3", "e-4");
        assertThat(second.get("nextCursor").isNull()).isTrue();
        assertThat(json(get("/api/users/u-1/events?from=" + NOW.minusSeconds(480))).get("items"))
                .extracting(item -> item.get("eventId").asText()).containsExactly("e-2", "e-3", "e-4");
    }

    @Test
    void shouldAnswerAUsersEventsFromTheInstanceThatOwnsThem() {
        modelA.ownedElsewhere.put("u-9", modelB.self);
        modelB.users.put("u-9", FakeReadModel.user("u-9", NOW.minusSeconds(60)));
        modelB.events.put("u-9", List.of(FakeReadModel.event("e-9", "UserRegistered", NOW.minusSeconds(60), 7)));

        final HttpResponse<String> response = get("/api/users/u-9/events");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("X-Lookout-Served-By")).contains(modelB.self);
        assertThat(json(response).at("/items/0/eventId").asText()).isEqualTo("e-9");
    }

    @Test
    void shouldRefuseEventsFromBeforeTheHistoryAndAnswer404ForAnUnknownUser() {
        modelA.newestEventTime = NOW;
        final HttpResponse<String> early = get("/api/users/u-1/events?from=" + NOW.minus(Duration.ofDays(31)));
        assertError(early, 400, "bad_request");
        assertThat(json(early).at("/error/message").asText()).contains("30 days");
        assertError(get("/api/users/nobody/events"), 404, "not_found");
    }

    @Test
    void shouldRefuseAnOverlongId() {
        assertError(get("/api/users/" + "x".repeat(129)), 400, "bad_request");
        assertThat(json(get("/api/users/" + "x".repeat(129))).at("/error/message").asText()).contains("128");
        assertError(get("/api/users/" + "x".repeat(128)), 404, "not_found");
    }

    @Test
    void shouldRefuseAsOfOutsideTheRetentionAndSaySo() {
        modelA.newestEventTime = NOW;
        final HttpResponse<String> response = get("/api/users/u-1?asOf=" + NOW.minus(Duration.ofDays(31)));

        assertError(response, 400, "bad_request");
        assertThat(json(response).at("/error/message").asText()).contains("30 days")
                .contains(NOW.minus(Duration.ofDays(30)).toString());
    }

    @Test
    void shouldCountTheRetentionBackFromTheNewestEventTimeNotTheWallClock() {
        // A replay of last year's events: a year before the wall clock, yet inside the retention.
        final Instant lastYear = NOW.minus(Duration.ofDays(365));
        modelA.newestEventTime = lastYear;
        modelA.history.put("u-1", Map.of(lastYear.minus(Duration.ofDays(20)), FakeReadModel.user("u-1", lastYear)));

        assertThat(get("/api/users/u-1?asOf=" + lastYear.minus(Duration.ofDays(10))).statusCode()).isEqualTo(200);
        assertError(get("/api/users/u-1?asOf=" + lastYear.minus(Duration.ofDays(31))), 400, "bad_request");
    }

    @Test
    void shouldLeaveTheRetentionCheckToTheOwnerOfTheUser() {
        modelA.ownedElsewhere.put("u-9", modelB.self);
        modelB.newestEventTime = NOW;

        final HttpResponse<String> response = get("/api/users/u-9?asOf=" + NOW.minus(Duration.ofDays(31)));

        assertError(response, 400, "bad_request");
        assertThat(json(response).at("/error/message").asText()).contains("30 days");
    }

    @Test
    void shouldAnswerAsOfWithIsoOrEpochMillis() {
        modelA.history.put("u-1", Map.of(NOW.minusSeconds(3600), FakeReadModel.user("u-1", NOW.minusSeconds(3600))));

        assertThat(get("/api/users/u-1?asOf=" + NOW.minusSeconds(60)).statusCode()).isEqualTo(200);
        assertThat(get("/api/users/u-1?asOf=" + NOW.minusSeconds(60).toEpochMilli()).statusCode()).isEqualTo(200);
        assertError(get("/api/users/u-1?asOf=" + NOW.minusSeconds(7200)), 404, "not_found");
    }

    @Test
    void shouldAnswer503WithRetryAfterWhileAKeyIsUnavailable() {
        modelA.unavailable.add("u-1");

        final HttpResponse<String> response = get("/api/users/u-1");

        assertError(response, 503, "unavailable");
        assertThat(response.headers().firstValue("Retry-After")).contains("7");
    }

    @Test
    void shouldFetchAKeyOwnedByAnotherInstanceTransparently() {
        modelA.ownedElsewhere.put("u-2", modelB.self);
        modelB.users.put("u-2", FakeReadModel.user("u-2", NOW));
        modelA.ownedElsewhere.put("p-2", modelB.self);
        modelB.posts.put("p-2", new PostDto("p-2", "u-2", "Hello", NOW, 1, NOW));

        final HttpResponse<String> user = get("/api/users/u-2");
        final HttpResponse<String> post = get("/api/posts/p-2");

        assertThat(user.statusCode()).isEqualTo(200);
        assertThat(user.headers().firstValue("X-Lookout-Served-By")).contains(modelB.self);
        assertThat(json(user).get("userId").asText()).isEqualTo("u-2");
        assertThat(json(post).get("title").asText()).isEqualTo("Hello");
        assertError(get("/api/users/u-9"), 404, "not_found");
    }

    @Test
    void shouldRelayTheOwnersErrorsAndNeverForwardTwice() {
        modelA.ownedElsewhere.put("u-3", modelB.self);
        modelB.unavailable.add("u-3");
        modelA.ownedElsewhere.put("u-4", modelB.self);
        modelB.ownedElsewhere.put("u-4", modelA.self);

        assertError(get("/api/users/u-3"), 503, "unavailable");
        assertError(get("/api/users/u-4"), 503, "unavailable");
    }

    @Test
    void shouldAnswer503WhenTheOwnerDoesNotAnswer() throws IOException {
        final int dead;
        try (ServerSocket socket = new ServerSocket(0)) {
            dead = socket.getLocalPort();
        }
        modelA.ownedElsewhere.put("u-5", "localhost:" + dead);

        assertError(get("/api/users/u-5"), 503, "unavailable");
    }

    @Test
    void shouldFindAUserByEmailCaseInsensitivelyAcrossInstances() {
        modelA.emails.put("ada@example.com", "u-1");
        modelA.users.put("u-1", FakeReadModel.user("u-1", NOW));
        modelA.ownedElsewhere.put("grace@example.com", modelB.self);
        modelB.emails.put("grace@example.com", "u-7");
        modelA.ownedElsewhere.put("u-7", modelB.self);
        modelB.users.put("u-7", FakeReadModel.user("u-7", NOW));

        assertThat(json(get("/api/users?email=Ada@Example.com")).get("userId").asText()).isEqualTo("u-1");
        assertThat(json(get("/api/users?email=grace@example.com")).get("userId").asText()).isEqualTo("u-7");
        assertError(get("/api/users?email=nobody@example.com"), 404, "not_found");
    }

    @Test
    void shouldPageThroughEveryUserOfEveryInstanceExactlyOnce() {
        for (int i = 0; i < 23; i++) {
            (i % 2 == 0 ? modelA : modelB).users.put(String.format("u-%02d", i),
                    FakeReadModel.user(String.format("u-%02d", i), NOW.minusSeconds(i)));
        }
        final List<String> seen = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            final JsonNode page = json(get("/api/users?limit=5" + (cursor == null ? "" : "&cursor=" + cursor)));
            assertThat(page.get("partial").asBoolean()).isFalse();
            page.get("items").forEach(item -> seen.add(item.get("userId").asText()));
            cursor = page.get("nextCursor").isNull() ? null : page.get("nextCursor").asText();
            pages++;
        } while (cursor != null);

        assertThat(pages).isEqualTo(5);
        assertThat(seen).hasSize(23).doesNotHaveDuplicates().isSorted();
    }

    @Test
    void shouldServeAKeptPageUntilTheSliceOfAnyInstanceChanges() {
        modelA.users.put("u-1", FakeReadModel.user("u-1", NOW));
        modelB.users.put("u-2", FakeReadModel.user("u-2", NOW));
        final String first = get("/api/users").body();

        assertThat(get("/api/users").body()).isEqualTo(first);
        assertThat(modelA.userSliceReads).as("A's slice, read once").hasValue(1);
        assertThat(modelB.userSliceReads).as("B's slice, read once").hasValue(1);

        modelB.users.put("u-3", FakeReadModel.user("u-3", NOW));
        // A learns of B's change from its watch, within the time that notice takes.
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(json(get("/api/users")).get("items"))
                .extracting(item -> item.get("userId").asText()).containsExactly("u-1", "u-2", "u-3"));
        assertThat(modelA.userSliceReads).as("A's slice did not change").hasValue(1);
        assertThat(modelB.userSliceReads).hasValue(2);

        modelA.users.put("u-0", FakeReadModel.user("u-0", NOW));
        assertThat(json(get("/api/users?limit=2")).get("items")).extracting(item -> item.get("userId").asText())
                .containsExactly("u-0", "u-1");
        assertThat(json(get("/api/users")).get("items")).extracting(item -> item.get("userId").asText())
                .containsExactly("u-0", "u-1", "u-2", "u-3");
    }

    @Test
    void shouldNotAskAPeerForASliceWhileItsWatchSaysItIsUnchanged() {
        modelB.users.put("u-2", FakeReadModel.user("u-2", NOW));
        final long start = System.nanoTime();
        final String first = get("/api/users").body();
        for (int i = 0; i < 20; i++) {
            assertThat(get("/api/users").body()).isEqualTo(first);
        }
        final long seconds = Duration.ofNanos(System.nanoTime() - start).toSeconds();

        // One ask, and one more for each second the pages took: a kept slice is not served older than that.
        assertThat(answeredByB.stream().filter(answer -> answer.startsWith("/internal/slices/users")))
                .hasSizeBetween(1, 1 + (int) seconds);
        assertThat(modelB.userSliceReads).hasValue(1);
    }

    @Test
    void shouldReportAPeerUnreachableOnceItsWatchEnds() {
        modelB.users.put("u-2", FakeReadModel.user("u-2", NOW));
        assertThat(json(get("/api/users")).get("partial").asBoolean()).isFalse();

        b.close();

        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(json(get("/api/users")).get(
                "unreachableInstances")).extracting(JsonNode::asText).containsExactly(modelB.self));
    }

    @Test
    void shouldHoldAVersionWatchUntilTheSliceVersionChanges() throws Exception {
        final URI version = URI.create("http://localhost:" + b.port() + "/internal/slices/version?wait=20000");
        final String etag = send(HttpRequest.newBuilder(version), Map.of()).headers().firstValue("ETag").orElseThrow();

        final var held = HTTP.sendAsync(HttpRequest.newBuilder(version).header("If-None-Match", etag).build(),
                HttpResponse.BodyHandlers.ofString());
        final HttpResponse<String> unchanged = send(HttpRequest.newBuilder(URI.create(
                "http://localhost:" + b.port() + "/internal/slices/version?wait=50")), Map.of("If-None-Match", etag));
        assertThat(held).isNotDone();
        modelB.users.put("u-9", FakeReadModel.user("u-9", NOW));
        final HttpResponse<String> changed = held.get(5, java.util.concurrent.TimeUnit.SECONDS);

        assertThat(unchanged.statusCode()).isEqualTo(304);
        assertThat(changed.statusCode()).isEqualTo(200);
        assertThat(changed.headers().firstValue("ETag")).isPresent().isNotEqualTo(Optional.of(etag));
        assertError(send(HttpRequest.newBuilder(URI.create("http://localhost:" + b.port()
                + "/internal/slices/version?wait=soon")), Map.of("If-None-Match", etag)), 400, "bad_request");
    }

    @Test
    void shouldAnswerASliceRequestWithItsETagAnd304WhileItIsUnchanged() {
        modelB.users.put("u-2", FakeReadModel.user("u-2", NOW));
        final URI slice = URI.create("http://localhost:" + b.port() + "/internal/slices/users?limit=10");
        final HttpResponse<String> full = send(HttpRequest.newBuilder(slice), Map.of());
        final String etag = full.headers().firstValue("ETag").orElseThrow();

        final HttpResponse<String> same = send(HttpRequest.newBuilder(slice), Map.of("If-None-Match", etag));
        modelB.users.put("u-3", FakeReadModel.user("u-3", NOW));
        final HttpResponse<String> changed = send(HttpRequest.newBuilder(slice), Map.of("If-None-Match", etag));

        assertThat(full.statusCode()).isEqualTo(200);
        assertThat(full.headers().firstValue("X-Lookout-Slice-Age")).hasValueSatisfying(
                age -> assertThat(Long.parseLong(age)).isBetween(0L, ListCache.MAX_AGE.toMillis()));
        assertThat(same.statusCode()).isEqualTo(304);
        assertThat(same.body()).isEmpty();
        assertThat(changed.statusCode()).isEqualTo(200);
        assertThat(changed.headers().firstValue("ETag")).isPresent().isNotEqualTo(Optional.of(etag));
        assertThat(json(changed).get("items")).extracting(item -> item.get("userId").asText())
                .containsExactly("u-2", "u-3");
    }

    @Test
    void shouldKeepNothingWhileTheInstanceIsNotReady() {
        modelA.users.put("u-1", FakeReadModel.user("u-1", NOW));
        modelA.readiness = new Readiness(false, "REBALANCING");
        get("/api/users");
        get("/api/users");

        assertThat(modelA.userSliceReads).hasValue(2);
    }

    @Test
    void shouldSayAListIsPartialAndWhatIsMissing() {
        modelA.users.put("u-1", FakeReadModel.user("u-1", NOW));
        b.close();

        final JsonNode page = json(get("/api/users"));

        assertThat(page.get("partial").asBoolean()).isTrue();
        assertThat(page.get("missingPartitions")).extracting(JsonNode::asInt).containsExactly(3, 4, 5);
        assertThat(page.get("unreachableInstances")).extracting(JsonNode::asText).containsExactly(modelB.self);
        assertThat(page.get("items")).hasSize(1);
    }

    @Test
    void shouldReportPartitionsNoInstanceCovered() {
        modelB.partitions = Set.of(3);

        final JsonNode alerts = json(get("/api/alerts"));

        assertThat(alerts.get("partial").asBoolean()).isTrue();
        assertThat(alerts.get("missingPartitions")).extracting(JsonNode::asInt).containsExactly(4, 5);
        assertThat(alerts.get("unreachableInstances")).isEmpty();
    }

    @Test
    void shouldMergeNewestRegistrationsAndAlertsAcrossInstances() {
        modelA.users.put("u-a", FakeReadModel.user("u-a", NOW.minusSeconds(30)));
        modelB.users.put("u-b", FakeReadModel.user("u-b", NOW.minusSeconds(10)));
        modelA.users.put("u-c", FakeReadModel.user("u-c", NOW.minusSeconds(20)));
        modelA.alerts.put("u-a", List.of(FakeReadModel.alert("al-1", "u-a", NOW.minusSeconds(5))));
        modelB.alerts.put("u-b", List.of(FakeReadModel.alert("al-2", "u-b", NOW.minusSeconds(1)),
                FakeReadModel.alert("al-3", "u-b", NOW.minusSeconds(9))));

        final JsonNode recent = json(get("/api/users/recent?limit=2"));
        final JsonNode alerts = json(get("/api/alerts?limit=10"));

        assertThat(recent.get("items")).extracting(item -> item.get("userId").asText()).containsExactly("u-b", "u-c");
        assertThat(recent.get("partial").asBoolean()).isFalse();
        assertThat(alerts.get("items")).extracting(item -> item.get("alertId").asText())
                .containsExactly("al-2", "al-1", "al-3");
    }

    @Test
    void shouldServeAUsersAlertsNewestFirstAndAnEmptyListForNone() {
        modelA.alerts.put("u-1", List.of(FakeReadModel.alert("al-2", "u-1", NOW), FakeReadModel.alert("al-1", "u-1",
                NOW.minusSeconds(60))));

        assertThat(json(get("/api/users/u-1/alerts")).get("items")).extracting(item -> item.get("alertId").asText())
                .containsExactly("al-2", "al-1");
        assertThat(json(get("/api/users/u-2/alerts")).get("items")).isEmpty();
    }

    @Test
    void shouldAnswerUnknownRoutesAndWrongMethodsWithJson() {
        assertError(get("/api/nothing-here"), 404, "not_found");
        assertError(get("/nothing"), 404, "not_found");
        try {
            final HttpResponse<String> post = HTTP.send(HttpRequest.newBuilder(
                    URI.create("http://localhost:" + a.port() + "/api/users/u-1"))
                    .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
            assertError(post, 405, "method_not_allowed");
        } catch (IOException | InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void shouldReportHealth() {
        assertThat(get("/health/live").statusCode()).isEqualTo(200);
        assertThat(get("/health/ready").statusCode()).isEqualTo(200);

        modelA.readiness = new Readiness(false, "REBALANCING, restoring users 40%");

        final HttpResponse<String> notReady = get("/health/ready");
        assertThat(notReady.statusCode()).isEqualTo(503);
        assertThat(json(notReady).get("state").asText()).contains("restoring users 40%");
    }

    @Test
    void shouldServeMetrics() {
        final HttpResponse<String> metrics = get("/metrics");

        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.body()).contains("lookout_alerts_total");
        assertThat(metrics.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("text/plain"));
    }

    @Test
    void shouldServeTheRunningTopology() {
        final HttpResponse<String> response = get("/api/topology");

        assertThat(response.statusCode()).isEqualTo(200);
        final JsonNode nodes = json(response).at("/subtopologies/0/nodes");
        assertThat(nodes.get(0).get("kind").asText()).isEqualTo("source");
        assertThat(nodes.get(0).get("topics").get(0).asText()).isEqualTo("user-events");
        assertThat(nodes.get(0).get("next").get(0).asText()).isEqualTo("user-view");
        assertThat(nodes.get(1).get("stores").get(0).asText()).isEqualTo("users");
        assertThat(json(response).at("/detection/failureThreshold").asInt()).isEqualTo(5);
        assertThat(json(response).at("/detection/failureWindowSeconds").asLong()).isEqualTo(300);
    }

    @Test
    void shouldServeEachInstancesStatus() {
        final HttpResponse<String> response = get("/api/status");

        assertThat(response.statusCode()).isEqualTo(200);
        final JsonNode body = json(response);
        assertThat(body.get("partial").asBoolean()).isFalse();
        final JsonNode status = body.at("/items/0");
        assertThat(status.get("instance").asText()).isEqualTo("localhost:0");
        assertThat(status.get("state").asText()).isEqualTo("RUNNING");
        assertThat(status.at("/inputs/0/topic").asText()).isEqualTo("auth-events");
        assertThat(status.at("/inputs/0/lagSeconds").asDouble()).isZero();
        assertThat(status.at("/eventsPerSecond/0/value").asDouble()).isEqualTo(12.0);
        assertThat(status.at("/consumedPerSecond/auth-events").asDouble()).isEqualTo(12.0);
        assertThat(status.at("/deadLetters/0/reason").asText()).isEqualTo("undecodable");
    }

    @Test
    void shouldListDeadLettersWithTheirHeadersDecodedAndPassTheFilterOn() {
        deadLetters.letters.add(FakeDeadLetters.letter("lookout.dlq/0/4", "orphan", NOW));
        deadLetters.letters.add(FakeDeadLetters.letter("lookout.dlq/1/2", "late", NOW.minusSeconds(5)));

        final HttpResponse<String> response = get("/api/dead-letters?reason=orphan&originTopic=content-events"
                + "&from=2026-11-20T00:00:00Z&limit=5");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        final JsonNode items = json(response).get("items");
        assertThat(items).hasSize(1);
        assertThat(items.get(0).get("id").asText()).isEqualTo("lookout.dlq/0/4");
        assertThat(items.get(0).at("/origin/topic").asText()).isEqualTo("content-events");
        assertThat(items.get(0).get("timestamp").asText()).isEqualTo("2026-11-20T10:00:00Z");
        assertThat(deadLetters.calls).containsExactly("newest DeadLetterFilter[reason=orphan, stage=null, "
                + "originTopic=content-events, from=2026-11-20T00:00:00Z, to=null] 5");
    }

    @Test
    void shouldRefuseBadDeadLetterQueriesAndReDrivesWithoutKeys() {
        assertError(get("/api/dead-letters?from=yesterday"), 400, "bad_request");
        assertError(get("/api/dead-letters?limit=0"), 400, "bad_request");
        assertError(get("/api/dead-letters?limit=1001"), 400, "bad_request");

        final HttpResponse<String> redrive = post("/api/dead-letters/redrive", "{\"reason\":\"orphan\"}", Map.of());

        assertError(redrive, 403, "forbidden");
        assertThat(json(redrive).at("/error/message").asText()).contains("admin:dead-letters");
        assertThat(deadLetters.calls).as("nothing was read or written").isEmpty();
    }

    @Test
    void theOpenApiDocumentDescribesExactlyThePublicRoutes() throws IOException {
        final JsonNode document = json(get("/openapi.json"));
        final Set<String> documented = new HashSet<>();
        document.get("paths").fields().forEachRemaining(path -> path.getValue().fieldNames()
                .forEachRemaining(method -> documented.add(method.toUpperCase() + " " + path.getKey())));
        final Set<String> served = new HashSet<>();
        a.routes().forEach(route -> served.add(route.method().name() + " " + route.path()));

        assertThat(documented).isEqualTo(served);
        assertThat(document.get("openapi").asText()).startsWith("3.");
        try (InputStream resource = ApiServer.class.getResourceAsStream("/openapi.json")) {
            assertThat(resource).isNotNull();
        }
        // Every documented route answers, rather than "no route".
        for (final String route : documented) {
            final String path = route.substring(route.indexOf(' ') + 1).replace("{userId}", "u-1").replace("{postId}", "p-1");
            if (!path.endsWith("/stream")) {
                assertThat(get(path).body()).as(path).doesNotContain("no route for");
            }
        }
    }

    @Test
    void shouldStreamAlertsAsServerSentEventsAndResumeFromLastEventId() {
        feed.alerts.add(FakeReadModel.alert("al-1", "u-1", NOW));
        feed.alerts.add(FakeReadModel.alert("al-2", "u-1", NOW.plusSeconds(1)));
        feed.alerts.add(FakeReadModel.alert("al-3", "u-2", NOW.plusSeconds(2)));

        final List<String> lines = stream(Map.of("Accept", "text/event-stream"));
        await().atMost(Duration.ofSeconds(10)).until(() -> lines.stream().filter(l -> l.startsWith("id:")).count() == 3);
        assertThat(lines).contains("event: alert", "id: 0:1", "id: 0:3");
        assertThat(lines.stream().filter(l -> l.startsWith("data:")).findFirst().orElseThrow()).contains("\"alertId\":\"al-1\"");

        final List<String> resumed = stream(Map.of("Last-Event-ID", "0:2"));
        await().atMost(Duration.ofSeconds(10)).until(() -> resumed.contains("id: 0:3"));
        assertThat(resumed).doesNotContain("id: 0:1", "id: 0:2");
        assertThat(feed.subscribedFrom).contains("null", "0:2");
        await().atMost(Duration.ofSeconds(5)).until(() -> resumed.contains(": keep-alive"));
    }

    @Test
    void shouldRefuseABadLastEventIdAndAnUnacceptableAccept() {
        assertError(get("/api/alerts/stream", Map.of("Last-Event-ID", "garbage")), 400, "bad_request");
        assertError(get("/api/alerts/stream", Map.of("Accept", "application/json")), 406, "not_acceptable");
    }

    @Test
    void shouldBoundTheNumberOfOpenStreams() {
        stream(Map.of());
        stream(Map.of());
        await().atMost(Duration.ofSeconds(5)).until(() -> feed.subscribedFrom.size() == 2);

        assertError(get("/api/alerts/stream"), 503, "unavailable");
    }

    /** Opens a stream and collects its lines in the background. */
    private List<String> stream(final Map<String, String> headers) {
        final List<String> lines = new CopyOnWriteArrayList<>();
        final HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + a.port()
                + "/api/alerts/stream"));
        headers.forEach(request::header);
        HTTP.sendAsync(request.build(), HttpResponse.BodyHandlers.ofLines())
                .thenAccept(response -> {
                    try (Stream<String> body = response.body()) {
                        body.forEach(lines::add);
                    }
                });
        return lines;
    }
}
