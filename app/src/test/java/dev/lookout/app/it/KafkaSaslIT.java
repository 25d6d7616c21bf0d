package dev.lookout.app.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

import com.fasterxml.jackson.databind.JsonNode;

import dev.lookout.app.LookoutApp;
import dev.lookout.app.config.LookoutConfig;
import dev.lookout.app.embedded.EmbeddedKafka;
import dev.lookout.schemaregistry.InMemorySchemaRegistry;
import dev.lookout.schemaregistry.server.SchemaRegistryServer;
import dev.lookout.schemas.EventContract;
import dev.lookout.topology.Events;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kafka security is pass-through configuration. The broker offers clients a SASL_PLAINTEXT
 * listener with SCRAM-SHA-512 (its inter-broker and controller traffic stay on PLAINTEXT), and
 * Lookout is given only that listener's address. The client settings reach it by all three
 * routes: {@code security.protocol} as a {@code --kafka} flag, {@code sasl.mechanism} as
 * {@code LOOKOUT_KAFKA_SASL_MECHANISM}, and {@code sasl.jaas.config} in the {@code --config} file.
 *
 * <p>With the right password, topic creation (Admin), Kafka Streams under exactly-once, the read
 * path and the alert stream all work, and every connection the broker accepted on that listener
 * authenticated. With a wrong one, start-up fails fast with {@link SaslAuthenticationException}
 * and leaves nothing running.
 */
@Timeout(180)
class KafkaSaslIT {

    private static final String USER = "lookout";
    private static final String PASSWORD = "lookout-secret";
    private static final String MECHANISM = "SCRAM-SHA-512";
    private static final String SASL_LISTENER = "SASL_PLAINTEXT";
    private static final String APP_ID = "lookout-sasl";
    private static final int PARTITIONS = 3;
    private static final Duration START_FAILS_WITHIN = Duration.ofSeconds(20);

    private final Instant t0 = Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(600);

    @Test
    void shouldCreateTopicsProcessAndServeWhenEveryClientAuthenticatesWithScram(@TempDir final Path dir)
            throws Exception {
        final List<String> streamed = new CopyOnWriteArrayList<>();
        try (SaslBroker broker = SaslBroker.start(dir.resolve("kafka"));
             SchemaRegistryServer registry = registry();
             LookoutApp app = LookoutApp.start(appConfig(dir, broker, registry, PASSWORD));
             Admin admin = Admin.create(broker.client(PASSWORD));
             EventProducer producer = new EventProducer(broker.bootstrapServers(), registry.url().toString(),
                     broker.client(PASSWORD))) {
            final int port = app.httpPort();
            await().atMost(Duration.ofSeconds(90)).until(() -> Http.get(port, "/health/ready").status() == 200);
            openAlertStream(port, streamed);

            producer.send(Events.registered("e-1", "u-1", "ada@example.com", "Ada", t0));
            producer.send(Events.renamed("e-2", "u-1", "Ada Lovelace", t0.plusSeconds(10)));
            producer.send(Events.failed("a-1", "u-1", "203.0.113.9", t0.plusSeconds(30)));
            producer.send(Events.failed("a-2", "u-1", "203.0.113.9", t0.plusSeconds(31)));
            producer.send(Events.failed("a-3", "u-1", "203.0.113.9", t0.plusSeconds(32)));
            Inputs.flush(producer, t0.plusSeconds(300), PARTITIONS);
            Inputs.flush(producer, t0.plusSeconds(400), PARTITIONS);

            final JsonNode ada = await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                    .until(() -> Http.get(port, "/api/users/u-1"),
                            answer -> answer.status() == 200 && answer.json().get("eventsApplied").asInt() == 2)
                    .json();
            assertThat(ada.get("displayName").asText()).isEqualTo("Ada Lovelace");
            assertThat(ada.get("email").asText()).isEqualTo("ada@example.com");
            // The alert reached the stream through the alert feed's own consumer, read committed.
            await("an alert on /api/alerts/stream").atMost(Duration.ofSeconds(60))
                    .until(() -> streamed.contains("event: alert"));

            // The Streams consumer joined its group through the only address the app has.
            final ConsumerGroupDescription group = await().atMost(Duration.ofSeconds(30))
                    .until(() -> admin.describeConsumerGroups(List.of(APP_ID)).all().get(30, TimeUnit.SECONDS)
                            .get(APP_ID), described -> described.groupState() == GroupState.STABLE);
            assertThat(group.members()).extracting(MemberDescription::clientId).isNotEmpty()
                    .allMatch(clientId -> clientId.startsWith(APP_ID));
            // Every connection the app and this test opened authenticated: a client with a wrong
            // password counts as a failed authentication, one without SASL settings as a connection
            // that never authenticates (shouldRefuseAnAdminWithAWrongPassword and
            // shouldLeaveAClientWithoutSaslSettingsUnauthenticated show both).
            assertThat(broker.listenerTotal(SASL_LISTENER, "failed-authentication-total")).isZero();
            assertThat(broker.listenerTotal(SASL_LISTENER, "successful-authentication-total")).isPositive();
            await("no unauthenticated connection").atMost(Duration.ofSeconds(10))
                    .until(broker::unauthenticatedConnections, n -> n == 0);
        }
    }

    @Test
    void shouldFailToStartQuicklyAndLeaveNothingRunningWhenThePasswordIsWrong(@TempDir final Path dir)
            throws Exception {
        try (SaslBroker broker = SaslBroker.start(dir.resolve("kafka"));
             SchemaRegistryServer registry = registry()) {
            final LookoutConfig config = appConfig(dir, broker, registry, "wrong-secret");
            final long started = System.nanoTime();

            final Throwable thrown = catchThrowable(() -> LookoutApp.start(config).close());

            final Duration took = Duration.ofNanos(System.nanoTime() - started);
            System.out.printf("SASL: start-up with a wrong password failed after %d ms: %s%n", took.toMillis(),
                    thrown);
            assertThat(causes(thrown)).as("cause chain of %s", thrown)
                    .anyMatch(SaslAuthenticationException.class::isInstance);
            assertThat(took).isLessThan(START_FAILS_WITHIN);
            assertThat(kafkaClientThreads()).isEmpty();
            assertThat(portIsFree(config.httpPort())).as("HTTP port %d is free", config.httpPort()).isTrue();
        }
    }

    @Test
    void shouldRefuseAnAdminWithAWrongPassword(@TempDir final Path dir) throws Exception {
        try (SaslBroker broker = SaslBroker.start(dir.resolve("kafka"));
             Admin admin = Admin.create(broker.client("wrong-secret"))) {

            final Throwable thrown = catchThrowable(() -> admin.describeCluster().clusterId().get(30, TimeUnit.SECONDS));

            assertThat(thrown).isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(SaslAuthenticationException.class);
            System.out.printf("SASL: admin with a wrong password: %s%n", thrown.getCause().getMessage());
            // The counter the happy path expects to stay at zero does count a refused client.
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> broker.listenerTotal(SASL_LISTENER, "failed-authentication-total"), n -> n > 0);
        }
    }

    @Test
    void shouldLeaveAClientWithoutSaslSettingsUnauthenticated(@TempDir final Path dir) throws Exception {
        try (SaslBroker broker = SaslBroker.start(dir.resolve("kafka"))) {
            final Admin admin = Admin.create(Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG,
                    broker.bootstrapServers()));
            // A plain close would wait for the pending call's default.api.timeout.ms (60 s).
            try (AutoCloseable closeAtOnce = () -> admin.close(Duration.ZERO)) {
                final Throwable thrown = catchThrowable(() -> admin.describeCluster().clusterId()
                        .get(5, TimeUnit.SECONDS));

                assertThat(thrown).isInstanceOf(TimeoutException.class);
                assertThat(broker.listenerTotal(SASL_LISTENER, "failed-authentication-total")).isZero();
                await().atMost(Duration.ofSeconds(10)).until(broker::unauthenticatedConnections, n -> n > 0);
            }
        }
    }

    /**
     * Lookout in production mode against the SASL listener only. {@code sasl.jaas.config} comes from
     * the properties file, {@code sasl.mechanism} from the environment, {@code security.protocol}
     * from a flag.
     */
    private static LookoutConfig appConfig(final Path dir, final SaslBroker broker, final SchemaRegistryServer registry,
                                           final String password) throws IOException {
        final Path file = dir.resolve("lookout.properties");
        Files.writeString(file, "kafka." + SaslConfigs.SASL_JAAS_CONFIG + "=" + jaas(password) + "\n");
        final int port = Ports.free();
        final LookoutConfig config = Configs.parse(Map.of("LOOKOUT_KAFKA_SASL_MECHANISM", MECHANISM),
                "--config", file.toString(),
                "--bootstrap-servers", broker.bootstrapServers(),
                "--schema-registry-url", registry.url().toString(),
                "--application-id", APP_ID,
                "--state-dir", Files.createDirectories(dir.resolve("state")).toString(),
                "--http-host", "localhost",
                "--http-port", Integer.toString(port),
                "--application-server", "localhost:" + port,
                "--partitions", Integer.toString(PARTITIONS),
                "--replication-factor", "1",
                "--grace", "2s",
                "--insecure-no-auth",
                "--kafka", CommonClientConfigs.SECURITY_PROTOCOL_CONFIG + "=" + SASL_LISTENER);
        assertThat(config.kafka()).containsEntry(SaslConfigs.SASL_JAAS_CONFIG, jaas(password))
                .containsEntry(SaslConfigs.SASL_MECHANISM, MECHANISM)
                .containsEntry(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, SASL_LISTENER);
        return config;
    }

    private static String jaas(final String password) {
        return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + USER
                + "\" password=\"" + password + "\";";
    }

    private static SchemaRegistryServer registry() {
        final SchemaRegistryServer registry = SchemaRegistryServer.start("localhost", 0, new InMemorySchemaRegistry());
        for (final EventContract contract : EventContract.values()) {
            registry.registry().setSubjectCompatibility(contract.valueSubject(), contract.compatibility());
        }
        return registry;
    }

    private static void openAlertStream(final int port, final List<String> streamed) {
        HttpClient.newHttpClient().sendAsync(HttpRequest.newBuilder(URI.create("http://localhost:" + port
                        + "/api/alerts/stream")).header("Accept", "text/event-stream").build(),
                HttpResponse.BodyHandlers.ofLines()).thenAccept(response -> {
                    try (Stream<String> lines = response.body()) {
                        lines.forEach(streamed::add);
                    }
                });
        await().atMost(Duration.ofSeconds(10)).until(() -> streamed.contains(": connected"));
    }

    private static List<Throwable> causes(final Throwable thrown) {
        return Stream.iterate(thrown, Objects::nonNull, Throwable::getCause).toList();
    }

    /** Live threads of Kafka clients (admin network threads, stream threads) of this JVM. */
    private static List<String> kafkaClientThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                .filter(name -> name.startsWith("kafka-admin-client-thread") || name.startsWith(APP_ID))
                .toList();
    }

    private static boolean portIsFree(final int port) {
        try (ServerSocket socket = new ServerSocket(port)) {
            return socket.getLocalPort() == port;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * An embedded broker whose clients' listener is SASL_PLAINTEXT with SCRAM-SHA-512 and one user,
     * {@value #USER}. Inter-broker and controller traffic stay on PLAINTEXT listeners that Lookout is
     * never told about.
     */
    private record SaslBroker(EmbeddedKafka kafka, int saslPort) implements AutoCloseable {

        static SaslBroker start(final Path dir) {
            final int plain = Ports.free();
            final int sasl = Ports.free();
            final int controller = Ports.free();
            final Map<String, String> overrides = Map.of(
                    "listeners", "PLAINTEXT://localhost:" + plain + "," + SASL_LISTENER + "://localhost:" + sasl
                            + ",CONTROLLER://localhost:" + controller,
                    "advertised.listeners", "PLAINTEXT://localhost:" + plain + "," + SASL_LISTENER + "://localhost:"
                            + sasl,
                    "listener.security.protocol.map", "PLAINTEXT:PLAINTEXT," + SASL_LISTENER + ":" + SASL_LISTENER
                            + ",CONTROLLER:PLAINTEXT",
                    // The default is GSSAPI (Kerberos).
                    "sasl.enabled.mechanisms", MECHANISM,
                    "listener.name.sasl_plaintext.scram-sha-512.sasl.jaas.config",
                    "org.apache.kafka.common.security.scram.ScramLoginModule required;");
            final EmbeddedKafka kafka = EmbeddedKafka.start(dir, plain, controller, overrides,
                    List.of(MECHANISM + "=[name=" + USER + ",password=" + PASSWORD + "]"));
            return new SaslBroker(kafka, sasl);
        }

        String bootstrapServers() {
            return "localhost:" + saslPort;
        }

        /** Settings of a client of the SASL listener that logs in as {@value #USER}. */
        Map<String, Object> client(final String password) {
            return Map.of(
                    CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                    CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, SASL_LISTENER,
                    SaslConfigs.SASL_MECHANISM, MECHANISM,
                    SaslConfigs.SASL_JAAS_CONFIG, jaas(password));
        }

        /** A socket-server counter of one listener, summed over its network processors. */
        double listenerTotal(final String listener, final String attribute) throws JMException {
            final MBeanServer server = ManagementFactory.getPlatformMBeanServer();
            final Set<ObjectName> names = server.queryNames(new ObjectName(
                    "kafka.server:type=socket-server-metrics,listener=" + listener + ",networkProcessor=*"), null);
            assertThat(names).as("socket-server metrics of listener %s", listener).isNotEmpty();
            double total = 0;
            for (final ObjectName name : names) {
                total += ((Number) server.getAttribute(name, attribute)).doubleValue();
            }
            return total;
        }

        /** Connections to the SASL listener that were accepted but never authenticated. */
        double unauthenticatedConnections() throws JMException {
            return listenerTotal(SASL_LISTENER, "connection-creation-total")
                    - listenerTotal(SASL_LISTENER, "successful-authentication-total");
        }

        @Override
        public void close() {
            kafka.close();
        }
    }
}
