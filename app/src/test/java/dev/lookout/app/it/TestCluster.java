package dev.lookout.app.it;

import java.nio.file.Path;
import java.util.Map;

import dev.lookout.app.embedded.EmbeddedKafka;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.apache.kafka.server.common.MetadataVersion;
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
 *   <li>{@link Kind#THREE_BROKERS} — three KRaft brokers and a controller from Kafka's
 *       {@code KafkaClusterTestKit} (an internal API, pinned with Kafka), for replication factor 3
 *       and a broker stopping.</li>
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

    /** Three KRaft brokers and one controller. */
    final class ThreeBrokers implements TestCluster {
        private final KafkaClusterTestKit cluster;
        private final String bootstrap;

        ThreeBrokers(final Path dir, final Map<String, String> brokerProperties) throws Exception {
            // Brokers apart from a single controller: stopping a broker leaves the quorum alone.
            // (Three combined nodes trip over the kit's voter updates: "Received unexpected
            // invalid request error" in the raft thread, fatal.)
            final KafkaClusterTestKit.Builder builder = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder()
                    .setCombined(false)
                    .setNumBrokerNodes(3)
                    .setNumControllerNodes(1)
                    .setBaseDirectory(dir)
                    // The kit defaults to a testing metadata version.
                    .setBootstrapMetadataVersion(MetadataVersion.LATEST_PRODUCTION)
                    .build())
                    .setConfigProp("offsets.topic.replication.factor", "3")
                    .setConfigProp("transaction.state.log.replication.factor", "3")
                    .setConfigProp("transaction.state.log.min.isr", "2")
                    .setConfigProp("min.insync.replicas", "2")
                    .setConfigProp("group.initial.rebalance.delay.ms", "0")
                    // As on the embedded broker: a producer that runs first must not create an
                    // input topic with the broker's default partition count.
                    .setConfigProp("auto.create.topics.enable", "false");
            brokerProperties.forEach(builder::setConfigProp);
            cluster = builder.build();
            cluster.format();
            cluster.startup();
            cluster.waitForReadyBrokers();
            bootstrap = cluster.bootstrapServers();
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
            cluster.brokers().get(node).shutdown();
        }

        @Override
        public void startBroker(final int node) {
            throw new UnsupportedOperationException("the test kit cannot restart a broker; the scenario stops one");
        }

        @Override
        public void close() throws Exception {
            cluster.close();
        }
    }

    /** A broker in Docker. */
    final class Container implements TestCluster {
        private final KafkaContainer kafka;

        Container(final Map<String, String> brokerProperties) {
            // -Dlookout.kafka.image names a local build where images cannot be pulled (docs/testing.md).
            kafka = new KafkaContainer(DockerImageName.parse(System.getProperty("lookout.kafka.image",
                    "apache/kafka:4.3.1")).asCompatibleSubstituteFor("apache/kafka"))
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
