package dev.lookout.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.UUID;

import dev.lookout.events.AuthEvent;
import dev.lookout.events.FailureReason;
import dev.lookout.events.LoginFailed;
import dev.lookout.events.UserEmailChanged;
import dev.lookout.events.UserEvent;
import dev.lookout.events.UserRegistered;
import dev.lookout.schemaregistry.InMemorySchemaRegistry;
import dev.lookout.serde.AvroSerdeConfig;
import dev.lookout.serde.SpecificAvroSerde;
import dev.lookout.serde.WireFormat;
import org.apache.avro.Schema;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Old data still reads: v1-encoded golden records decode with today's reader schema. */
class GoldenDataTest {

    private static final Instant OCCURRED_AT = Instant.ofEpochMilli(GoldenDataWriter.OCCURRED_AT);
    private final String scope = "golden-" + UUID.randomUUID();

    @AfterEach
    void dropScope() {
        InMemorySchemaRegistry.dropScope(scope);
    }

    @Test
    void shouldReadV1RegistrationWithDisplayNameDefaultingToNull() throws IOException {
        final UserEvent event = readRaw("user-events-v1/registered.avro", "user-events-value", UserEvent.class);

        assertThat(event.getEventId()).isEqualTo("e-1");
        assertThat(event.getUserId()).isEqualTo("u-1");
        assertThat(event.getOccurredAt()).isEqualTo(OCCURRED_AT);
        assertThat(event.getPayload()).isEqualTo(new UserRegistered("ada@example.com", null));
    }

    @Test
    void shouldReadV1EmailChange() throws IOException {
        final UserEvent event = readRaw("user-events-v1/email-changed.avro", "user-events-value", UserEvent.class);

        assertThat(event.getPayload()).isEqualTo(new UserEmailChanged("ada@example.com", "ada@lovelace.dev"));
    }

    @Test
    void shouldResolveV1FailureReasonsByNameNotByPosition() throws IOException {
        final AuthEvent unknownUser = readRaw("auth-events-v1/login-failed.avro", "auth-events-value", AuthEvent.class);
        final AuthEvent other = readRaw("auth-events-v1/login-failed-other.avro", "auth-events-value", AuthEvent.class);

        assertThat(unknownUser.getPayload()).isEqualTo(new LoginFailed(FailureReason.UNKNOWN_USER));
        assertThat(other.getPayload()).isEqualTo(new LoginFailed(FailureReason.OTHER));
        assertThat(other.getSourceIp()).isEqualTo("203.0.113.7");
    }

    @Test
    void shouldReadV1RecordsThroughTheRegistryWithTheSerde() throws IOException {
        final InMemorySchemaRegistry registry = InMemorySchemaRegistry.scope(scope);
        final int v1Id = registry.register("user-events-value", v1("user-events-value"));
        final byte[] body = golden("user-events-v1/registered.avro");
        final byte[] wire = new byte[WireFormat.HEADER_SIZE + body.length];
        WireFormat.writeHeader(wire, v1Id);
        System.arraycopy(body, 0, wire, WireFormat.HEADER_SIZE, body.length);

        try (SpecificAvroSerde<UserEvent> serde = new SpecificAvroSerde<>()) {
            serde.configure(Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, "mem://" + scope), false);
            final UserEvent event = serde.deserializer().deserialize("user-events", wire);

            assertThat(event.getPayload()).isEqualTo(new UserRegistered("ada@example.com", null));
        }
    }

    @Test
    void shouldReadBytesWrittenByConfluentsNodeSerializer() throws IOException {
        final InMemorySchemaRegistry registry = InMemorySchemaRegistry.scope(scope);
        assertThat(registry.register("auth-events-value", AuthEvent.getClassSchema())).isEqualTo(1);
        final byte[] wire = HexFormat.of().parseHex(new String(golden("wire/auth-event-confluent-node.hex")).trim());

        try (SpecificAvroSerde<AuthEvent> serde = new SpecificAvroSerde<>()) {
            serde.configure(Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, "mem://" + scope), false);
            final AuthEvent event = serde.deserializer().deserialize("auth-events", wire);

            assertThat(event).isEqualTo(new AuthEvent("a-42", "u-7", Instant.ofEpochMilli(1_700_000_000_123L),
                    "198.51.100.9", new LoginFailed(FailureReason.MFA_FAILED)));
            assertThat(serde.serializer().serialize("auth-events", event))
                    .as("Lookout writes the same bytes as Confluent's serializer")
                    .isEqualTo(wire);
        }
    }

    private static <T> T readRaw(final String resource, final String subject, final Class<T> type) throws IOException {
        final Schema writer = v1(subject);
        final Schema reader = SpecificData.get().getSchema(type);
        final SpecificDatumReader<T> datumReader = new SpecificDatumReader<>(writer, reader,
                SpecificData.getForSchema(reader));
        return datumReader.read(null, DecoderFactory.get().binaryDecoder(golden(resource), null));
    }

    private static Schema v1(final String subject) throws IOException {
        return new Schema.Parser().parse(
                SchemaEvolutionGateTest.historyDir().resolve(subject).resolve("v1.avsc").toFile());
    }

    private static byte[] golden(final String resource) throws IOException {
        try (InputStream in = GoldenDataTest.class.getResourceAsStream("/golden/" + resource)) {
            assertThat(in).as("golden resource %s", resource).isNotNull();
            return in.readAllBytes();
        }
    }

}
