package dev.lookout.app.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.Feature;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node KRaft Kafka broker (combined broker and controller) in this JVM, built from
 * {@code org.apache.kafka:kafka_2.13}. Its log directory is formatted once; a restart on the same
 * directory keeps every topic and record.
 */
public final class EmbeddedKafka implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafka.class);
    private static final int NODE_ID = 1;

    private final KafkaRaftServer server;
    private final String bootstrapServers;

    private EmbeddedKafka(final KafkaRaftServer server, final String bootstrapServers) {
        this.server = server;
        this.bootstrapServers = bootstrapServers;
    }

    /**
     * Starts a broker on {@code localhost:brokerPort} with its controller on
     * {@code controllerPort}, storing data under {@code dataDir}.
     *
     * @param overrides broker properties that replace the defaults (e.g. listeners for SASL)
     */
    public static EmbeddedKafka start(final Path dataDir, final int brokerPort, final int controllerPort,
                                      final Map<String, String> overrides) {
        return start(dataDir, brokerPort, controllerPort, overrides, List.of());
    }

    /**
     * Starts a broker as {@link #start(Path, int, int, Map)} does, with SCRAM credentials in its
     * metadata, e.g. {@code SCRAM-SHA-512=[name=lookout,password=lookout-secret]} (the syntax of
     * {@code kafka-storage format --add-scram}; a password cannot contain a comma).
     *
     * <p>The credentials are written only when {@code dataDir} is first formatted. On a directory
     * that is already formatted they are ignored: the broker keeps the credentials it has.
     *
     * @param overrides broker properties that replace the defaults (e.g. listeners for SASL)
     * @param scramCredentials SCRAM users to create when formatting; empty for none
     */
    public static EmbeddedKafka start(final Path dataDir, final int brokerPort, final int controllerPort,
                                      final Map<String, String> overrides, final List<String> scramCredentials) {
        final long started = System.nanoTime();
        final Path logDir = dataDir.toAbsolutePath();
        final Map<String, Object> props = new HashMap<>();
        props.put("process.roles", "broker,controller");
        props.put("node.id", Integer.toString(NODE_ID));
        props.put("controller.quorum.voters", NODE_ID + "@localhost:" + controllerPort);
        props.put("listeners", "PLAINTEXT://localhost:" + brokerPort + ",CONTROLLER://localhost:" + controllerPort);
        props.put("advertised.listeners", "PLAINTEXT://localhost:" + brokerPort);
        props.put("controller.listener.names", "CONTROLLER");
        props.put("inter.broker.listener.name", "PLAINTEXT");
        props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        props.put("log.dirs", logDir.toString());
        props.put("offsets.topic.replication.factor", "1");
        props.put("offsets.topic.num.partitions", "5");
        props.put("transaction.state.log.replication.factor", "1");
        props.put("transaction.state.log.min.isr", "1");
        props.put("transaction.state.log.num.partitions", "5");
        props.put("share.coordinator.state.topic.replication.factor", "1");
        props.put("share.coordinator.state.topic.min.isr", "1");
        props.put("group.initial.rebalance.delay.ms", "0");
        props.put("auto.create.topics.enable", "false");
        props.put("num.partitions", "6");
        // The cleaner clears its whole dedupe map before each pass; Kafka's 128 MiB default, sized
        // for a broker of its own, costs a co-located broker more CPU than its small logs need.
        props.put("log.cleaner.dedupe.buffer.size", Integer.toString(16 << 20));
        props.putAll(overrides);
        formatOnce(logDir, Uuid.randomUuid().toString(), NODE_ID, scramCredentials);
        final EmbeddedKafka kafka = node(props, "localhost:" + brokerPort);
        LOG.info("Embedded Kafka broker ready at {} in {} ms (data in {})", kafka.bootstrapServers(),
                (System.nanoTime() - started) / 1_000_000, logDir);
        return kafka;
    }

    /**
     * Starts one KRaft node of a cluster with exactly these properties, on a log directory already
     * formatted ({@link #formatOnce}); {@code bootstrapServers} is where clients reach it, if it
     * is a broker.
     */
    public static EmbeddedKafka node(final Map<String, Object> properties, final String bootstrapServers) {
        final KafkaRaftServer server = new KafkaRaftServer(new KafkaConfig(properties, false), Time.SYSTEM);
        server.startup();
        return new EmbeddedKafka(server, bootstrapServers);
    }

    /**
     * Formats a node's log directory, which also holds its KRaft metadata, unless it already is:
     * a restart keeps every topic and record.
     */
    public static void formatOnce(final Path logDir, final String clusterId, final int nodeId,
                                  final List<String> scramCredentials) {
        if (Files.exists(logDir.resolve("meta.properties"))) {
            return;
        }
        try {
            Files.createDirectories(logDir);
            new Formatter()
                    .setClusterId(clusterId)
                    .setNodeId(nodeId)
                    .setDirectories(List.of(logDir.toString()))
                    .setMetadataLogDirectory(logDir.toString())
                    .setControllerListenerName("CONTROLLER")
                    .setSupportedFeatures(Feature.PRODUCTION_FEATURES)
                    .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
                    .setScramArguments(scramCredentials)
                    .setPrintStream(new java.io.PrintStream(java.io.OutputStream.nullOutputStream()))
                    .run();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the broker's data directory " + logDir, e);
        } catch (Exception e) {
            throw new IllegalStateException("cannot format the broker's data directory " + logDir + ": " + e, e);
        }
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** Stops the broker and waits until it has stopped. */
    @Override
    public void close() {
        server.shutdown();
        server.awaitShutdown();
        LOG.info("Embedded Kafka broker stopped");
    }
}
