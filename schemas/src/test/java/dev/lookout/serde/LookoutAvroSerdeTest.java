package dev.lookout.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import dev.lookout.events.AlertKind;
import dev.lookout.events.AuthEvent;
import dev.lookout.events.CommentAdded;
import dev.lookout.events.ContentEvent;
import dev.lookout.events.FailureReason;
import dev.lookout.events.LoginFailed;
import dev.lookout.events.LoginSucceeded;
import dev.lookout.events.SecurityAlert;
import dev.lookout.events.UserDeactivated;
import dev.lookout.events.UserEvent;
import dev.lookout.events.UserRegistered;
import dev.lookout.schemaregistry.InMemorySchemaRegistry;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class LookoutAvroSerdeTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private final String scope = "serde-" + UUID.randomUUID();
    private final String url = "mem://" + scope;

    @AfterEach
    void dropScope() {
        InMemorySchemaRegistry.dropScope(scope);
    }

    private <T extends org.apache.avro.specific.SpecificRecord> SpecificAvroSerde<T> specificSerde(
            final Map<String, Object> extra) {
        final SpecificAvroSerde<T> serde = new SpecificAvroSerde<>();
        final Map<String, Object> config = new HashMap<>(extra);
        config.putIfAbsent(AvroSerdeConfig.SCHEMA_REGISTRY_URL, url);
        serde.configure(config, false);
        return serde;
    }

    @Test
    void shouldRoundTripEveryEventTypeInConfluentsWireFormat() {
        try (SpecificAvroSerde<org.apache.avro.specific.SpecificRecord> serde = specificSerde(Map.of())) {
            final List<org.apache.avro.specific.SpecificRecord> events = List.of(
                    new UserEvent("e-1", "u-1", T0, new UserRegistered("a@example.com", "Ada")),
                    new UserEvent("e-2", "u-1", T0, new UserDeactivated(null)),
                    new ContentEvent("e-3", T0, new CommentAdded("c-1", "p-1", "u-2")),
                    new AuthEvent("e-4", "u-1", T0, "10.0.0.1", new LoginSucceeded("password")),
                    new AuthEvent("e-5", "u-1", T0, "10.0.0.1", new LoginFailed(FailureReason.MFA_FAILED)),
                    new SecurityAlert("al-1", AlertKind.REPEATED_LOGIN_FAILURE, "u-1", null, 3, T0, T0, T0,
                            List.of("10.0.0.1"), List.of("e-5"), List.of()));
            for (final var event : events) {
                final String topic = event.getClass().getSimpleName();
                final byte[] bytes = serde.serializer().serialize(topic, event);

                assertThat(bytes[0]).isEqualTo(WireFormat.MAGIC_BYTE);
                final int id = ByteBuffer.wrap(bytes, 1, 4).getInt();
                assertThat(InMemorySchemaRegistry.scope(scope).latest(topic + "-value").id()).isEqualTo(id);
                assertThat(serde.deserializer().deserialize(topic, bytes)).isEqualTo(event);
            }
        }
    }

    @Test
    void shouldReturnNullForNullAndWriteNullForNull() {
        try (SpecificAvroSerde<UserEvent> serde = specificSerde(Map.of())) {
            assertThat(serde.serializer().serialize("t", null)).isNull();
            assertThat(serde.deserializer().deserialize("t", null)).isNull();
        }
    }

    @Test
    void shouldReadSpecificallyWrittenRecordsAsGenericRecordsWithTheWriterSchema() {
        final AuthEvent event = new AuthEvent("e-1", "u-1", T0, "10.0.0.1", new LoginFailed(FailureReason.BAD_PASSWORD));
        try (SpecificAvroSerde<AuthEvent> specific = specificSerde(Map.of());
             GenericAvroSerde generic = new GenericAvroSerde()) {
            generic.configure(Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, url), false);
            final GenericRecord read = generic.deserializer().deserialize("auth-events",
                    specific.serializer().serialize("auth-events", event));

            assertThat(read.getSchema()).isEqualTo(AuthEvent.getClassSchema());
            assertThat(read.get("occurred_at")).isEqualTo(T0.toEpochMilli());
            assertThat(((GenericRecord) read.get("payload")).get("reason").toString()).isEqualTo("BAD_PASSWORD");
            assertThat(generic.serializer().serialize("auth-events", read))
                    .isEqualTo(specific.serializer().serialize("auth-events", event));
        }
    }

    @Test
    void shouldRejectAnUnknownMagicByte() {
        try (SpecificAvroSerde<UserEvent> serde = specificSerde(Map.of())) {
            assertThatThrownBy(() -> serde.deserializer().deserialize("user-events", "{\"json\":1}".getBytes()))
                    .isInstanceOf(UnknownMagicByteException.class)
                    .hasMessageContaining("0x7b")
                    .hasMessageContaining("user-events");
        }
    }

    @Test
    void shouldRejectAnUnknownSchemaId() {
        final byte[] record = new byte[] {0, 0, 0, 3, (byte) 0xE7, 2, 'x'};
        try (SpecificAvroSerde<UserEvent> serde = specificSerde(Map.of())) {
            assertThatThrownBy(() -> serde.deserializer().deserialize("user-events", record))
                    .isInstanceOfSatisfying(UnknownSchemaIdException.class,
                            e -> assertThat(e.schemaId()).isEqualTo(999))
                    .hasMessageContaining("Schema id 999");
        }
    }

    @Test
    void shouldRejectATruncatedHeaderAndATruncatedBody() {
        final UserEvent event = new UserEvent("e-1", "u-1", T0, new UserRegistered("a@example.com", "Ada"));
        try (SpecificAvroSerde<UserEvent> serde = specificSerde(Map.of())) {
            final byte[] whole = serde.serializer().serialize("user-events", event);

            assertThatThrownBy(() -> serde.deserializer().deserialize("user-events", new byte[] {0, 0, 0}))
                    .isInstanceOf(TruncatedPayloadException.class)
                    .hasMessageContaining("3 bytes");
            assertThatThrownBy(() -> serde.deserializer().deserialize("user-events",
                    Arrays.copyOf(whole, whole.length - 4)))
                    .isInstanceOf(TruncatedPayloadException.class)
                    .hasMessageContaining("Avro body ended");
        }
    }

    @Test
    void shouldRejectABodyThatDoesNotMatchItsSchema() {
        final UserEvent event = new UserEvent("e-1", "u-1", T0, new UserDeactivated(null));
        try (SpecificAvroSerde<UserEvent> serde = specificSerde(Map.of())) {
            final byte[] bytes = serde.serializer().serialize("user-events", event);
            // The union index of UserDeactivated (3, zig-zag 6) is the byte before its reason's null (0).
            bytes[bytes.length - 2] = 0x7e;

            assertThatThrownBy(() -> serde.deserializer().deserialize("user-events", bytes))
                    .isInstanceOf(MalformedPayloadException.class);
        }
    }

    @Test
    void shouldRefuseToProduceAnUnregisteredSchemaWhenAutoRegisterIsOff() {
        final UserEvent event = new UserEvent("e-1", "u-1", T0, new UserDeactivated(null));
        try (SpecificAvroSerde<UserEvent> serde = specificSerde(Map.of(AvroSerdeConfig.AUTO_REGISTER_SCHEMAS, "false"))) {
            assertThatThrownBy(() -> serde.serializer().serialize("user-events", event))
                    .isInstanceOf(SchemaRegistrationException.class)
                    .hasMessageContaining("auto.register.schemas=false");

            final int id = InMemorySchemaRegistry.scope(scope).register("user-events-value", UserEvent.getClassSchema());
            assertThat(ByteBuffer.wrap(serde.serializer().serialize("user-events", event), 1, 4).getInt()).isEqualTo(id);
        }
    }

    @Test
    void shouldWriteWithTheLatestVersionWhenAsked() {
        final Schema v1 = new Schema.Parser().parse(
                "{\"type\":\"record\",\"name\":\"Thing\",\"fields\":[{\"name\":\"a\",\"type\":\"int\"}]}");
        final Schema v2 = new Schema.Parser().parse("{\"type\":\"record\",\"name\":\"Thing\",\"fields\":["
                + "{\"name\":\"a\",\"type\":\"int\"},{\"name\":\"b\",\"type\":\"string\",\"default\":\"none\"}]}");
        InMemorySchemaRegistry.scope(scope).register("things-value", v1);
        final int latestId = InMemorySchemaRegistry.scope(scope).register("things-value", v2);
        final GenericRecord old = new GenericData.Record(v1);
        old.put("a", 7);

        try (GenericAvroSerde serde = new GenericAvroSerde()) {
            serde.configure(Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, url,
                    AvroSerdeConfig.USE_LATEST_VERSION, true, AvroSerdeConfig.AUTO_REGISTER_SCHEMAS, false), false);
            final byte[] bytes = serde.serializer().serialize("things", old);
            final GenericRecord read = serde.deserializer().deserialize("things", bytes);

            assertThat(ByteBuffer.wrap(bytes, 1, 4).getInt()).isEqualTo(latestId);
            assertThat(read.get("a")).isEqualTo(7);
            assertThat(read.get("b").toString()).isEqualTo("none");
        }
    }

    @Test
    @Timeout(30)
    void shouldRetryAFailingRegistryWithBackoffThenFailWithAClearError() throws IOException {
        final AtomicInteger requests = new AtomicInteger();
        try (ServerSocket answers503 = new ServerSocket(0)) {
            final Thread server = new Thread(() -> {
                while (!answers503.isClosed()) {
                    try (Socket socket = answers503.accept()) {
                        final var in = new java.io.BufferedReader(new java.io.InputStreamReader(socket.getInputStream()));
                        String line;
                        do {
                            line = in.readLine();
                        } while (line != null && !line.isEmpty());
                        requests.incrementAndGet();
                        socket.getOutputStream().write(("HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n"
                                + "Connection: close\r\n\r\n").getBytes());
                    } catch (IOException closed) {
                        return;
                    }
                }
            });
            server.setDaemon(true);
            server.start();
            final String registry = "http://localhost:" + answers503.getLocalPort();
            final byte[] record = new byte[] {0, 0, 0, 0, 1, 2};
            try (SpecificAvroSerde<UserEvent> serde = specificSerde(Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, registry,
                    AvroSerdeConfig.MAX_RETRIES, 2, AvroSerdeConfig.RETRIES_WAIT_MS, 10,
                    AvroSerdeConfig.RETRIES_MAX_WAIT_MS, 40))) {

                assertThatThrownBy(() -> serde.deserializer().deserialize("user-events", record))
                        .isInstanceOf(SchemaRegistryUnavailableException.class)
                        .hasMessageContaining(registry)
                        .hasMessageContaining("HTTP 503")
                        .hasMessageContaining("after 3 attempts")
                        .hasMessageContaining("schema.registry.url");
                assertThat(requests.get()).isEqualTo(3);
            }
        }
    }

    @Test
    @Timeout(30)
    void shouldFailWithAClearErrorWhenNothingListens() throws IOException {
        final int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        try (SpecificAvroSerde<UserEvent> serde = specificSerde(Map.of(
                AvroSerdeConfig.SCHEMA_REGISTRY_URL, "http://localhost:" + closedPort,
                AvroSerdeConfig.MAX_RETRIES, 1, AvroSerdeConfig.RETRIES_WAIT_MS, 10))) {
            assertThatThrownBy(() -> serde.serializer().serialize("user-events",
                    new UserEvent("e-1", "u-1", T0, new UserDeactivated(null))))
                    .isInstanceOf(SchemaRegistryUnavailableException.class)
                    .hasMessageContaining("ConnectException")
                    .hasMessageContaining("after 2 attempts");
        }
    }

    @Test
    void shouldNameTheKeyOfABadConfiguration() {
        assertThatThrownBy(() -> AvroSerdeConfig.from(Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("schema.registry.url");
        assertThatThrownBy(() -> AvroSerdeConfig.from(Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, "ftp://x")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("schema.registry.url");
        assertThatThrownBy(() -> AvroSerdeConfig.from(Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, url,
                AvroSerdeConfig.AUTO_REGISTER_SCHEMAS, "yes")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("auto.register.schemas");
        assertThatThrownBy(() -> AvroSerdeConfig.from(Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, url,
                AvroSerdeConfig.VALUE_SUBJECT_NAME_STRATEGY, "RecordNameStrategy")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("value.subject.name.strategy");
        assertThatThrownBy(() -> AvroSerdeConfig.from(Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, url,
                AvroSerdeConfig.BASIC_AUTH_CREDENTIALS_SOURCE, "USER_INFO")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("basic.auth.user.info");
    }

    @Test
    void shouldTakeBasicAuthFromTheUrlOrFromUserInfo() {
        final AvroSerdeConfig fromUrl = AvroSerdeConfig.from(Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL,
                "http://ada:secret@reg-1:8081, http://reg-2:8081"));
        final AvroSerdeConfig fromInfo = AvroSerdeConfig.from(Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL,
                "https://reg:8081", AvroSerdeConfig.BASIC_AUTH_CREDENTIALS_SOURCE, "USER_INFO",
                AvroSerdeConfig.BASIC_AUTH_USER_INFO, "key:value"));

        assertThat(fromUrl.basicAuthUserInfo()).contains("ada:secret");
        assertThat(fromUrl.registryUrls()).extracting(Object::toString)
                .containsExactly("http://reg-1:8081", "http://reg-2:8081");
        assertThat(fromInfo.basicAuthUserInfo()).contains("key:value");
    }
}
