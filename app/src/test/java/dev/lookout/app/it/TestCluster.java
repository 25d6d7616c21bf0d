package dev.lookout.app.it;

import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.lookout.app.embedded.EmbeddedKafka;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.Uuid;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * A real Kafka cluster for a broker test, chosen by {@link Kind}. Scenarios take the kind as a
 * parameter, so the same scenario runs on every kind this machine offers.
 *
 * <ul>
 *   <li>{@link Kind#EMBEDDED} — Lookout's own {@link EmbeddedKafka}: the same broker code path
 *       the product's embedded mode runs, restartable on its data directory and ports, which the
 *       outage scenario needs. The default for single-broker scenarios.</li>
 *   <li>{@link Kind#THREE_BROKERS} — three KRaft brokers and a controller, each a node of
 *       {@link EmbeddedKafka}, for replication factor 3 and a broker stopping.</li>
 *   <li>{@link Kind#CONTAINER} — a broker in Docker through Testcontainers; skipped, with the
 *       reason, where Docker is not available (see docs/testing.md to run it here).</li>
 * </ul>
 */
public interface TestCluster extends AutoCloseable {

    /** How to run the cluster. */
    enum Kind {
        EMBEDDED, THREE_BROKERS, CONTAINER
    }

    String bootstrapServers();

    /** The replication factor topics should have on this cluster. */
    short replicationFactor();

    /** Stops one broker (node index from 0); the others keep running. */
    void stopBroker(int node) throws Exception;

    /** Starts a stopped broker again, on the same data and ports. */
    void startBroker(int node) throws Exception;

    /** Why this kind cannot run here, or null when it can. */
    static String unavailableReason(final Kind kind) {
        if (kind == Kind.CONTAINER && !DockerClientFactory.instance().isDockerAvailable()) {
            return "Docker is not available: the Testcontainers variant needs a Docker engine "
                    + "(docs/testing.md shows how to run one here); the embedded variant of this scenario ran instead";
        }
        return null;
    }

    static TestCluster start(final Kind kind, final Path dir) throws Exception {
        return start(kind, dir, Map.of());
    }

    /**
     * A cluster whose brokers take these properties over the defaults, e.g. a short
     * {@code log.retention.check.interval.ms} ({@link Housekeeping#EAGER}).
     */
    static TestCluster start(final Kind kind, final Path dir, final Map<String, String> brokerProperties)
            throws Exception {
        return switch (kind) {
            case EMBEDDED -> new Embedded(dir, brokerProperties);
            case THREE_BROKERS -> new ThreeBrokers(dir, brokerProperties);
            case CONTAINER -> new Container(brokerProperties);
        };
    }

    /** Lookout's embedded single-node broker. */
    final class Embedded implements TestCluster {
        private final Path dir;
        private final int brokerPort = Ports.free();
        private final int controllerPort = Ports.free();
        private final Map<String, String> brokerProperties;
        private EmbeddedKafka kafka;

        Embedded(final Path dir, final Map<String, String> brokerProperties) {
            this.dir = dir;
            this.brokerProperties = brokerProperties;
            this.kafka = EmbeddedKafka.start(dir, brokerPort, controllerPort, brokerProperties);
        }

        @Override
        public String bootstrapServers() {
            return "localhost:" + brokerPort;
        }

        @Override
        public short replicationFactor() {
            return 1;
        }

        @Override
        public void stopBroker(final int node) {
            kafka.close();
            kafka = null;
        }

        @Override
        public void startBroker(final int node) {
            kafka = EmbeddedKafka.start(dir, brokerPort, controllerPort, brokerProperties);
        }

        @Override
        public void close() {
            if (kafka != null) {
                kafka.close();
            }
        }
    }

    /**
     * Three KRaft brokers and one controller, each a node of Lookout's {@link EmbeddedKafka} on a
     * log directory of its own, formatted with one cluster id. Brokers apart from the controller:
     * stopping a broker leaves the quorum alone.
     */
    final class ThreeBrokers implements TestCluster {
        private static final int CONTROLLER_ID = 3000;
        private final List<EmbeddedKafka> brokers = new ArrayList<>();
        private final EmbeddedKafka controller;
        private final String bootstrap;

        ThreeBrokers(final Path dir, final Map<String, String> brokerProperties) throws Exception {
            final String clusterId = Uuid.randomUuid().toString();
            final int controllerPort = Ports.free();
            final String voters = CONTROLLER_ID + "@localhost:" + controllerPort;
            final Path controllerDir = dir.resolve("controller");
            EmbeddedKafka.formatOnce(controllerDir, clusterId, CONTROLLER_ID, List.of());
            final Map<String, Object> controllerProps = new HashMap<>(Map.of(
                    "process.roles", "controller", "node.id", Integer.toString(CONTROLLER_ID),
                    "controller.quorum.voters", voters, "controller.listener.names", "CONTROLLER",
                    "listeners", "CONTROLLER://localhost:" + controllerPort,
                    "listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
                    "log.dirs", controllerDir.toAbsolutePath().toString()));
            controller = EmbeddedKafka.node(controllerProps, null);
            final List<String> addresses = new ArrayList<>();
            for (int node = 0; node < 3; node++) {
                final int port = Ports.free();
                final Path brokerDir = dir.resolve("broker-" + node);
                EmbeddedKafka.formatOnce(brokerDir, clusterId, node, List.of());
                final Map<String, Object> props = new HashMap<>(Map.of(
                        "process.roles", "broker", "node.id", Integer.toString(node),
                        "controller.quorum.voters", voters, "controller.listener.names", "CONTROLLER",
                        "listeners", "PLAINTEXT://localhost:" + port,
                        "advertised.listeners", "PLAINTEXT://localhost:" + port,
                        "inter.broker.listener.name", "PLAINTEXT",
                        "listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
                        "log.dirs", brokerDir.toAbsolutePath().toString()));
                props.putAll(Map.of(
                        "offsets.topic.replication.factor", "3",
                        "transaction.state.log.replication.factor", "3",
                        "transaction.state.log.min.isr", "2",
                        "min.insync.replicas", "2",
                        "group.initial.rebalance.delay.ms", "0",
                        // As on the embedded broker: a producer that runs first must not create an
                        // input topic with the broker's default partition count.
                        "auto.create.topics.enable", "false"));
                props.putAll(brokerProperties);
                brokers.add(EmbeddedKafka.node(props, "localhost:" + port));
                addresses.add("localhost:" + port);
            }
            bootstrap = String.join(",", addresses);
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
                await("three brokers registered").atMost(Duration.ofSeconds(60))
                        .until(() -> admin.describeCluster().nodes().get().size() == 3);
            }
        }

        @Override
        public String bootstrapServers() {
            return bootstrap;
        }

        @Override
        public short replicationFactor() {
            return 3;
        }

        @Override
        public void stopBroker(final int node) {
            brokers.get(node).close();
        }

        @Override
        public void startBroker(final int node) {
            throw new UnsupportedOperationException("the three-broker scenarios stop a broker for good");
        }

        @Override
        public void close() {
            brokers.forEach(EmbeddedKafka::close);
            controller.close();
        }
    }

    /** A broker in Docker. */
    final class Container implements TestCluster {
        private final KafkaContainer kafka;

        Container(final Map<String, String> brokerProperties) {
            // -Dlookout.kafka.image names a local build where images cannot be pulled (docs/testing.md).
            kafka = new KafkaContainer(DockerImageName.parse(System.getProperty("lookout.kafka.image",
                    "apache/kafka:4.4.0")).asCompatibleSubstituteFor("apache/kafka"))
                    .withEnv("KAFKA_AUTO_CREATE_TOPICS_ENABLE", "false")
                    .withEnv("KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS", "0");
            // The image turns KAFKA_<PROPERTY> variables into broker properties (dots become underscores).
            brokerProperties.forEach((name, value) ->
                    kafka.withEnv("KAFKA_" + name.toUpperCase(java.util.Locale.ROOT).replace('.', '_'), value));
            kafka.start();
        }

        @Override
        public String bootstrapServers() {
            return kafka.getBootstrapServers();
        }

        @Override
        public short replicationFactor() {
            return 1;
        }

        @Override
        public void stopBroker(final int node) {
            kafka.getDockerClient().pauseContainerCmd(kafka.getContainerId()).exec();
        }

        @Override
        public void startBroker(final int node) {
            kafka.getDockerClient().unpauseContainerCmd(kafka.getContainerId()).exec();
        }

        @Override
        public void close() {
            kafka.stop();
        }
    }
}
