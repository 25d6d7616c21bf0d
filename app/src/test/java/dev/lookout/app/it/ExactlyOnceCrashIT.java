package dev.lookout.app.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;

import dev.lookout.events.AuthEvent;
import dev.lookout.events.SecurityAlert;
import dev.lookout.topology.Names;
import dev.lookout.topology.TopologySettings;
import dev.lookout.topology.deadletter.DeadLetterHeaders;
import dev.lookout.topology.reference.AuthTraffic;
import dev.lookout.topology.reference.ReferenceDetector;
import dev.lookout.topology.reference.ReferenceViews;
import dev.lookout.topology.reference.ViewTraffic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exactly-once under crashes. Over 200k events — logins with bursts and stuffing attacks, user and
 * content events, duplicates and reordering — stream into an app running as its own JVM, which is
 * killed with SIGKILL at random points three times and restarted each time. At the end the alerts
 * topic, read committed, and the read model equal what the reference detector and the reference
 * fold compute from the input: no alert twice, none missing, no event counted twice or lost.
 */
@Timeout(900)
class ExactlyOnceCrashIT {

    private static final Instant START = Instant.parse("2026-09-01T08:00:00Z");
    private static final int PARTITIONS = 6;
    private static final List<String> INPUTS = List.of(Names.USER_EVENTS, Names.CONTENT_EVENTS, Names.AUTH_EVENTS);

    @Test
    void theOutputsEqualTheReferenceAfterThreeKills(@TempDir final Path dir) throws Exception {
        final TopologySettings settings = TopologySettings.defaults();
        final List<AuthEvent> auth = AuthTraffic.arrivals(AuthTraffic.Shape.onTime(2026, 185_000, START));
        final List<ViewTraffic.Arrival> views = ViewTraffic.arrivals(7, 2_000, 2_500, START,
                settings.grace().toMillis(), 0.0);
        final List<Object> input = Inputs.interleave(auth, views);
        assertThat(input).hasSizeGreaterThanOrEqualTo(200_000);

        try (TestSystem system = new TestSystem(TestCluster.Kind.EMBEDDED, dir);
             EventProducer producer = system.producer();
             Progress progress = new Progress(system.cluster().bootstrapServers(), "lookout-it")) {
            final List<String> args = system.instanceArgs("--partitions", Integer.toString(PARTITIONS));
            final Path log = Files.createFile(dir.resolve("child.log"));
            final Thread sender = new Thread(() -> {
                input.forEach(producer::sendAsync);
                producer.flush();
            }, "input-producer");
            sender.start();
            ChildApp child = ChildApp.start(args, log).awaitReady(Duration.ofSeconds(120));

            final SplittableRandom random = new SplittableRandom(42);
            final double[] killAt = {0.10 + random.nextDouble() * 0.15, 0.40 + random.nextDouble() * 0.15,
                0.70 + random.nextDouble() * 0.15};
            for (final double fraction : killAt) {
                final long target = (long) (fraction * input.size());
                await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofMillis(200))
                        .until(() -> progress.committed(INPUTS) >= target);
                child.kill();
                System.out.printf("CRASH: SIGKILL at %.0f%% of the input (%d committed)%n", fraction * 100,
                        progress.committed(INPUTS));
                child = ChildApp.start(args, log).awaitReady(Duration.ofMinutes(4));
            }
            sender.join();
            Inputs.flush(producer, START.plus(Duration.ofDays(2)), PARTITIONS);
            Inputs.flush(producer, START.plus(Duration.ofDays(3)), PARTITIONS);
            await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofSeconds(1)).until(progress::caughtUp);

            assertThat(deadLetters(system)).as("nothing was rejected").isEmpty();
            assertAlerts(system, auth, settings);
            assertReadModel(child.port(), views, settings);
            child.stop();
        }
    }

    private static void assertAlerts(final TestSystem system, final List<AuthEvent> auth,
                                     final TopologySettings settings) {
        final ReferenceDetector.Result expected = ReferenceDetector.detect(auth, new ReferenceDetector.Rules(
                settings.failureThreshold(), settings.failureWindow().toMillis(), settings.takeoverWindow().toMillis(),
                settings.stuffingThreshold(), settings.grace().toMillis()));
        final List<ReferenceDetector.Alert> actual = new ArrayList<>();
        final Map<String, Object> props = consumer(system, "alerts-check");
        try (EventProducer producer = system.producer();
             KafkaConsumer<String, SecurityAlert> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
                     producer.serdes().securityAlerts().deserializer())) {
            consumer.subscribe(List.of(Names.SECURITY_ALERTS));
            long empty = 0;
            while (empty < 3) {
                final var records = consumer.poll(Duration.ofSeconds(1));
                empty = records.isEmpty() ? empty + 1 : 0;
                records.forEach(record -> {
                    if (!record.value().getUserIds().stream().anyMatch(user -> user.startsWith(Inputs.FLUSH_USER))) {
                        actual.add(ReferenceDetector.Alert.of(record.value()));
                    }
                });
            }
        }
        final Map<String, ReferenceDetector.Alert> byId = new TreeMap<>();
        final List<String> repeated = actual.stream().filter(alert -> byId.put(alert.alertId(), alert) != null)
                .map(ReferenceDetector.Alert::alertId).toList();
        final Map<String, ReferenceDetector.Alert> reference = new TreeMap<>();
        expected.alerts().forEach(alert -> reference.put(alert.alertId(), alert));
        final List<ReferenceDetector.Alert> missing = reference.values().stream()
                .filter(alert -> !byId.containsKey(alert.alertId())).toList();
        final List<ReferenceDetector.Alert> extra = byId.values().stream()
                .filter(alert -> !reference.containsKey(alert.alertId())).toList();
        final List<ReferenceDetector.Alert> differing = byId.values().stream()
                .filter(alert -> reference.containsKey(alert.alertId()) && !reference.get(alert.alertId()).equals(alert))
                .toList();
        System.out.printf("CRASH: %d alerts read committed, %d in the reference%n", actual.size(), reference.size());
        assertThat(repeated).as("alerts written twice").isEmpty();
        assertThat(missing).as("alerts missing").isEmpty();
        assertThat(extra).as("alerts not in the reference").isEmpty();
        assertThat(differing).as("alerts that differ from the reference").isEmpty();
        assertThat(reference.values()).extracting(ReferenceDetector.Alert::kind)
                .contains("REPEATED_LOGIN_FAILURE", "FAILURES_THEN_SUCCESS", "CREDENTIAL_STUFFING");
    }

    private static void assertReadModel(final int port, final List<ViewTraffic.Arrival> views,
                                        final TopologySettings settings) {
        final ReferenceViews.Result expected = ReferenceViews.fold(views, settings.grace().toMillis());
        final Map<String, ReferenceViews.User> actual = new TreeMap<>();
        String cursor = null;
        do {
            final JsonNode page = Http.get(port, "/api/users?limit=500" + (cursor == null ? "" : "&cursor=" + cursor))
                    .json();
            assertThat(page.get("partial").asBoolean()).isFalse();
            page.get("items").forEach(user -> actual.put(user.get("userId").asText(), new ReferenceViews.User(
                    user.get("userId").asText(), user.get("email").asText(),
                    user.get("displayName").isNull() ? null : user.get("displayName").asText(),
                    user.get("status").asText(), Instant.parse(user.get("registeredAt").asText()).toEpochMilli(),
                    Instant.parse(user.get("updatedAt").asText()).toEpochMilli(), user.get("postCount").asLong(),
                    user.get("commentCount").asLong(), user.get("eventsApplied").asLong())));
            cursor = page.get("nextCursor").isNull() ? null : page.get("nextCursor").asText();
        } while (cursor != null);
        assertThat(actual).as("every user view").isEqualTo(expected.users());
        expected.posts().forEach((postId, post) -> {
            final JsonNode view = Http.get(port, "/api/posts/" + postId).json();
            assertThat(view.get("commentCount").asLong()).as(postId).isEqualTo(post.commentCount());
            assertThat(view.get("title").asText()).as(postId).isEqualTo(post.title());
        });
        expected.emailIndex().entrySet().stream().limit(200).forEach(entry -> {
            final Http.Answer owner = Http.get(port, "/api/users?email="
                    + URLEncoder.encode(entry.getKey(), StandardCharsets.UTF_8));
            assertThat(owner.status()).as(entry.getKey() + ": " + owner.body()).isEqualTo(200);
            assertThat(owner.json().get("userId").asText()).as(entry.getKey()).isEqualTo(entry.getValue());
        });
        System.out.printf("CRASH: %d users and %d posts equal to the reference fold%n", actual.size(),
                expected.posts().size());
    }

    /** Every dead letter, described by its stage, reason, origin and message. */
    private static List<String> deadLetters(final TestSystem system) {
        final List<String> letters = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumer(system, "dead-letters-check"),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(Names.DEAD_LETTERS));
            long empty = 0;
            while (empty < 3) {
                final var records = consumer.poll(Duration.ofSeconds(1));
                empty = records.isEmpty() ? empty + 1 : 0;
                records.forEach(record -> letters.add(header(record, DeadLetterHeaders.STAGE) + "/"
                        + header(record, DeadLetterHeaders.REASON) + " from "
                        + header(record, DeadLetterHeaders.ORIGIN_TOPIC) + "-"
                        + header(record, DeadLetterHeaders.ORIGIN_PARTITION) + "@"
                        + header(record, DeadLetterHeaders.ORIGIN_OFFSET) + ": "
                        + header(record, DeadLetterHeaders.ERROR_MESSAGE)));
            }
        }
        return letters;
    }

    private static String header(final ConsumerRecord<?, ?> record, final String name) {
        final Header header = record.headers().lastHeader(name);
        return header == null ? "-" : new String(header.value(), StandardCharsets.UTF_8);
    }

    private static Map<String, Object> consumer(final TestSystem system, final String group) {
        final Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, system.cluster().bootstrapServers());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        return props;
    }
}
