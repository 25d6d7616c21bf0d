package dev.lookout.topology;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

import dev.lookout.events.AuthEvent;
import dev.lookout.events.ContentEvent;
import dev.lookout.events.SecurityAlert;
import dev.lookout.events.UserEvent;
import dev.lookout.internal.UserHistoryEntry;
import dev.lookout.internal.UserView;
import dev.lookout.schemaregistry.InMemorySchemaRegistry;
import dev.lookout.serde.AvroSerdeConfig;
import dev.lookout.topology.deadletter.DeadLetterDeserializationHandler;
import dev.lookout.topology.deadletter.DeadLetterProcessingHandler;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;

/**
 * A {@link TopologyTestDriver} around Lookout's topology with an in-memory registry, the
 * dead-letter handlers, and typed input and output topics. Close it after use.
 */
public final class TopologyFixture implements AutoCloseable {

    public static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");

    public final String scope = "topology-" + UUID.randomUUID();
    public final TopologySettings settings;
    public final EventSerdes serdes;
    public final Topology topology;
    public final TopologyTestDriver driver;
    public final LookoutCounters counters = new LookoutCounters();
    public final ViewChanges viewChanges = new ViewChanges();
    public final TestInputTopic<String, UserEvent> userEvents;
    public final TestInputTopic<String, ContentEvent> contentEvents;
    public final TestInputTopic<String, AuthEvent> authEvents;
    public final TestOutputTopic<String, SecurityAlert> alerts;
    public final TestOutputTopic<byte[], byte[]> deadLetters;

    public TopologyFixture(final TopologySettings settings) {
        this.settings = settings;
        this.serdes = EventSerdes.create(Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, "mem://" + scope));
        this.topology = LookoutTopology.build(settings, serdes);
        this.driver = new TopologyTestDriver(topology, properties(counters, viewChanges), T0);
        final StringSerializer keys = new StringSerializer();
        userEvents = driver.createInputTopic(Names.USER_EVENTS, keys, serdes.userEvents().serializer());
        contentEvents = driver.createInputTopic(Names.CONTENT_EVENTS, keys, serdes.contentEvents().serializer());
        authEvents = driver.createInputTopic(Names.AUTH_EVENTS, keys, serdes.authEvents().serializer());
        alerts = driver.createOutputTopic(Names.SECURITY_ALERTS, new StringDeserializer(),
                serdes.securityAlerts().deserializer());
        deadLetters = driver.createOutputTopic(Names.DEAD_LETTERS, new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
    }

    /**
     * Settings for the test driver: one partition per topic (the driver has one, and the stuffing
     * detector waits for progress from every auth-events partition), a stuffing threshold of 4,
     * the defaults otherwise.
     */
    public static TopologySettings testSettings() {
        return TopologySettings.defaults().toBuilder()
                .partitions(1)
                .grace(Duration.ofSeconds(30))
                .failureThreshold(3)
                .failureWindow(Duration.ofMinutes(5))
                .takeoverWindow(Duration.ofMinutes(10))
                .stuffingThreshold(4)
                .build();
    }

    static Properties properties(final LookoutCounters counters, final ViewChanges viewChanges) {
        final Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "lookout-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        // The driver commits after every record, so exactly-once adds nothing here; and under it the
        // driver drops a dead letter written while a record is enqueued (a deserialization error),
        // because it clears the mock producer's open transaction. The broker tests run exactly-once.
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.AT_LEAST_ONCE);
        props.put(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, Names.DEAD_LETTERS);
        props.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterDeserializationHandler.class);
        props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterProcessingHandler.class);
        props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true);
        props.put(LookoutCounters.CONFIG, counters);
        props.put(ViewChanges.CONFIG, viewChanges);
        return props;
    }

    /** A user's latest view, or null. */
    public UserView user(final String userId) {
        return driver.<String, UserView>getKeyValueStore(Names.USERS_STORE).get(userId);
    }

    /**
     * A user as of an event time, read as the API reads it: the newest entry of the user's history
     * at or before the time; null when there is none or it holds no view.
     */
    public UserView userAsOf(final String userId, final long time) {
        final KeyValueStore<Bytes, UserHistoryEntry> history = driver.getKeyValueStore(Names.USER_HISTORY_STORE);
        final Bytes user = Keys.entity(userId);
        try (KeyValueIterator<Bytes, UserHistoryEntry> newest = history.reverseRange(user,
                Keys.ofEntity(user, Keys.oldestFirstUpTo(time)))) {
            return newest.hasNext() ? newest.next().value.getView() : null;
        }
    }

    /** A raw-bytes input topic, for records no serializer would write. */
    public TestInputTopic<byte[], byte[]> rawInput(final String topic) {
        return driver.createInputTopic(topic, new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** Everything written to security-alerts so far, drained. */
    public List<SecurityAlert> drainAlerts() {
        final List<SecurityAlert> drained = new ArrayList<>();
        while (!alerts.isEmpty()) {
            drained.add(alerts.readValue());
        }
        return drained;
    }

    /** Everything written to the dead-letter topic so far, drained. */
    public List<TestRecord<byte[], byte[]>> drainDeadLetters() {
        final List<TestRecord<byte[], byte[]>> drained = new ArrayList<>();
        while (!deadLetters.isEmpty()) {
            drained.add(deadLetters.readRecord());
        }
        return drained;
    }

    @Override
    public void close() {
        driver.close();
        InMemorySchemaRegistry.dropScope(scope);
    }
}
