package dev.lookout.app.it;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The broker's own housekeeping, made to happen inside a test: time-based deletion of log segments
 * and compaction. A changelog that loses records to either shows up as a wrong answer after a
 * restore.
 *
 * <p>A broker deletes only closed segments, and closes a segment once the record timestamps in it
 * span {@code segment.ms} ({@code log.roll.ms}); it checks retention every
 * {@code log.retention.check.interval.ms} (5 minutes by default) and compacts a log once its dirty
 * share passes {@code min.cleanable.dirty.ratio}. {@link #EAGER} makes all three short, and the
 * two {@code await} methods return once the broker has demonstrably done each since they were
 * called: they write a probe topic that the pass must change.
 */
public final class Housekeeping {

    /** Broker properties under which retention and compaction run within seconds of a write. */
    public static final Map<String, String> EAGER = Map.of(
            "log.retention.check.interval.ms", "1000",
            "log.roll.ms", "60000",
            "log.cleaner.backoff.ms", "1000",
            "log.cleaner.min.cleanable.ratio", "0.01");

    private static final long DAY_MS = Duration.ofDays(1).toMillis();

    private Housekeeping() {
    }

    /**
     * Returns once a retention check has deleted a segment of records dated {@code old}, written
     * after this call began: every log the broker holds went through that check too.
     */
    public static void awaitRetentionPass(final String bootstrapServers, final Instant old, final short replication)
            throws Exception {
        final String topic = "retention-probe-" + UUID.randomUUID();
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrapServers))) {
            admin.createTopics(List.of(new NewTopic(topic, Optional.of(1), Optional.of(replication)).configs(Map.of(
                    TopicConfig.RETENTION_MS_CONFIG, Long.toString(DAY_MS),
                    TopicConfig.SEGMENT_MS_CONFIG, "60000")))).all().get();
            writeSpanningSegments(bootstrapServers, topic, old);
            final TopicPartition partition = new TopicPartition(topic, 0);
            await("a retention check of the broker").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500))
                    .until(() -> admin.listOffsets(Map.of(partition, OffsetSpec.earliest())).all().get()
                            .get(partition).offset() > 0);
        }
    }

    /**
     * Returns once the log cleaner has compacted a probe topic written after this call began. The
     * cleaner takes the dirtiest logs first, so by then it has been through the others that were
     * as dirty.
     */
    public static void awaitCleanerPass(final String bootstrapServers, final Instant old, final short replication)
            throws Exception {
        final String topic = "compaction-probe-" + UUID.randomUUID();
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrapServers))) {
            admin.createTopics(List.of(new NewTopic(topic, Optional.of(1), Optional.of(replication)).configs(Map.of(
                    TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT,
                    TopicConfig.MIN_CLEANABLE_DIRTY_RATIO_CONFIG, "0.01",
                    TopicConfig.SEGMENT_MS_CONFIG, "60000")))).all().get();
            writeSpanningSegments(bootstrapServers, topic, old);
        }
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false), new StringDeserializer(), new StringDeserializer())) {
            final TopicPartition partition = new TopicPartition(topic, 0);
            consumer.assign(List.of(partition));
            await("a pass of the log cleaner").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> {
                        consumer.seekToBeginning(List.of(partition));
                        final ConsumerRecords<String, String> records = consumer.poll(Duration.ofSeconds(2));
                        return !records.isEmpty() && records.iterator().next().offset() > 0;
                    });
        }
    }

    /** Three records of one key, two minutes of record time apart: the first two end up in closed segments. */
    private static void writeSpanningSegments(final String bootstrapServers, final String topic, final Instant old)
            throws Exception {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers, ProducerConfig.ACKS_CONFIG, "all"),
                new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < 3; i++) {
                final long at = old.plus(Duration.ofMinutes(2L * i)).toEpochMilli();
                producer.send(new ProducerRecord<>(topic, 0, at, "probe", Integer.toString(i))).get();
            }
        }
    }
}
