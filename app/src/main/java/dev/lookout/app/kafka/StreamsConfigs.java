package dev.lookout.app.kafka;

import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

import dev.lookout.app.config.LookoutConfig;
import dev.lookout.serde.AvroSerdeConfig;
import dev.lookout.topology.LookoutCounters;
import dev.lookout.topology.Names;
import dev.lookout.topology.ViewChanges;
import dev.lookout.topology.deadletter.DeadLetterDeserializationHandler;
import dev.lookout.topology.deadletter.DeadLetterProcessingHandler;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns the configuration into Kafka client, Streams and serde properties. Pass-through
 * properties ({@code --kafka key=value}) reach every client unchanged — that is how TLS and SASL
 * are configured — except the few Lookout must own, which it sets last.
 */
public final class StreamsConfigs {

    private static final Logger LOG = LoggerFactory.getLogger(StreamsConfigs.class);
    private static final Set<String> OWNED = Set.of(StreamsConfig.APPLICATION_ID_CONFIG,
            StreamsConfig.APPLICATION_SERVER_CONFIG, StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG,
            StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG,
            StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG);

    private StreamsConfigs() {
    }

    /** Properties for any plain Kafka client (admin, consumer, producer): servers plus pass-through. */
    public static Map<String, Object> client(final LookoutConfig config) {
        final Map<String, Object> props = new HashMap<>(config.kafka());
        props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        return props;
    }

    /** Serde configuration: the registry URL plus pass-through (basic auth, retries, ...). */
    public static Map<String, Object> serdes(final LookoutConfig config) {
        final Map<String, Object> props = new HashMap<>(config.kafka());
        props.put(AvroSerdeConfig.SCHEMA_REGISTRY_URL, config.schemaRegistryUrl());
        return props;
    }

    /**
     * Kafka Streams properties. With {@code --rocksdb-memory}, every RocksDB store shares one
     * bounded cache ({@link BoundedRocksDbMemory}); without it, each store keeps Kafka's defaults.
     */
    public static Properties streams(final LookoutConfig config, final LookoutCounters counters) {
        final Properties props = new Properties();
        props.put(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, config.standbyReplicas());
        props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, config.streamThreads());
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, config.processingGuarantee());
        props.put(StreamsConfig.STATE_DIR_CONFIG, config.stateDir().toAbsolutePath().toString());
        if (config.commitIntervalMs() > 0) {
            props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, config.commitIntervalMs());
        }
        if (config.replicationFactor() > 0) {
            props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, (int) config.replicationFactor());
        }
        props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true);
        // No task waits for an empty input partition. Lookout needs no order across a task's inputs:
        // only the user view has two, and its fold is order-independent. And at the default (0),
        // Kafka Streams 4.3 and 4.4 format log messages for every empty partition of every task on
        // every pass of the stream thread, whatever the log level: a fifth of its CPU in profiles.
        props.put(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, -1L);
        // The early commit on uncommitted bytes (KIP-892) only counts transactional state stores,
        // which Lookout does not enable, yet Kafka Streams 4.4 asks every store of every task for
        // its count on each pass of the stream thread: 5 % of it in profiles. -1 turns it off;
        // --kafka statestore.uncommitted.max.bytes=… turns it back on.
        props.put(StreamsConfig.STATESTORE_UNCOMMITTED_MAX_BYTES_CONFIG, -1L);
        // The restore consumer's fetches wait at most 50 ms for data (the default is 500 ms).
        // Tasks reach the state updater a few at a time while the stream thread opens their
        // stores, and the changelogs of tasks added while a fetch waits on empty changelogs are
        // only read once it returns: each such wait held the restore half a second, and the last
        // one held RUNNING. The cost is a fetch every 50 ms while a standby replica is caught up.
        props.put(StreamsConfig.restoreConsumerPrefix(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG), 50);
        // The restore consumer hands the state updater up to 10,000 records per poll (the default
        // is 1,000): the updater's work per poll (positions and offsets of every restoring
        // changelog) is paid once per 10,000 records. Empty starts restoring 4.2M records: 13.0 s
        // against 14.1 s (medians of 7 and 5 alternating runs).
        props.put(StreamsConfig.restoreConsumerPrefix(ConsumerConfig.MAX_POLL_RECORDS_CONFIG), 10_000);
        // Client metrics are not pushed to the broker (KIP-714). With the push on, every metric
        // Kafka Streams registers also passes the main consumer's telemetry collector, which
        // builds a telemetry name for it: a sixth to a quarter of the stream thread while tasks
        // start, since each store registers dozens of metrics. Lookout's metrics are on /metrics;
        // --kafka enable.metrics.push=true turns the push back on.
        props.put(CommonClientConfigs.ENABLE_METRICS_PUSH_CONFIG, false);
        final boolean boundRocksDb = config.rocksDbMemoryBytes() > 0;
        config.kafka().forEach((key, value) -> {
            if (boundRocksDb && key.equals(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG)) {
                LOG.warn("Ignoring --kafka {}: --rocksdb-memory sets it", key);
            } else if (OWNED.contains(key)) {
                LOG.warn("Ignoring --kafka {}: Lookout sets it itself", key);
            } else {
                props.put(key, value);
            }
        });
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, config.applicationId());
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        props.put(StreamsConfig.APPLICATION_SERVER_CONFIG, config.applicationServer());
        props.put(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, Names.DEAD_LETTERS);
        props.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterDeserializationHandler.class);
        props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterProcessingHandler.class);
        props.put(LookoutCounters.CONFIG, counters);
        // What the processors count the changes of the listed stores into; the read model versions its slices by it.
        props.put(ViewChanges.CONFIG, new ViewChanges());
        if (boundRocksDb) {
            props.put(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, BoundedRocksDbMemory.class);
            props.put(BoundedRocksDbMemory.MEMORY_BYTES_CONFIG, config.rocksDbMemoryBytes());
        }
        return props;
    }
}
