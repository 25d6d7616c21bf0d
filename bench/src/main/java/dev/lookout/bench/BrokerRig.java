package dev.lookout.bench;

import java.net.ServerSocket;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicReference;

import dev.lookout.app.config.LookoutCommand;
import dev.lookout.app.config.LookoutConfig;
import dev.lookout.app.embedded.EmbeddedKafka;
import dev.lookout.app.kafka.TopicSetup;
import dev.lookout.events.AuthEvent;
import dev.lookout.events.CommentAdded;
import dev.lookout.events.ContentEvent;
import dev.lookout.events.PostPublished;
import dev.lookout.events.UserEvent;
import dev.lookout.schemaregistry.InMemorySchemaRegistry;
import dev.lookout.schemaregistry.server.SchemaRegistryServer;
import dev.lookout.schemas.EventContract;
import dev.lookout.serde.AvroSerdeConfig;
import dev.lookout.topology.EventSerdes;
import dev.lookout.topology.Names;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * A real broker for the benchmarks: Lookout's embedded KRaft broker and its development schema
 * registry (over HTTP) in this JVM, Lookout's topics, and input written once as Avro bytes that
 * every measured run then reads from the beginning under its own application id.
 */
final class BrokerRig implements AutoCloseable {

    /** An input record, serialized once. */
    record Input(String topic, String key, byte[] value) {
    }

    private final EmbeddedKafka kafka;
    private final SchemaRegistryServer registry;
    private final EventSerdes serdes;
    private final Admin admin;
    private final Path dir;
    private final int partitions;

    private BrokerRig(final Path dir, final int partitions) throws Exception {
        this.dir = dir;
        this.partitions = partitions;
        this.kafka = EmbeddedKafka.start(dir.resolve("kafka"), freePort(), freePort(), Map.of(
                "num.partitions", Integer.toString(partitions)));
        this.registry = SchemaRegistryServer.start("localhost", 0, new InMemorySchemaRegistry());
        for (final EventContract contract : EventContract.values()) {
            registry.registry().setSubjectCompatibility(contract.valueSubject(), contract.compatibility());
        }
        this.serdes = EventSerdes.create(Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, registry.url().toString()));
        this.admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()));
        TopicSetup.ensure(admin, new TopicSetup.Plan(partitions, (short) 1, -1, true));
    }

    static BrokerRig start(final Path dir, final int partitions) throws Exception {
        return new BrokerRig(dir, partitions);
    }

    String bootstrapServers() {
        return kafka.bootstrapServers();
    }

    EventSerdes serdes() {
        return serdes;
    }

    Admin admin() {
        return admin;
    }

    int partitions() {
        return partitions;
    }

    /**
     * A production-mode configuration of this rig, parsed by Lookout's own command line.
     *
     * @param extra further options, e.g. {@code --processing-guarantee at_least_once}
     */
    LookoutConfig config(final String applicationId, final int httpPort, final String... extra) {
        final List<String> args = options(applicationId, dir.resolve("state").resolve(applicationId), httpPort);
        args.addAll(List.of(extra));
        final AtomicReference<LookoutConfig> parsed = new AtomicReference<>();
        final String[] array = args.toArray(String[]::new);
        final int code = LookoutCommand.commandLine(config -> {
            parsed.set(config);
            return 0;
        }, demo -> 0, array, Map.of()).execute(array);
        if (code != 0) {
            throw new IllegalArgumentException("invalid bench configuration " + args);
        }
        return parsed.get();
    }

    /**
     * Lookout's command-line options for an instance on this rig, in production mode without API
     * keys: the broker, the registry, its own state directory and HTTP port on loopback.
     */
    List<String> options(final String applicationId, final Path stateDir, final int httpPort) {
        return new ArrayList<>(List.of(
                "--bootstrap-servers", kafka.bootstrapServers(),
                "--schema-registry-url", registry.url().toString(),
                "--application-id", applicationId,
                "--state-dir", stateDir.toString(),
                "--http-host", "localhost",
                "--http-port", Integer.toString(httpPort),
                "--application-server", "localhost:" + httpPort,
                "--partitions", Integer.toString(partitions),
                "--replication-factor", "1",
                "--insecure-no-auth"));
    }

    /**
     * Creates a topic of the rig's partition count unless it exists (the broker does not
     * auto-create). It keeps records forever: the workloads' event times are months old, and a
     * broker's default retention would delete them as they are written.
     */
    void ensureTopic(final String name) throws ExecutionException, InterruptedException {
        if (!admin.listTopics().names().get().contains(name)) {
            admin.createTopics(List.of(new org.apache.kafka.clients.admin.NewTopic(name, partitions, (short) 1)
                    .configs(Map.of(TopicConfig.RETENTION_MS_CONFIG, "-1"))))
                    .all().get();
        }
    }

    /** Serializes events (users, content, logins) with the real serde, keyed as producers key them. */
    List<Input> serialize(final List<?> events) {
        final List<Input> inputs = new ArrayList<>(events.size());
        for (final Object event : events) {
            if (event instanceof UserEvent user) {
                inputs.add(new Input(Names.USER_EVENTS, user.getUserId(),
                        serdes.userEvents().serializer().serialize(Names.USER_EVENTS, user)));
            } else if (event instanceof ContentEvent content) {
                inputs.add(new Input(Names.CONTENT_EVENTS, postId(content),
                        serdes.contentEvents().serializer().serialize(Names.CONTENT_EVENTS, content)));
            } else {
                final AuthEvent auth = (AuthEvent) event;
                inputs.add(new Input(Names.AUTH_EVENTS, auth.getUserId(),
                        serdes.authEvents().serializer().serialize(Names.AUTH_EVENTS, auth)));
            }
        }
        return inputs;
    }

    private static String postId(final ContentEvent event) {
        final Object payload = event.getPayload();
        if (payload instanceof PostPublished published) {
            return published.getPostId();
        }
        return ((CommentAdded) payload).getPostId();
    }

    /** Writes the inputs, acknowledged by the broker, and returns how long it took. */
    Duration produce(final List<Input> inputs) {
        final Map<String, Object> props = new HashMap<>();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.LINGER_MS_CONFIG, 20);
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, 262_144);
        final long started = System.nanoTime();
        final AtomicReference<Exception> failure = new AtomicReference<>();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props, new StringSerializer(),
                new ByteArraySerializer())) {
            for (final Input input : inputs) {
                producer.send(new ProducerRecord<>(input.topic(), input.key(), input.value()), (metadata, error) -> {
                    if (error != null) {
                        failure.compareAndSet(null, error);
                    }
                });
            }
            producer.flush();
        }
        if (failure.get() != null) {
            throw new IllegalStateException("input was not written", failure.get());
        }
        return Duration.ofNanos(System.nanoTime() - started);
    }

    /** The offsets the group has committed on these topics, summed: the input records it is done with. */
    long committed(final String group, final List<String> topics) throws ExecutionException, InterruptedException {
        return admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get().entrySet().stream()
                .filter(entry -> topics.contains(entry.getKey().topic()) && entry.getValue() != null)
                .mapToLong(entry -> entry.getValue().offset()).sum();
    }

    /**
     * Whether the group has committed the end of every partition it reads (inputs, repartitions
     * and read-back topics alike), read committed: nothing is left to process.
     */
    boolean caughtUp(final String group, final List<String> inputs) throws ExecutionException, InterruptedException {
        final Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata().get();
        final Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        committed.keySet().forEach(partition -> latest.put(partition, OffsetSpec.latest()));
        for (final String topic : inputs) {
            for (int p = 0; p < partitions; p++) {
                latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
            }
        }
        final Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = admin.listOffsets(latest,
                new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all().get();
        for (final Map.Entry<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> end : ends.entrySet()) {
            final OffsetAndMetadata at = committed.get(end.getKey());
            final long last = end.getValue().offset();
            // An empty partition needs no commit; under exactly-once a commit may sit past the last record.
            if (last > 0 && (at == null || at.offset() < last)) {
                return false;
            }
        }
        return true;
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        admin.close();
        registry.close();
        kafka.close();
    }
}
