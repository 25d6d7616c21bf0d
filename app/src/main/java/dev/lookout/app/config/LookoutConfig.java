package dev.lookout.app.config;

import java.nio.file.Path;
import java.util.Map;

import dev.lookout.app.security.Limits;
import dev.lookout.app.security.Security;
import dev.lookout.app.security.Tls;
import dev.lookout.topology.TopologySettings;

/**
 * The whole configuration, immutable and validated at start-up ({@link LookoutCommand} builds
 * it from flags, {@code LOOKOUT_*} environment variables, a properties file and defaults, in that
 * order of precedence).
 *
 * @param bootstrapServers the Kafka cluster; null in embedded mode until the broker runs
 * @param schemaRegistryUrl the registry; null in embedded mode until the registry runs
 * @param applicationServer this instance's {@code host:port} as other instances reach its API
 * @param rocksDbMemoryBytes off-heap bytes all RocksDB stores of the JVM share, or 0 for Kafka's
 *     per-store defaults
 * @param kafka properties passed unchanged to every Kafka client and to Kafka Streams
 * @param security who may call the HTTP API
 * @param httpLimits bounds on every HTTP request
 * @param tls HTTPS for the API and between instances, or null
 */
public record LookoutConfig(
        Mode mode,
        String bootstrapServers,
        String schemaRegistryUrl,
        String applicationId,
        String httpHost,
        int httpPort,
        String applicationServer,
        Path stateDir,
        Path dataDir,
        int kafkaPort,
        int controllerPort,
        int registryPort,
        short replicationFactor,
        boolean createTopics,
        long topicRetentionMs,
        String processingGuarantee,
        int standbyReplicas,
        int streamThreads,
        long commitIntervalMs,
        long rocksDbMemoryBytes,
        TopologySettings topology,
        boolean demo,
        double demoRate,
        Map<String, String> kafka,
        Security security,
        Limits httpLimits,
        Tls tls) {

    public LookoutConfig {
        kafka = Map.copyOf(kafka);
    }

    /** The same configuration with the addresses of the embedded broker and registry filled in. */
    public LookoutConfig withEmbeddedAddresses(final String bootstrap, final String registry) {
        return new LookoutConfig(mode, bootstrap, registry, applicationId, httpHost, httpPort, applicationServer,
                stateDir, dataDir, kafkaPort, controllerPort, registryPort, replicationFactor, createTopics,
                topicRetentionMs, processingGuarantee, standbyReplicas, streamThreads, commitIntervalMs,
                rocksDbMemoryBytes, topology, demo, demoRate, kafka, security, httpLimits, tls);
    }
}
