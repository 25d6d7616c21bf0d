package dev.lookout.app.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import dev.lookout.app.security.ApiKey;
import dev.lookout.app.security.Scope;
import dev.lookout.app.security.Security;
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

    private static final String TOKEN = "lk_test-token-for-the-config-tests";
    private static final String SECRET = "a-shared-secret-of-at-least-32-characters";
    private static final String KEY = "ops:" + HexFormat.of().formatHex(ApiKey.hash(TOKEN)) + ":read:users,read:alerts";

    @Test
    void shouldRunInProductionModeWhenGivenACluster() {
        assertThat(run(Map.of("LOOKOUT_API_KEY", KEY, "LOOKOUT_INTERNAL_SECRET", SECRET), "--bootstrap-servers",
                "kafka-1:9092", "--schema-registry-url", "http://sr:8081",
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
    void productionModeRequiresKeysAndASharedSecretUnlessToldOtherwise() {
        final String[] cluster = {"--bootstrap-servers", "k:9092", "--schema-registry-url", "http://sr:8081"};

        assertThat(run(Map.of(), cluster)).isEqualTo(2);
        assertThat(lastError).contains("--api-key").contains("LOOKOUT_API_KEY").contains("--insecure-no-auth")
                .contains("new-api-key");

        assertThat(run(Map.of("LOOKOUT_API_KEY", KEY), cluster)).isEqualTo(2);
        assertThat(lastError).contains("--internal-secret").contains("LOOKOUT_INTERNAL_SECRET");

        assertThat(run(Map.of("LOOKOUT_API_KEY", KEY, "LOOKOUT_INTERNAL_SECRET", "short"), cluster)).isEqualTo(2);
        assertThat(lastError).contains("at least 32").doesNotContain("short'");

        assertThat(run(Map.of("LOOKOUT_INSECURE_NO_AUTH", "true"), cluster)).isZero();
        assertThat(ran.get().security().authRequired()).isFalse();

        assertThat(run(Map.of("LOOKOUT_API_KEY", KEY), concat(cluster, "--insecure-no-auth"))).isEqualTo(2);
        assertThat(lastError).contains("contradict");

        assertThat(run(Map.of("LOOKOUT_API_KEY", KEY, "LOOKOUT_INTERNAL_SECRET", SECRET), cluster)).isZero();
        final Security security = ran.get().security();
        assertThat(security.authRequired()).isTrue();
        assertThat(security.internalSecret()).isEqualTo(SECRET);
        assertThat(security.protectMetrics()).isFalse();
        assertThat(security.corsOrigins()).isEmpty();
        assertThat(security.toString()).doesNotContain(SECRET);
    }

    @Test
    void theEmbeddedDemoIsOpenUnlessKeysAreGiven() {
        assertThat(run(Map.of())).isZero();
        assertThat(ran.get().security().authRequired()).isFalse();

        assertThat(run(Map.of(), "--api-key", KEY, "--protect-metrics", "true", "--cors-origin",
                "https://a.example,https://b.example")).isZero();
        final Security security = ran.get().security();
        assertThat(security.authRequired()).isTrue();
        assertThat(security.internalSecret()).as("one instance: a random secret").hasSizeGreaterThanOrEqualTo(32);
        assertThat(security.protectMetrics()).isTrue();
        assertThat(security.protectOpenApi()).isFalse();
        assertThat(security.corsOrigins()).containsExactly("https://a.example", "https://b.example");
    }

    @Test
    void shouldReadSeveralKeysAndRefuseBadOnes() {
        final String reader = "reader:" + HexFormat.of().formatHex(ApiKey.hash("lk_other")) + ":read:users";
        assertThat(run(Map.of("LOOKOUT_API_KEY", KEY + ";" + reader))).isZero();
        assertThat(ran.get().security().keys()).extracting(ApiKey::id).containsExactly("ops", "reader");
        assertThat(ran.get().security().keys().get(1).scopes()).containsExactly(Scope.READ_USERS);
        assertThat(ApiKey.match(ran.get().security().keys(), "lk_other").id()).isEqualTo("reader");
        assertThat(ApiKey.match(ran.get().security().keys(), "lk_nobody")).isNull();

        assertThat(run(Map.of(), "--api-key", "ops:abc:read:users")).isEqualTo(2);
        assertThat(lastError).contains("--api-key").contains("64 hex digits");
        assertThat(run(Map.of(), "--api-key", KEY.replace("read:alerts", "write:all"))).isEqualTo(2);
        assertThat(lastError).contains("unknown scope 'write:all'").contains("read:users, read:alerts");
        assertThat(run(Map.of(), "--api-key", KEY + ";" + KEY)).isEqualTo(2);
        assertThat(lastError).contains("'ops' is used twice");
        assertThat(run(Map.of(), "--api-key", "just-a-token")).isEqualTo(2);
        assertThat(lastError).contains("<id>:<sha256-hex>:<scope>");
    }

    @Test
    void shouldRefuseAnUnreadableKeystore(@TempDir final Path dir) throws IOException {
        assertThat(run(Map.of(), "--tls-keystore", dir.resolve("missing.p12").toString())).isEqualTo(2);
        assertThat(lastError).contains("--tls-keystore").contains("cannot read");

        final Path garbage = Files.writeString(dir.resolve("garbage.p12"), "not a keystore");
        assertThat(run(Map.of(), "--tls-keystore", garbage.toString(), "--tls-keystore-password", "x")).isEqualTo(2);
        assertThat(lastError).contains("cannot open").contains("PKCS12");

        assertThat(run(Map.of(), "--tls-truststore", garbage.toString())).isEqualTo(2);
        assertThat(lastError).contains("--tls-truststore needs --tls-keystore");
    }

    /** The flags are a public contract: mixins moved them, and none was renamed or lost. */
    @Test
    void everyCommandKeepsItsFlags() {
        final CommandLine commandLine = LookoutCommand.commandLine(config -> 0, demo -> 0, new String[0], Map.of());

        assertThat(longNames(commandLine)).containsExactlyInAnyOrder("--config", "--mode", "--bootstrap-servers",
                "--schema-registry-url", "--application-id", "--http-host", "--http-port", "--application-server",
                "--state-dir", "--data-dir", "--kafka-port", "--controller-port", "--registry-port", "--partitions",
                "--replication-factor", "--create-topics", "--topic-retention", "--processing-guarantee",
                "--standby-replicas", "--stream-threads", "--commit-interval", "--rocksdb-memory", "--grace",
                "--dedup-horizon", "--history-retention", "--recent-registrations", "--parking-timeout",
                "--failure-threshold", "--failure-window", "--takeover-window", "--stuffing-threshold",
                "--alert-retention", "--idle-timeout", "--demo", "--demo-rate", "--api-key", "--insecure-no-auth",
                "--internal-secret", "--protect-metrics", "--protect-openapi", "--cors-origin", "--tls-keystore",
                "--tls-keystore-password", "--tls-truststore", "--tls-truststore-password", "--rate-limit",
                "--max-alert-streams-per-key", "--http-max-url-length", "--http-max-query-length",
                "--http-max-header-bytes", "--http-request-timeout", "--kafka", "--help", "--version");
        assertThat(longNames(commandLine.getSubcommands().get("demo"))).containsExactlyInAnyOrder(
                "--bootstrap-servers", "--schema-registry-url", "--demo-rate", "--kafka", "--help", "--version");
        assertThat(commandLine.getSubcommands()).containsOnlyKeys("demo", "schemas", "dlq", "new-api-key");
        for (final CommandLine sub : commandLine.getSubcommands().get("dlq").getSubcommands().values()) {
            assertThat(longNames(sub)).as(sub.getCommandName()).contains("--bootstrap-servers", "--kafka");
        }
        for (final CommandLine sub : commandLine.getSubcommands().get("schemas").getSubcommands().values()) {
            assertThat(longNames(sub)).as(sub.getCommandName()).contains("--schema-registry-url", "--kafka");
        }
    }

    private static java.util.List<String> longNames(final CommandLine commandLine) {
        return commandLine.getCommandSpec().options().stream().map(CommandLine.Model.OptionSpec::longestName).toList();
    }

    @Test
    void theDemoTakesTheSharedKafkaAndRegistryOptionsFromTheEnvironment() {
        final AtomicReference<DemoCommand.DemoConfig> demo = new AtomicReference<>();
        final String[] args = {"demo", "--demo-rate", "5"};
        final CommandLine commandLine = LookoutCommand.commandLine(config -> 0, config -> {
            demo.set(config);
            return 0;
        }, args, Map.of("LOOKOUT_BOOTSTRAP_SERVERS", "k:9092", "LOOKOUT_SCHEMA_REGISTRY_URL", "http://sr:8081",
                "LOOKOUT_KAFKA_LINGER_MS", "3"));

        assertThat(commandLine.execute(args)).isZero();
        assertThat(demo.get()).isEqualTo(new DemoCommand.DemoConfig("k:9092", "http://sr:8081", 5.0,
                Map.of("linger.ms", "3")));

        final String[] bare = {"demo"};
        final CommandLine missing = LookoutCommand.commandLine(config -> 0, config -> 0, bare, Map.of());
        final StringWriter err = new StringWriter();
        missing.setErr(new PrintWriter(err));
        assertThat(missing.execute(bare)).isEqualTo(2);
        assertThat(err.toString()).contains("--bootstrap-servers").contains("LOOKOUT_BOOTSTRAP_SERVERS");
    }

    @Test
    void newApiKeyPrintsATokenAndTheHashedSettingThatAcceptsIt() {
        final StringWriter out = new StringWriter();
        final CommandLine commandLine = LookoutCommand.commandLine(config -> 0, demo -> 0, new String[0], Map.of());
        commandLine.setOut(new PrintWriter(out));
        assertThat(commandLine.execute("new-api-key", "--id", "dash", "--scopes", "read:alerts")).isZero();

        final String token = out.toString().lines().map(String::trim).filter(line -> line.startsWith("lk_"))
                .findFirst().orElseThrow();
        final String setting = out.toString().lines().map(String::trim).filter(line -> line.startsWith("--api-key "))
                .findFirst().orElseThrow().substring("--api-key ".length());
        assertThat(setting).doesNotContain(token);
        final ApiKey key = ApiKey.parse(setting);
        assertThat(key.id()).isEqualTo("dash");
        assertThat(key.scopes()).containsExactly(Scope.READ_ALERTS);
        assertThat(ApiKey.match(java.util.List.of(key), token)).isEqualTo(key);
        assertThat(ApiKey.match(java.util.List.of(key), token + "x")).isNull();
    }

    private static String[] concat(final String[] first, final String... more) {
        final String[] all = java.util.Arrays.copyOf(first, first.length + more.length);
        System.arraycopy(more, 0, all, first.length, more.length);
        return all;
    }

    @Test
    void anOptionsVariableIsNotAlsoAKafkaProperty() {
        assertThat(run(Map.of("LOOKOUT_KAFKA_PORT", "19092", "LOOKOUT_KAFKA_LINGER_MS", "5"))).isZero();

        assertThat(ran.get().kafkaPort()).isEqualTo(19092);
        assertThat(ran.get().kafka()).containsEntry("linger.ms", "5").doesNotContainKey("port");
    }

    @Test
    void shouldNameAnUnreadableConfigFile() {
        assertThatThrownBy(() -> run(Map.of(), "--config", "/does/not/exist.properties"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--config");
    }

    @Test
    void shouldReadTheRocksDbBudgetFromFlagEnvironmentOrFile(@TempDir final Path dir) throws IOException {
        assertThat(run(Map.of())).isZero();
        assertThat(ran.get().rocksDbMemoryBytes()).as("unbounded unless asked").isZero();

        assertThat(run(Map.of(), "--rocksdb-memory", "256MiB")).isZero();
        assertThat(ran.get().rocksDbMemoryBytes()).isEqualTo(256L * 1024 * 1024);

        assertThat(run(Map.of("LOOKOUT_ROCKSDB_MEMORY", "1GiB"))).isZero();
        assertThat(ran.get().rocksDbMemoryBytes()).isEqualTo(1024L * 1024 * 1024);

        final Path file = Files.writeString(dir.resolve("lookout.properties"), "rocksdb-memory=536870912");
        assertThat(run(Map.of(), "--config", file.toString())).isZero();
        assertThat(ran.get().rocksDbMemoryBytes()).isEqualTo(512L * 1024 * 1024);
    }

    @Test
    void shouldRefuseABadRocksDbBudgetAtStartUp() {
        assertThat(run(Map.of(), "--rocksdb-memory", "256MB")).isEqualTo(2);
        assertThat(lastError).contains("--rocksdb-memory").contains("'256MB' is not a size").contains("256MiB");

        assertThat(run(Map.of("LOOKOUT_ROCKSDB_MEMORY", "lots"))).isEqualTo(2);
        assertThat(lastError).contains("--rocksdb-memory").contains("'lots' is not a size");

        assertThat(run(Map.of(), "--rocksdb-memory", "-1")).isEqualTo(2);
        assertThat(lastError).contains("--rocksdb-memory");

        assertThat(run(Map.of(), "--rocksdb-memory", "1MiB")).isEqualTo(2);
        assertThat(lastError).contains("--rocksdb-memory").contains("LOOKOUT_ROCKSDB_MEMORY")
                .contains("at least 16MiB");
    }

    @Test
    void shouldReadSizesInBytesAndBinaryUnits() {
        assertThat(ByteSizes.parse("268435456")).isEqualTo(256L * 1024 * 1024);
        assertThat(ByteSizes.parse("512KiB")).isEqualTo(512L * 1024);
        assertThat(ByteSizes.parse("256 mib")).isEqualTo(256L * 1024 * 1024);
        assertThat(ByteSizes.parse("2Gi")).isEqualTo(2L * 1024 * 1024 * 1024);
        assertThatThrownBy(() -> ByteSizes.parse("9999999TiB")).hasMessageContaining("too large");
        assertThatThrownBy(() -> ByteSizes.parse("1.5GiB")).hasMessageContaining("not a size");
    }

    @Test
    void shouldReadDurationsInShortAndIsoForms() {
        assertThat(Durations.parse("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(Durations.parse("5m")).isEqualTo(Duration.ofMinutes(5));
        assertThat(Durations.parse("7d")).isEqualTo(Duration.ofDays(7));
        assertThat(Durations.parse("PT30S")).isEqualTo(Duration.ofSeconds(30));
    }
}
