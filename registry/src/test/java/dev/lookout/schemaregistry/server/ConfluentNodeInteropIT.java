package dev.lookout.schemaregistry.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.lookout.events.AuthEvent;
import dev.lookout.events.FailureReason;
import dev.lookout.events.LoginFailed;
import dev.lookout.events.LoginSucceeded;
import dev.lookout.schemaregistry.InMemorySchemaRegistry;
import dev.lookout.serde.AvroSerdeConfig;
import dev.lookout.serde.SpecificAvroSerde;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Interop with Confluent's own code: the official Node.js client {@code @confluentinc/schemaregistry}
 * (installed from npm by the build into {@code interop/}) talks to Lookout's registry server and
 * reads and writes the same records as Lookout's serde.
 */
@Timeout(120)
class ConfluentNodeInteropIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path INTEROP = Path.of(System.getProperty("lookout.interop.dir", "../interop"));
    private static SchemaRegistryServer server;

    @BeforeAll
    static void start() {
        assertThat(INTEROP.resolve("node_modules/@confluentinc/schemaregistry"))
                .as("npm ci must have installed Confluent's client into %s", INTEROP.toAbsolutePath())
                .isDirectory();
        server = SchemaRegistryServer.start("localhost", 0, new InMemorySchemaRegistry());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static SpecificAvroSerde<AuthEvent> lookoutSerde() {
        final SpecificAvroSerde<AuthEvent> serde = new SpecificAvroSerde<>();
        serde.configure(Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, server.url().toString()), false);
        return serde;
    }

    @Test
    void confluentsDeserializerReadsWhatLookoutWrites() throws Exception {
        final AuthEvent event = new AuthEvent("a-1", "u-1", Instant.ofEpochMilli(1_767_225_600_123L), "192.0.2.1",
                new LoginFailed(FailureReason.ACCOUNT_LOCKED));
        final byte[] written;
        try (SpecificAvroSerde<AuthEvent> serde = lookoutSerde()) {
            written = serde.serializer().serialize("interop-java-to-node", event);
        }

        final JsonNode read = JSON.readTree(node("decode", server.url().toString(), "interop-java-to-node",
                HexFormat.of().formatHex(written)));

        assertThat(read.get("event_id").asText()).isEqualTo("a-1");
        assertThat(read.get("user_id").asText()).isEqualTo("u-1");
        assertThat(read.get("occurred_at").asLong()).isEqualTo(1_767_225_600_123L);
        assertThat(read.get("source_ip").asText()).isEqualTo("192.0.2.1");
        assertThat(read.get("payload").get("dev.lookout.events.LoginFailed").get("reason").asText())
                .isEqualTo("ACCOUNT_LOCKED");
    }

    @Test
    void lookoutReadsWhatConfluentsSerializerWritesUnderASchemaItRegistered() throws Exception {
        final Path schemaFile = Path.of(System.getProperty("lookout.schemas.dir", "../schemas"))
                .resolve("src/main/avro/AuthEvent.avsc");
        final int nodeId = Integer.parseInt(node("register", server.url().toString(), "interop-node-to-java-value",
                schemaFile.toString()));
        final String value = "{\"event_id\":\"a-2\",\"user_id\":\"u-2\",\"occurred_at\":1767225600456,"
                + "\"source_ip\":\"198.51.100.2\",\"payload\":{\"dev.lookout.events.LoginSucceeded\":{\"method\":\"sso\"}}}";

        final byte[] written = HexFormat.of().parseHex(node("encode", server.url().toString(), "interop-node-to-java",
                value, Integer.toString(nodeId)));

        assertThat(ByteBuffer.wrap(written, 1, 4).getInt()).isEqualTo(nodeId);
        try (SpecificAvroSerde<AuthEvent> serde = lookoutSerde()) {
            assertThat(serde.deserializer().deserialize("interop-node-to-java", written)).isEqualTo(
                    new AuthEvent("a-2", "u-2", Instant.ofEpochMilli(1_767_225_600_456L), "198.51.100.2",
                            new LoginSucceeded("sso")));
        }
    }

    @Test
    void bothSidesWriteTheSameBytesForTheSameSchemaId() throws Exception {
        final AuthEvent event = new AuthEvent("a-3", "u-3", Instant.ofEpochMilli(1_767_225_600_789L), "203.0.113.3",
                new LoginFailed(FailureReason.BAD_PASSWORD));
        final byte[] lookoutBytes;
        try (SpecificAvroSerde<AuthEvent> serde = lookoutSerde()) {
            lookoutBytes = serde.serializer().serialize("interop-same-bytes", event);
        }
        final int id = ByteBuffer.wrap(lookoutBytes, 1, 4).getInt();
        final String value = "{\"event_id\":\"a-3\",\"user_id\":\"u-3\",\"occurred_at\":1767225600789,"
                + "\"source_ip\":\"203.0.113.3\",\"payload\":{\"dev.lookout.events.LoginFailed\":{\"reason\":\"BAD_PASSWORD\"}}}";

        final String nodeHex = node("encode", server.url().toString(), "interop-same-bytes", value, Integer.toString(id));

        assertThat(nodeHex).isEqualTo(HexFormat.of().formatHex(lookoutBytes));
    }

    private static String node(final String... args) throws IOException, InterruptedException {
        final List<String> command = new ArrayList<>(List.of("node", "confluent-serde.js"));
        command.addAll(List.of(args));
        final Process process = new ProcessBuilder(command).directory(INTEROP.toFile()).start();
        final byte[] out = process.getInputStream().readAllBytes();
        final byte[] err = process.getErrorStream().readAllBytes();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("node finished").isTrue();
        assertThat(process.exitValue()).as("node %s failed: %s", args[0], new String(err, StandardCharsets.UTF_8))
                .isZero();
        return new String(out, StandardCharsets.UTF_8).trim();
    }

}
