package dev.lookout.app.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.lookout.app.kafka.TopicSetup;
import dev.lookout.topology.Names;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The public topics Lookout creates keep a backfill of old events: with a finite
 * {@code --topic-retention} they count it from arrival, not from the events' own timestamps; and a
 * topic someone else created that would delete old events on arrival is named in a warning.
 */
@Timeout(180)
class TopicSetupIT {

    private static final Instant OLD = TestDates.daysAgo(90);

    @Test
    void createdTopicsWithAFiniteRetentionKeepOldEventsForThatLongAfterTheyArrive(@TempDir final Path dir)
            throws Exception {
        try (TestCluster cluster = TestCluster.start(TestCluster.Kind.EMBEDDED, dir, Housekeeping.EAGER);
             Admin admin = Admin.create(Map.of("bootstrap.servers", cluster.bootstrapServers()))) {
            TopicSetup.ensure(admin, new TopicSetup.Plan(6, (short) 1, Duration.ofDays(7).toMillis(), true));
            for (final String topic : List.of(Names.USER_EVENTS, Names.CONTENT_EVENTS, Names.AUTH_EVENTS,
                    Names.SECURITY_ALERTS, Names.DEAD_LETTERS)) {
                assertThat(admin.describeConfigs(List.of(new ConfigResource(ConfigResource.Type.TOPIC, topic))).all()
                        .get().values().iterator().next().get(TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG).value())
                        .as(topic).isEqualTo("LogAppendTime");
            }
            final TopicPartition partition = new TopicPartition(Names.USER_EVENTS, 0);
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                    "bootstrap.servers", cluster.bootstrapServers()), new StringSerializer(), new StringSerializer())) {
                for (int i = 0; i < 3; i++) {
                    producer.send(new ProducerRecord<>(Names.USER_EVENTS, 0,
                            OLD.plus(Duration.ofMinutes(2L * i)).toEpochMilli(), "u-" + i, "event " + i)).get();
                }
            }
            Housekeeping.awaitRetentionPass(cluster.bootstrapServers(), OLD, (short) 1);

            assertThat(admin.listOffsets(Map.of(partition, OffsetSpec.earliest())).all().get().get(partition).offset())
                    .as("no event of the backfill deleted").isZero();
        }
    }

    @Test
    void aTopicThatDeletesRecordsByTheirOwnTimestampsIsNamedInAWarning(@TempDir final Path dir) throws Exception {
        final Logger logger = (Logger) LoggerFactory.getLogger(TopicSetup.class);
        final ListAppender<ILoggingEvent> log = new ListAppender<>();
        log.start();
        logger.addAppender(log);
        try (TestCluster cluster = TestCluster.start(TestCluster.Kind.EMBEDDED, dir);
             Admin admin = Admin.create(Map.of("bootstrap.servers", cluster.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(Names.AUTH_EVENTS, Optional.of(6), Optional.empty())
                    .configs(Map.of(TopicConfig.RETENTION_MS_CONFIG, Long.toString(Duration.ofDays(7).toMillis())))))
                    .all().get();
            TopicSetup.ensure(admin, new TopicSetup.Plan(6, (short) 1, -1, true));
        } finally {
            logger.detachAppender(log);
        }
        assertThat(log.list).filteredOn(event -> event.getFormattedMessage().startsWith("Topic "))
                .singleElement().satisfies(event -> assertThat(event.getFormattedMessage())
                        .contains(Names.AUTH_EVENTS).contains("604800000").contains("LogAppendTime"));
    }
}
