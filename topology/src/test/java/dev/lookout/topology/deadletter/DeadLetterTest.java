package dev.lookout.topology.deadletter;

import static dev.lookout.topology.Events.failed;
import static dev.lookout.topology.Events.registered;
import static dev.lookout.topology.TopologyFixture.T0;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;

import dev.lookout.events.UserEvent;
import dev.lookout.serde.SchemaRegistryUnavailableException;
import dev.lookout.serde.TruncatedPayloadException;
import dev.lookout.serde.UnknownMagicByteException;
import dev.lookout.serde.UnknownSchemaIdException;
import dev.lookout.topology.LookoutCounters;
import dev.lookout.topology.Names;
import dev.lookout.topology.TopologyFixture;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.internals.DefaultErrorHandlerContext;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Each class of dead letter, with real bytes through the whole topology: it lands in
 * {@code lookout.dlq} with its original bytes and headers, and the good records around it are
 * processed.
 */
class DeadLetterTest {

    private final TopologyFixture fixture = new TopologyFixture(TopologyFixture.testSettings());
    private final TestInputTopic<byte[], byte[]> rawUsers = fixture.rawInput(Names.USER_EVENTS);

    @AfterEach
    void close() {
        fixture.close();
    }

    private byte[] bytes(final UserEvent event) {
        return fixture.serdes.userEvents().serializer().serialize(Names.USER_EVENTS, event);
    }

    private static byte[] utf8(final String text) {
        return text == null ? null : text.getBytes(StandardCharsets.UTF_8);
    }

    /** Sends one bad record between two good ones; returns the single dead letter. */
    private TestRecord<byte[], byte[]> deadLetterOf(final byte[] key, final byte[] value) {
        fixture.userEvents.pipeInput("u-1", registered("good-1", "u-1", "a@example.com", "A", T0));
        rawUsers.pipeInput(key, value);
        fixture.userEvents.pipeInput("u-2", registered("good-2", "u-2", "b@example.com", "B", T0.plusSeconds(1)));

        assertThat(fixture.user("u-1")).as("the record before the bad one was processed").isNotNull();
        assertThat(fixture.user("u-2")).as("the record after the bad one was processed").isNotNull();
        final List<TestRecord<byte[], byte[]>> dead = fixture.drainDeadLetters();
        assertThat(dead).hasSize(1);
        final TestRecord<byte[], byte[]> letter = dead.get(0);
        assertThat(letter.key()).as("original key bytes").isEqualTo(key);
        assertThat(letter.value()).as("original value bytes").isEqualTo(value);
        assertOrigin(letter.headers(), Names.USER_EVENTS, 1);
        return letter;
    }

    private static void assertOrigin(final Headers headers, final String topic, final long offset) {
        assertThat(DeadLetterHeaders.text(headers, DeadLetterHeaders.ORIGIN_TOPIC)).isEqualTo(topic);
        assertThat(DeadLetterHeaders.text(headers, DeadLetterHeaders.ORIGIN_PARTITION)).isEqualTo("0");
        assertThat(DeadLetterHeaders.text(headers, DeadLetterHeaders.ORIGIN_OFFSET)).isEqualTo(Long.toString(offset));
        assertThat(DeadLetterHeaders.text(headers, DeadLetterHeaders.ORIGIN_TIMESTAMP)).isNotBlank();
        assertThat(DeadLetterHeaders.text(headers, DeadLetterHeaders.ERROR_TOPIC)).isEqualTo(topic);
        assertThat(DeadLetterHeaders.text(headers, DeadLetterHeaders.ERROR_OFFSET)).isEqualTo(Long.toString(offset));
        assertThat(DeadLetterHeaders.text(headers, DeadLetterHeaders.ERROR_MESSAGE)).isNotBlank();
    }

    private static void assertRejected(final TestRecord<byte[], byte[]> letter, final String stage, final String reason,
                                       final Class<?> exception) {
        assertThat(DeadLetterHeaders.text(letter.headers(), DeadLetterHeaders.STAGE)).isEqualTo(stage);
        assertThat(DeadLetterHeaders.text(letter.headers(), DeadLetterHeaders.REASON)).isEqualTo(reason);
        assertThat(DeadLetterHeaders.text(letter.headers(), DeadLetterHeaders.ERROR_EXCEPTION))
                .isEqualTo(exception.getName());
    }

    @Test
    void shouldDeadLetterABadMagicByte() {
        final TestRecord<byte[], byte[]> letter = deadLetterOf(utf8("u-9"), utf8("{\"user_id\":\"u-9\"}"));

        assertRejected(letter, "deserialize", Reasons.BAD_MAGIC_BYTE, UnknownMagicByteException.class);
        assertThat(fixture.counters.get(LookoutCounters.Kind.DEAD_LETTERS, "deserialize/bad-magic-byte")).isEqualTo(1);
    }

    @Test
    void shouldDeadLetterAnUnknownSchemaId() {
        final byte[] value = bytes(registered("e-9", "u-9", "x@example.com", null, T0));
        value[1] = 0x7f;

        assertRejected(deadLetterOf(utf8("u-9"), value), "deserialize", Reasons.UNKNOWN_SCHEMA_ID,
                UnknownSchemaIdException.class);
    }

    @Test
    void shouldDeadLetterTruncatedAvro() {
        final byte[] whole = bytes(registered("e-9", "u-9", "x@example.com", "X", T0));

        assertRejected(deadLetterOf(utf8("u-9"), Arrays.copyOf(whole, whole.length - 3)), "deserialize",
                Reasons.TRUNCATED, TruncatedPayloadException.class);
    }

    @Test
    void shouldDeadLetterANullKey() {
        assertRejected(deadLetterOf(null, bytes(registered("e-9", "u-9", "x@example.com", "X", T0))),
                Names.USER_EVENTS_GUARD, Reasons.NULL_KEY, RejectedRecordException.class);
    }

    @Test
    void shouldDeadLetterANullValue() {
        assertRejected(deadLetterOf(utf8("u-9"), null), Names.USER_EVENTS_GUARD, Reasons.NULL_VALUE,
                RejectedRecordException.class);
    }

    @Test
    void shouldDeadLetterAKeyThatDiffersFromThePayload() {
        final TestRecord<byte[], byte[]> letter = deadLetterOf(utf8("u-7"),
                bytes(registered("e-9", "u-9", "x@example.com", "X", T0)));

        assertRejected(letter, Names.USER_EVENTS_GUARD, Reasons.KEY_MISMATCH, RejectedRecordException.class);
        assertThat(DeadLetterHeaders.text(letter.headers(), DeadLetterHeaders.ERROR_MESSAGE))
                .contains("'u-7'").contains("'u-9'");
    }

    @Test
    void shouldDeadLetterALateAuthEvent() {
        final TestInputTopic<byte[], byte[]> rawAuth = fixture.rawInput(Names.AUTH_EVENTS);
        fixture.authEvents.pipeInput("u-1", failed("a-1", "u-1", "10.0.0.1", T0.plusSeconds(120)));
        final byte[] late = fixture.serdes.authEvents().serializer().serialize(Names.AUTH_EVENTS,
                failed("a-2", "u-1", "10.0.0.1", T0));
        rawAuth.pipeInput(utf8("u-1"), late);

        final List<TestRecord<byte[], byte[]>> dead = fixture.drainDeadLetters();
        assertThat(dead).singleElement().satisfies(letter -> {
            assertRejected(letter, Names.AUTH_EVENTS_GUARD, Reasons.LATE, RejectedRecordException.class);
            assertThat(letter.value()).isEqualTo(late);
            assertOrigin(letter.headers(), Names.AUTH_EVENTS, 1);
        });
        assertThat(fixture.counters.get(LookoutCounters.Kind.LATE_EVENTS, Names.AUTH_EVENTS)).isEqualTo(1);
    }

    @Test
    void shouldDeadLetterAProcessingExceptionWithTheOriginalBytesAndGoOn() {
        final StreamsBuilder builder = new StreamsBuilder();
        builder.stream("in", Consumed.with(Serdes.String(), Serdes.String()).withName("in-source"))
                .mapValues(value -> {
                    if (value.startsWith("boom")) {
                        throw new IllegalStateException("cannot handle " + value);
                    }
                    return value.toUpperCase();
                }, Named.as("shout"))
                .to("out", Produced.with(Serdes.String(), Serdes.String()).withName("out-sink"));
        final Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "dlq-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, Names.DEAD_LETTERS);
        props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterProcessingHandler.class);
        try (TopologyTestDriver driver = new TopologyTestDriver(builder.build(), props)) {
            final TestInputTopic<String, String> in = driver.createInputTopic("in", new StringSerializer(),
                    new StringSerializer());
            final TestOutputTopic<String, String> out = driver.createOutputTopic("out", new StringDeserializer(),
                    new StringDeserializer());
            final TestOutputTopic<byte[], byte[]> dlq = driver.createOutputTopic(Names.DEAD_LETTERS,
                    new ByteArrayDeserializer(), new ByteArrayDeserializer());

            in.pipeInput("k1", "one");
            in.pipeInput("k2", "boom two");
            in.pipeInput("k3", "three");

            assertThat(out.readValuesToList()).containsExactly("ONE", "THREE");
            final TestRecord<byte[], byte[]> letter = dlq.readRecord();
            assertThat(new String(letter.value(), StandardCharsets.UTF_8)).isEqualTo("boom two");
            assertThat(new String(letter.key(), StandardCharsets.UTF_8)).isEqualTo("k2");
            assertRejected(letter, "shout", Reasons.PROCESSING_ERROR, IllegalStateException.class);
            assertOrigin(letter.headers(), "in", 1);
            assertThat(DeadLetterHeaders.text(letter.headers(), DeadLetterHeaders.ERROR_STACKTRACE))
                    .contains("cannot handle boom two");
            assertThat(dlq.isEmpty()).isTrue();
        }
    }

    @Test
    void shouldFailRatherThanDeadLetterWhenTheRegistryIsDown() {
        final DeadLetterDeserializationHandler handler = new DeadLetterDeserializationHandler();
        handler.configure(java.util.Map.of());
        final ConsumerRecord<byte[], byte[]> record = new ConsumerRecord<>(Names.USER_EVENTS, 0, 5L, utf8("u-1"),
                new byte[] {0, 0, 0, 0, 1});

        final DeserializationExceptionHandler.Response response = handler.handleError(
                new DefaultErrorHandlerContext(null, Names.USER_EVENTS, 0, 5L, record.headers(), "user-events-source",
                        new TaskId(0, 0), 0L, record.key(), record.value()),
                record, new SchemaRegistryUnavailableException("registry down", null));

        assertThat(response.result()).isEqualTo(DeserializationExceptionHandler.Result.FAIL);
        assertThat(response.deadLetterQueueRecords()).isEmpty();
    }

}
