package dev.lookout.app.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class LookoutCommandTest {

    private final AtomicReference<LookoutConfig> ran = new AtomicReference<>();

    private int run(final Map<String, String> environment, final String... args) {
        final CommandLine commandLine = LookoutCommand.commandLine(config -> {
            ran.set(config);
            return 0;
        }, demo -> 0, args, environment);
        final StringWriter err = new StringWriter();
        commandLine.setErr(new PrintWriter(err));
        final int code = commandLine.execute(args);
        lastError = err.toString();
        return code;
    }

    private String lastError = "";

    @Test
    void shouldDefaultToTheEmbeddedSystem() {
        assertThat(run(Map.of())).isZero();

        final LookoutConfig config = ran.get();
        assertThat(config.mode()).isEqualTo(Mode.EMBEDDED);
        assertThat(config.demo()).isTrue();
        assertThat(config.httpPort()).isEqualTo(8080);
        assertThat(config.applicationServer()).isEqualTo("localhost:8080");
        assertThat(config.processingGuarantee()).isEqualTo("exactly_once_v2");
        assertThat(config.replicationFactor()).isEqualTo((short) 1);
        assertThat(config.topology().grace()).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.topology().userHistoryRetention()).isEqualTo(Duration.ofDays(30));
    }

    @Test
    void shouldRunInProductionModeWhenGivenACluster() {
        assertThat(run(Map.of(), "--bootstrap-servers", "kafka-1:9092", "--schema-registry-url", "http://sr:8081",
                "--application-server", "lookout-0.lookout:8080", "--state-dir", "/var/lib/lookout")).isZero();

        final LookoutConfig config = ran.get();
        assertThat(config.mode()).isEqualTo(Mode.PRODUCTION);
        assertThat(config.demo()).isFalse();
        assertThat(config.replicationFactor()).isEqualTo((short) -1);
        assertThat(config.applicationServer()).isEqualTo("lookout-0.lookout:8080");
        assertThat(config.stateDir()).isEqualTo(Path.of("/var/lib/lookout"));
    }

    @Test
    void shouldTakeFlagsOverEnvironmentOverFileOverDefaults(@TempDir final Path dir) throws IOException {
        final Path file = dir.resolve("lookout.properties");
        Files.writeString(file, String.join("\n", "http-port=7001", "grace=10s", "partitions=3",
                "kafka.security.protocol=SSL", "kafka.linger.ms=5"));

        assertThat(run(Map.of("LOOKOUT_HTTP_PORT", "7002", "LOOKOUT_GRACE", "20s", "LOOKOUT_KAFKA_LINGER_MS", "7"),
                "--config", file.toString(), "--http-port", "7003", "--kafka", "acks=all")).isZero();

        final LookoutConfig config = ran.get();
        assertThat(config.httpPort()).as("flag wins").isEqualTo(7003);
        assertThat(config.topology().grace()).as("environment over file").isEqualTo(Duration.ofSeconds(20));
        assertThat(config.topology().partitions()).as("file over default").isEqualTo(3);
        assertThat(config.kafka()).containsEntry("security.protocol", "SSL")
                .containsEntry("linger.ms", "7").containsEntry("acks", "all");
    }

    @Test
    void shouldPassEveryKafkaPropertyThrough() {
        assertThat(run(Map.of(), "--kafka", "security.protocol=SASL_SSL", "--kafka", "sasl.mechanism=SCRAM-SHA-512",
                "--kafka", "sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;")).isZero();

        assertThat(ran.get().kafka()).containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("sasl.mechanism", "SCRAM-SHA-512")
                .containsEntry("sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required;");
    }

    @Test
    void shouldFailAtStartUpNamingTheKey() {
        assertThat(run(Map.of(), "--mode", "production", "--bootstrap-servers", "k:9092")).isEqualTo(2);
        assertThat(lastError).contains("--schema-registry-url").contains("LOOKOUT_SCHEMA_REGISTRY_URL");

        assertThat(run(Map.of("LOOKOUT_HTTP_PORT", "99999"))).isEqualTo(2);
        assertThat(lastError).contains("--http-port").contains("LOOKOUT_HTTP_PORT");

        assertThat(run(Map.of(), "--grace", "soon")).isEqualTo(2);
        assertThat(lastError).contains("--grace");

        assertThat(run(Map.of(), "--processing-guarantee", "exactly_once")).isEqualTo(2);
        assertThat(lastError).contains("--processing-guarantee");

        assertThat(run(Map.of(), "--history-retention", "1h")).isEqualTo(2);
        assertThat(lastError).contains("--history-retention");

        assertThat(run(Map.of(), "--application-server", "no-port")).isEqualTo(2);
        assertThat(lastError).contains("--application-server");

        assertThat(run(Map.of(), "--no-such-option")).isEqualTo(2);
        assertThat(lastError).contains("--no-such-option");
    }

    @Test
    void shouldNameAnUnreadableConfigFile() {
        assertThatThrownBy(() -> run(Map.of(), "--config", "/does/not/exist.properties"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--config");
    }

    @Test
    void shouldReadDurationsInShortAndIsoForms() {
        assertThat(Durations.parse("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(Durations.parse("5m")).isEqualTo(Duration.ofMinutes(5));
        assertThat(Durations.parse("7d")).isEqualTo(Duration.ofDays(7));
        assertThat(Durations.parse("PT30S")).isEqualTo(Duration.ofSeconds(30));
    }
}
