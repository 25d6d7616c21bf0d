package dev.lookout.app.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;

import dev.lookout.app.LookoutApp;
import dev.lookout.app.config.LookoutConfig;
import dev.lookout.events.AlertKind;
import dev.lookout.events.SecurityAlert;
import dev.lookout.topology.Events;
import dev.lookout.topology.Names;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole system on a real broker: the app in its embedded mode (KRaft broker, registry, Kafka
 * Streams, HTTP), every input event type produced with the real serde through the registry, and
 * every route asserted over HTTP — views, email index, as-of, recent, posts, alerts and the SSE
 * stream — plus the alerts on {@code security-alerts}, read committed and decoded.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(240)
class EndToEndIT {

    private static final int PARTITIONS = 3;
    private final Instant t0 = Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(600);
    private final List<String> streamed = new CopyOnWriteArrayList<>();
    private LookoutApp app;
    private int port;

    @BeforeAll
    void startAndProduce(@TempDir final Path dir) throws Exception {
        final LookoutConfig config = Configs.embedded(dir, "--grace", "2s", "--stuffing-threshold", "3");
        app = LookoutApp.start(config);
        port = app.httpPort();
        await().atMost(Duration.ofSeconds(90)).until(() -> Http.get(port, "/health/ready").status() == 200);
        openAlertStream();

        try (EventProducer producer = new EventProducer(app.config().bootstrapServers(), app.config().schemaRegistryUrl())) {
            producer.send(Events.registered("e-1", "u-1", "ada@example.com", "Ada", t0));
            producer.send(Events.registered("e-2", "u-2", "grace@example.com", "Grace", t0.plusSeconds(1)));
            producer.send(Events.registered("e-3", "u-3", "linus@example.com", null, t0.plusSeconds(2)));
            producer.send(Events.renamed("e-4", "u-1", "Ada Lovelace", t0.plusSeconds(10)));
            producer.send(Events.emailChanged("e-5", "u-1", "ada@example.com", "Ada@Lovelace.dev", t0.plusSeconds(11)));
            producer.send(Events.deactivated("e-6", "u-3", t0.plusSeconds(12)));
            producer.send(Events.post("c-1", "p-1", "u-1", "Notes on the engine", t0.plusSeconds(20)));
            producer.send(Events.comment("c-2", "cm-1", "p-1", "u-2", t0.plusSeconds(21)));
            producer.send(Events.comment("c-3", "cm-2", "p-1", "u-3", t0.plusSeconds(22)));

            producer.send(Events.failed("a-1", "u-1", "203.0.113.9", t0.plusSeconds(30)));
            producer.send(Events.failed("a-2", "u-1", "203.0.113.9", t0.plusSeconds(31)));
            producer.send(Events.failed("a-3", "u-1", "203.0.113.9", t0.plusSeconds(32)));
            producer.send(Events.succeeded("a-4", "u-1", "203.0.113.9", t0.plusSeconds(40)));
            producer.send(Events.failed("a-5", "u-4", "198.51.100.7", t0.plusMillis(50_000)));
            producer.send(Events.failed("a-6", "u-5", "198.51.100.7", t0.plusMillis(50_100)));
            producer.send(Events.failed("a-7", "u-6", "198.51.100.7", t0.plusMillis(50_200)));
            Inputs.flush(producer, t0.plusSeconds(300), PARTITIONS);
            Inputs.flush(producer, t0.plusSeconds(400), PARTITIONS);
        }
    }

    private void openAlertStream() {
        HttpClient.newHttpClient().sendAsync(HttpRequest.newBuilder(URI.create("http://localhost:" + port
                        + "/api/alerts/stream")).header("Accept", "text/event-stream").build(),
                HttpResponse.BodyHandlers.ofLines()).thenAccept(response -> {
                    try (Stream<String> lines = response.body()) {
                        lines.forEach(streamed::add);
                    }
                });
        await().atMost(Duration.ofSeconds(10)).until(() -> streamed.contains(": connected"));
    }

    @AfterAll
    void stop() {
        if (app != null) {
            app.close();
        }
    }

    private JsonNode ok(final String path) {
        final Http.Answer answer = await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                .until(() -> Http.get(port, path), a -> a.status() == 200);
        return answer.json();
    }

    @Test
    void shouldServeTheUserViewFoldedFromEveryUserEventType() {
        final JsonNode ada = await().atMost(Duration.ofSeconds(60))
                .until(() -> ok("/api/users/u-1"), user -> user.get("eventsApplied").asInt() == 4);

        assertThat(ada.get("displayName").asText()).isEqualTo("Ada Lovelace");
        assertThat(ada.get("email").asText()).isEqualTo("Ada@Lovelace.dev");
        assertThat(ada.get("status").asText()).isEqualTo("ACTIVE");
        assertThat(ada.get("registeredAt").asText()).isEqualTo(t0.toString());
        assertThat(ada.get("postCount").asInt()).isEqualTo(1);
        assertThat(ada.get("commentCount").asInt()).isZero();
        assertThat(Http.get(port, "/api/users/u-1").servedBy()).isEqualTo(app.config().applicationServer());
        assertThat(await().atMost(Duration.ofSeconds(60)).until(() -> ok("/api/users/u-3"),
                user -> "DEACTIVATED".equals(user.get("status").asText())).get("commentCount").asInt()).isEqualTo(1);
    }

    @Test
    void shouldAnswerAsOfAPastEventTime() {
        await().atMost(Duration.ofSeconds(60)).until(() -> ok("/api/users/u-1"), u -> u.get("eventsApplied").asInt() == 4);

        final JsonNode before = ok("/api/users/u-1?asOf=" + t0.plusSeconds(5));

        assertThat(before.get("displayName").asText()).isEqualTo("Ada");
        assertThat(before.get("email").asText()).isEqualTo("ada@example.com");
        assertThat(ok("/api/users/u-1?asOf=" + t0.plusSeconds(10).toEpochMilli()).get("displayName").asText())
                .isEqualTo("Ada Lovelace");
        assertThat(Http.get(port, "/api/users/u-1?asOf=" + t0.minusSeconds(5)).status()).isEqualTo(404);
        assertThat(Http.get(port, "/api/users/u-1?asOf=" + t0.minus(Duration.ofDays(40))).status()).isEqualTo(400);
    }

    @Test
    void shouldServeAUsersEventsInEventTimeOrderWithTheirOrigin() {
        await().atMost(Duration.ofSeconds(60)).until(() -> ok("/api/users/u-1"), u -> u.get("eventsApplied").asInt() == 4);
        final JsonNode events = ok("/api/users/u-1/events").get("items");

        assertThat(events).extracting(event -> event.get("eventId").asText()).containsExactly("e-1", "e-4", "e-5", "c-1");
        assertThat(events).extracting(event -> event.get("type").asText())
                .containsExactly("UserRegistered", "UserProfileUpdated", "UserEmailChanged", "PostPublished");
        assertThat(events.get(2).at("/fields/new_email").asText()).isEqualTo("Ada@Lovelace.dev");
        assertThat(events.get(3).at("/origin/topic").asText()).isEqualTo(Names.CONTENT_EVENTS);
        assertThat(events.get(0).at("/origin/topic").asText()).isEqualTo(Names.USER_EVENTS);
        final JsonNode page = ok("/api/users/u-1/events?limit=3");
        assertThat(ok("/api/users/u-1/events?limit=3&cursor=" + page.get("nextCursor").asText()).at("/items/0/eventId")
                .asText()).isEqualTo("c-1");
    }

    @Test
    void shouldFindUsersByEmailCaseInsensitivelyAndForgetAnOldEmail() {
        assertThat(ok("/api/users?email=ADA@lovelace.dev").get("userId").asText()).isEqualTo("u-1");
        await().atMost(Duration.ofSeconds(60)).until(() -> Http.get(port, "/api/users?email=ada@example.com").status() == 404);
        assertThat(ok("/api/users?email=grace@example.com").get("userId").asText()).isEqualTo("u-2");
    }

    @Test
    void shouldListUsersByPageAndTheNewestRegistrations() {
        await().atMost(Duration.ofSeconds(60)).until(() -> ok("/api/users/recent?limit=10").get("items").size() == 3);

        final List<String> ids = new ArrayList<>();
        String cursor = null;
        do {
            final JsonNode page = ok("/api/users?limit=2" + (cursor == null ? "" : "&cursor=" + cursor));
            assertThat(page.get("partial").asBoolean()).isFalse();
            page.get("items").forEach(user -> ids.add(user.get("userId").asText()));
            cursor = page.get("nextCursor").isNull() ? null : page.get("nextCursor").asText();
        } while (cursor != null);
        assertThat(ids).containsExactly("u-1", "u-2", "u-3");

        final JsonNode recent = ok("/api/users/recent?limit=2");
        assertThat(recent.get("items")).extracting(user -> user.get("userId").asText()).containsExactly("u-3", "u-2");
    }

    @Test
    void shouldServeThePostView() {
        final JsonNode post = await().atMost(Duration.ofSeconds(60)).until(() -> ok("/api/posts/p-1"),
                p -> p.get("commentCount").asInt() == 2);

        assertThat(post.get("authorId").asText()).isEqualTo("u-1");
        assertThat(post.get("title").asText()).isEqualTo("Notes on the engine");
        assertThat(post.get("lastCommentAt").asText()).isEqualTo(t0.plusSeconds(22).toString());
    }

    @Test
    void shouldRaiseTheAlertsAndServeThemEverywhere() {
        final JsonNode ofUser = await().atMost(Duration.ofSeconds(90))
                .until(() -> ok("/api/users/u-1/alerts"), alerts -> alerts.get("items").size() == 2);
        assertThat(ofUser.get("items")).extracting(alert -> alert.get("kind").asText())
                .containsExactly("FAILURES_THEN_SUCCESS", "REPEATED_LOGIN_FAILURE");
        assertThat(ofUser.get("items").get(1).get("triggeringEventIds")).extracting(JsonNode::asText)
                .containsExactly("a-1", "a-2", "a-3");

        final JsonNode all = await().atMost(Duration.ofSeconds(90)).until(() -> ok("/api/alerts?limit=10"),
                alerts -> alerts.get("items").size() == 3);
        assertThat(all.get("partial").asBoolean()).isFalse();
        assertThat(all.get("items").get(0).get("kind").asText()).isEqualTo("CREDENTIAL_STUFFING");
        assertThat(all.get("items").get(0).get("userIds")).extracting(JsonNode::asText)
                .containsExactly("u-4", "u-5", "u-6");

        await().atMost(Duration.ofSeconds(30)).until(() -> streamed.stream().filter(l -> l.equals("event: alert")).count() == 3);
        assertThat(streamed.stream().filter(l -> l.startsWith("id: ")).toList()).hasSize(3);
    }

    @Test
    void shouldWriteTheAlertsToTheTopicReadCommitted() {
        final Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, app.config().bootstrapServers());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "e2e-check");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        final List<SecurityAlert> alerts = new ArrayList<>();
        try (EventProducer producer = new EventProducer(app.config().bootstrapServers(), app.config().schemaRegistryUrl());
             KafkaConsumer<String, SecurityAlert> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
                     producer.serdes().securityAlerts().deserializer())) {
            consumer.subscribe(List.of(Names.SECURITY_ALERTS));
            await().atMost(Duration.ofSeconds(90)).until(() -> {
                consumer.poll(Duration.ofMillis(500)).forEach(record -> alerts.add(record.value()));
                return alerts.size() >= 3;
            });
        }
        assertThat(alerts).extracting(SecurityAlert::getKind).containsExactlyInAnyOrder(
                AlertKind.REPEATED_LOGIN_FAILURE, AlertKind.FAILURES_THEN_SUCCESS, AlertKind.CREDENTIAL_STUFFING);
    }

    @Test
    void shouldExposeMetricsHealthAndTheApiDocument() {
        await().atMost(Duration.ofSeconds(90)).until(() -> Http.get(port, "/metrics").body()
                .contains("lookout_alerts_total{kind=\"CREDENTIAL_STUFFING\"} 1.0"));
        final String metrics = Http.get(port, "/metrics").body();
        assertThat(metrics).contains("kafka_stream_").contains("jvm_memory_used_bytes");
        // Store metrics of both store types, under one set of labels (Metrics.STORE_TAGS). Micrometer's
        // binder picks up the metrics of stores opened since it was bound once a minute.
        await().atMost(Duration.ofSeconds(120)).untilAsserted(() -> assertThat(Http.get(port, "/metrics").body())
                .contains("store_type=\"rocksdb\"").contains("state_id=\"users-clock\",store_type=\"in-memory\""));
        assertThat(Http.get(port, "/health/live").status()).isEqualTo(200);
        assertThat(ok("/openapi.json").get("paths").has("/api/users/{userId}")).isTrue();
    }

}
