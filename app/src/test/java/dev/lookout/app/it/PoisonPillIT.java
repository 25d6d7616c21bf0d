package dev.lookout.app.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.lookout.app.LookoutApp;
import dev.lookout.topology.Events;
import dev.lookout.topology.Names;
import dev.lookout.topology.deadletter.DeadLetterHeaders;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Poison pills through a real broker: a bad magic byte, an unknown schema id, truncated Avro, a
 * null key, a null value, a key that differs from the payload and a late event each land in
 * {@code lookout.dlq} with their original bytes and the right headers, read committed; the app
 * stays RUNNING and processes the good records around them.
 */
@Timeout(240)
class PoisonPillIT {

    private record Pill(String name, String topic, byte[] key, byte[] value, String stage, String reason) {
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = TestCluster.Kind.class, names = {"EMBEDDED", "CONTAINER"})
    void shouldDeadLetterEveryPoisonPillAndKeepRunning(final TestCluster.Kind kind, @TempDir final Path dir)
            throws Exception {
        assumeThat(TestCluster.unavailableReason(kind)).as(TestCluster.unavailableReason(kind)).isNull();
        try (TestSystem system = new TestSystem(kind, dir); EventProducer producer = system.producer()) {
            final LookoutApp app = system.startApp("--partitions", "3", "--grace", "30s");
            await().atMost(Duration.ofSeconds(90)).until(() -> Http.get(app.httpPort(), "/health/ready").status() == 200);
            final Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);

            producer.send(Events.registered("good-1", "u-1", "a@example.com", "A", now));
            final byte[] valid = producer.serdes().userEvents().serializer().serialize(Names.USER_EVENTS,
                    Events.registered("bad", "u-9", "x@example.com", "X", now));
            final byte[] unknownId = valid.clone();
            unknownId[1] = 0x7f;
            final byte[] keyMismatch = valid;
            final byte[] late = producer.serdes().authEvents().serializer().serialize(Names.AUTH_EVENTS,
                    Events.failed("late", "u-1", "10.0.0.1", now.minusSeconds(300)));
            final List<Pill> pills = List.of(
                    new Pill("bad magic byte", Names.USER_EVENTS, utf8("u-9"), utf8("{\"user_id\":\"u-9\"}"),
                            "deserialize", "bad-magic-byte"),
                    new Pill("unknown schema id", Names.USER_EVENTS, utf8("u-9"), unknownId, "deserialize",
                            "unknown-schema-id"),
                    new Pill("truncated Avro", Names.USER_EVENTS, utf8("u-9"), Arrays.copyOf(valid, valid.length - 4),
                            "deserialize", "truncated"),
                    new Pill("null key", Names.USER_EVENTS, null, valid, Names.USER_EVENTS_GUARD, "null-key"),
                    new Pill("null value", Names.USER_EVENTS, utf8("u-9"), null, Names.USER_EVENTS_GUARD, "null-value"),
                    new Pill("key mismatch", Names.USER_EVENTS, utf8("u-8"), keyMismatch, Names.USER_EVENTS_GUARD,
                            "key-mismatch"),
                    new Pill("late event", Names.AUTH_EVENTS, utf8("u-1"), late, Names.AUTH_EVENTS_GUARD, "late"));
            producer.send(Events.succeeded("clock", "u-1", "10.0.0.1", now));
            for (final Pill pill : pills) {
                producer.raw(pill.topic(), pill.key() == null ? null : new String(pill.key(), StandardCharsets.UTF_8),
                        pill.value());
            }
            producer.send(Events.registered("good-2", "u-2", "b@example.com", "B", now.plusSeconds(1)));

            await().atMost(Duration.ofSeconds(60)).until(() -> Http.get(app.httpPort(), "/api/users/u-2").status() == 200);
            assertThat(Http.get(app.httpPort(), "/api/users/u-1").status()).isEqualTo(200);
            final List<ConsumerRecord<byte[], byte[]>> dead = readDeadLetters(system, pills.size());
            for (final Pill pill : pills) {
                assertThat(dead).as(pill.name()).anySatisfy(letter -> {
                    final Headers headers = letter.headers();
                    assertThat(DeadLetterHeaders.text(headers, DeadLetterHeaders.REASON)).isEqualTo(pill.reason());
                    assertThat(DeadLetterHeaders.text(headers, DeadLetterHeaders.STAGE)).isEqualTo(pill.stage());
                    assertThat(DeadLetterHeaders.text(headers, DeadLetterHeaders.ORIGIN_TOPIC)).isEqualTo(pill.topic());
                    assertThat(DeadLetterHeaders.text(headers, DeadLetterHeaders.ORIGIN_PARTITION)).isNotBlank();
                    assertThat(DeadLetterHeaders.text(headers, DeadLetterHeaders.ORIGIN_OFFSET)).isNotBlank();
                    assertThat(DeadLetterHeaders.text(headers, DeadLetterHeaders.ORIGIN_TIMESTAMP)).isNotBlank();
                    assertThat(DeadLetterHeaders.text(headers, DeadLetterHeaders.ERROR_EXCEPTION)).isNotBlank();
                    assertThat(DeadLetterHeaders.text(headers, DeadLetterHeaders.ERROR_MESSAGE)).isNotBlank();
                    assertThat(letter.value()).isEqualTo(pill.value());
                    assertThat(letter.key()).isEqualTo(pill.key());
                });
            }
            assertThat(dead).hasSize(pills.size());
            assertThat(app.runtime().streams().state()).isEqualTo(KafkaStreams.State.RUNNING);
            assertThat(Http.get(app.httpPort(), "/metrics").body())
                    .contains("lookout_dead_letters_total{reason=\"bad-magic-byte\",stage=\"deserialize\"} 1.0");
        }
    }

    private static List<ConsumerRecord<byte[], byte[]>> readDeadLetters(final TestSystem system, final int expected) {
        final Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, system.cluster().bootstrapServers());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "dlq-check");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        final List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(Names.DEAD_LETTERS));
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                consumer.poll(Duration.ofMillis(500)).forEach(records::add);
                return records.size() >= expected;
            });
            consumer.poll(Duration.ofSeconds(2)).forEach(records::add);
        }
        return records;
    }

    private static byte[] utf8(final String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
