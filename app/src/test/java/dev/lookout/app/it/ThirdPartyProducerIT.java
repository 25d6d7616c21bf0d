package dev.lookout.app.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.lookout.app.LookoutApp;
import dev.lookout.events.AuthEvent;
import dev.lookout.events.LoginFailed;
import dev.lookout.events.LoginSucceeded;
import dev.lookout.topology.Events;
import dev.lookout.topology.TopologySettings;
import dev.lookout.topology.reference.AuthTraffic;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A producer Lookout did not write: a Node.js script with kafkajs and Confluent's official Avro
 * serializer ({@code interop/produce-auth.js}, installed from npm by the build) sends auth events
 * through the broker under test and Lookout's registry server. Lookout reads them and raises exactly
 * the alerts the reference detector finds in them.
 */
@Timeout(300)
class ThirdPartyProducerIT {

    private static final Path INTEROP = Path.of(System.getProperty("lookout.interop.dir", "../interop"));
    private static final Path AUTH_SCHEMA = ChildApp.REPOSITORY.resolve("schemas/src/main/avro/AuthEvent.avsc");
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Months before the day the test runs, as in a replay; the same age on every run (TestDates). */
    private static final Instant START = TestDates.daysAgo(150);
    private static final int PARTITIONS = 3;

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = TestCluster.Kind.class, names = {"EMBEDDED", "CONTAINER"})
    void lookoutRaisesTheExpectedAlertsFromANodeProducer(final TestCluster.Kind kind, @TempDir final Path dir)
            throws Exception {
        assumeThat(TestCluster.unavailableReason(kind)).as(TestCluster.unavailableReason(kind)).isNull();
        final TopologySettings settings = TopologySettings.defaults();
        final List<AuthEvent> auth = AuthTraffic.arrivals(AuthTraffic.Shape.onTime(3, 12_000, START));
        final List<AuthEvent> sent = new ArrayList<>(auth);
        for (final Instant flush : List.of(START.plus(Duration.ofDays(2)), START.plus(Duration.ofDays(3)))) {
            for (int partition = 0; partition < PARTITIONS; partition++) {
                sent.add(Events.failed("flush-" + flush.toEpochMilli() + "-" + partition,
                        Keys.inPartition(Inputs.FLUSH_USER, partition, PARTITIONS),
                        Keys.inPartition("192.0.2.", partition, PARTITIONS), flush));
            }
        }
        final Path events = dir.resolve("auth-events.jsonl");
        Files.write(events, sent.stream().map(ThirdPartyProducerIT::avroJson).toList(), StandardCharsets.UTF_8);

        try (TestSystem system = new TestSystem(kind, dir);
             Progress progress = new Progress(system.cluster().bootstrapServers(), "lookout-it")) {
            final LookoutApp app = system.startApp("--partitions", Integer.toString(PARTITIONS));
            await().atMost(Duration.ofSeconds(90)).until(() -> Http.get(app.httpPort(), "/health/ready").status() == 200);
            // The producer's team registers its schema; its serializer then only looks it up.
            node("confluent-serde.js", "register", system.registryUrl(), "auth-events-value", AUTH_SCHEMA.toString());

            assertThat(node("produce-auth.js", system.cluster().bootstrapServers(), system.registryUrl(),
                    events.toString())).isEqualTo(Integer.toString(sent.size()));

            await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1)).until(progress::caughtUp);
            assertThat(Outputs.deadLetters(system)).as("every record was readable").isEmpty();
            final int alerts = Outputs.assertAlertsMatchReference(system, auth, settings);
            System.out.printf("THIRD-PARTY: %d events from kafkajs, %d alerts equal to the reference%n", sent.size(),
                    alerts);
        }
    }

    /**
     * A producer configured the recommended way ({@code useLatestVersion: true,
     * autoRegisterSchemas: false}) finds its subject on a fresh embedded system with no demo: the
     * contract is registered at start-up, as {@code lookout schemas register} does on a team's
     * registry.
     */
    @org.junit.jupiter.api.Test
    void aProducerThatOnlyLooksUpSchemasWorksOnAFreshEmbeddedSystem(@TempDir final Path dir) throws Exception {
        final Instant start = Instant.now().minusSeconds(120).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        final List<AuthEvent> sent = List.of(
                Events.failed("f-1", "u-node", "203.0.113.7", start),
                Events.failed("f-2", "u-node", "203.0.113.7", start.plusSeconds(10)),
                Events.failed("f-3", "u-node", "203.0.113.7", start.plusSeconds(20)));
        final Path events = dir.resolve("auth-events.jsonl");
        Files.write(events, sent.stream().map(ThirdPartyProducerIT::avroJson).toList(), StandardCharsets.UTF_8);

        try (LookoutApp app = LookoutApp.start(Configs.embedded(dir, "--idle-timeout", "2s"))) {
            await().atMost(Duration.ofSeconds(90)).until(() -> Http.get(app.httpPort(), "/health/ready").status() == 200);

            assertThat(node("produce-auth.js", app.config().bootstrapServers(), app.config().schemaRegistryUrl(),
                    events.toString())).isEqualTo("3");

            await().atMost(Duration.ofSeconds(60)).until(() -> Http.get(app.httpPort(), "/api/users/u-node/alerts")
                    .body().contains("REPEATED_LOGIN_FAILURE"));
            assertThat(Http.get(app.httpPort(), "/metrics").body()).doesNotContain("lookout_dead_letters_total{");
        }
    }

    /** An event in the JSON form Confluent's Node serializer takes: unions of records wrapped by name. */
    private static String avroJson(final AuthEvent event) {
        final ObjectNode json = JSON.createObjectNode()
                .put("event_id", event.getEventId())
                .put("user_id", event.getUserId())
                .put("occurred_at", event.getOccurredAt().toEpochMilli())
                .put("source_ip", event.getSourceIp());
        final ObjectNode payload = json.putObject("payload");
        if (event.getPayload() instanceof LoginFailed failed) {
            payload.putObject(LoginFailed.getClassSchema().getFullName()).put("reason", failed.getReason().name());
        } else {
            payload.putObject(LoginSucceeded.getClassSchema().getFullName())
                    .put("method", ((LoginSucceeded) event.getPayload()).getMethod());
        }
        return json.toString();
    }

    private static String node(final String script, final String... args) throws IOException, InterruptedException {
        final List<String> command = new ArrayList<>(List.of("node", script));
        command.addAll(List.of(args));
        final Process process = new ProcessBuilder(command).directory(INTEROP.toFile())
                .redirectError(ProcessBuilder.Redirect.PIPE).start();
        final byte[] out = process.getInputStream().readAllBytes();
        final byte[] err = process.getErrorStream().readAllBytes();
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).as("node %s finished", script).isTrue();
        assertThat(process.exitValue()).as("node %s failed: %s", script, new String(err, StandardCharsets.UTF_8))
                .isZero();
        return new String(out, StandardCharsets.UTF_8).trim();
    }
}
