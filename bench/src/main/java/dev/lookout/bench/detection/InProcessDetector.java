package dev.lookout.bench.detection;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import dev.lookout.events.AlertKind;
import dev.lookout.events.AuthEvent;
import dev.lookout.events.LoginFailed;
import dev.lookout.events.FailureReason;
import dev.lookout.internal.AuthEnvelope;
import dev.lookout.internal.LoginState;
import dev.lookout.internal.Origin;
import dev.lookout.serde.AvroSerdeConfig;
import dev.lookout.topology.Emitted;
import dev.lookout.topology.EventSerdes;
import dev.lookout.topology.HeapKeyValueStore;
import dev.lookout.topology.Names;
import dev.lookout.topology.StateStores;
import dev.lookout.topology.TopologySettings;
import dev.lookout.topology.detect.LoginDetector;
import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.Punctuator;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.internals.metrics.StreamsMetricsImpl;
import org.apache.kafka.streams.state.Stores;

/**
 * Lookout's real {@link LoginDetector} processor, driven directly through a
 * {@link MockProcessorContext}: no broker, no changelogs. Its three stores are the topology's
 * ({@link HeapKeyValueStore}s with the same names and serdes: Avro in Confluent's wire format with
 * an in-process registry), each over an in-memory durable store with logging disabled instead of
 * RocksDB. Commits are simulated: every {@value #COMMIT_INTERVAL_MS} ms of wall-clock time, as
 * often as a stream task commits under exactly-once, the stores write what changed to their
 * durable stores (Avro), as they do before a real commit. The stream-time punctuation that expires idle users
 * is fired as stream time advances, as a stream task would; the wall-clock idle check is not
 * (it only matters when a partition goes quiet). Captured forwards are counted and dropped every
 * {@value #DRAIN_EVERY} events so memory stays flat.
 */
public final class InProcessDetector implements Contender {

    private static final int DRAIN_EVERY = 4_096;
    /** Kafka Streams' default commit interval under exactly-once. */
    private static final long COMMIT_INTERVAL_MS = 100;
    private static final String ROUND_TRIP_TOPIC = "bench-round-trip";

    private final TopologySettings settings;
    // The mock context names every store's changelog "changelog", so both Avro stores would register
    // their schemas under one subject, which the registry refuses; each gets its own in-process registry.
    private final EventSerdes bufferSerdes = serdes("login-buffer");
    private final EventSerdes episodesSerdes = serdes("login-episodes");

    public InProcessDetector(final TopologySettings settings) {
        this.settings = settings;
    }

    private static EventSerdes serdes(final String scope) {
        return EventSerdes.create(Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, "mem://bench-detection-" + scope));
    }

    @Override
    public String name() {
        return "Lookout LoginDetector, in-process";
    }

    @Override
    public String setup() {
        return "the topology's LoginDetector processor on a MockProcessorContext (kafka-streams-test-utils "
                + kafkaVersion() + "); its three stores on the heap "
                + "as in the topology, written (Avro) to in-memory durable stores every " + COMMIT_INTERVAL_MS
                + " ms as before a commit; metrics at Streams' default recording level (INFO); grace "
                + settings.grace().toSeconds() + " s; stream-time expiry punctuation fired as stream time advances; "
                + "one thread";
    }

    @Override
    public Trial prepare(final List<AuthEvent> events) {
        final List<AuthEvent> input = List.copyOf(events);
        final long last = input.stream().mapToLong(e -> e.getOccurredAt().toEpochMilli()).max().orElse(0);
        // End of input: one event a day later moves the watermark past everything, so the buffer
        // releases the tail (the topology tests flush the same way). It raises nothing itself.
        final AuthEvent flush = new AuthEvent("bench-flush", "bench-flush-user", Instant.ofEpochMilli(last)
                .plus(Duration.ofDays(1)), "192.0.2.1", new LoginFailed(FailureReason.BAD_PASSWORD));
        return () -> run(input, flush);
    }

    /**
     * A per-event Avro round trip: every event wrapped in its {@link AuthEnvelope}, serialized with
     * the reorder buffer's serde and deserialized again, and nothing else. It was this detector's
     * floor while its buffer stored bytes; it is kept as a reference for what serializing each event
     * costs.
     */
    public Trial envelopeRoundTrip(final List<AuthEvent> events) {
        final List<AuthEvent> input = List.copyOf(events);
        final Serde<AuthEnvelope> serde = bufferSerdes.internal(AuthEnvelope.class);
        return () -> {
            final long started = System.nanoTime();
            long offset = 0;
            long check = 0;
            for (final AuthEvent event : input) {
                final AuthEnvelope envelope = new AuthEnvelope(event, new Origin(Names.AUTH_EVENTS, 0, offset++,
                        event.getOccurredAt().toEpochMilli()));
                final byte[] bytes = serde.serializer().serialize(ROUND_TRIP_TOPIC, envelope);
                check += serde.deserializer().deserialize(ROUND_TRIP_TOPIC, bytes).getOrigin().getOffset();
            }
            final long took = System.nanoTime() - started;
            if (check != (long) input.size() * (input.size() - 1) / 2) {
                throw new IllegalStateException("round trip lost events");
            }
            return new Outcome(input.size(), took, List.of());
        };
    }

    private Outcome run(final List<AuthEvent> events, final AuthEvent flush) {
        final MockProcessorContext<String, Emitted> context = new MockProcessorContext<>(properties());
        context.setCurrentSystemTimeMs(System.currentTimeMillis());
        context.setCurrentStreamTimeMs(-1); // what a stream task reports before its first record
        // The mock records DEBUG-level metrics (every store operation timed); Streams' default
        // metrics.recording.level is INFO, which skips them. Sensors share this config object.
        ((StreamsMetricsImpl) context.metrics()).metricsRegistry().config().recordLevel(Sensor.RecordingLevel.INFO);
        final List<HeapKeyValueStore<?, ?>> stores = List.of(
                addStore(context, Names.LOGIN_BUFFER_STORE, Serdes.Bytes(), bufferSerdes.internal(AuthEnvelope.class),
                        StateStores.HEAP_RANGES),
                addStore(context, Names.LOGIN_CLOCK_STORE, Serdes.String(), Serdes.Long(), StateStores.HEAP_RANGES),
                addStore(context, Names.LOGIN_EPISODES_STORE, Serdes.String(),
                        episodesSerdes.internal(LoginState.class), StateStores.HEAP_RANGES));
        final LoginDetector detector = new LoginDetector(settings);
        detector.init(context);
        final List<MockProcessorContext.CapturedPunctuator> streamTime = context.scheduledPunctuators().stream()
                .filter(p -> p.getType() == PunctuationType.STREAM_TIME).toList();
        final List<String> alerts = new ArrayList<>();

        final long started = System.nanoTime();
        final StreamTimePunctuations punctuations = new StreamTimePunctuations(streamTime);
        long offset = 0;
        long commitDue = started + TimeUnit.MILLISECONDS.toNanos(COMMIT_INTERVAL_MS);
        for (final AuthEvent event : events) {
            process(context, detector, punctuations, event, offset++);
            if (offset % DRAIN_EVERY == 0) {
                drain(context, alerts);
            }
            if ((offset & 255) == 0 && System.nanoTime() >= commitDue) {
                stores.forEach(HeapKeyValueStore::flushCache);
                commitDue = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(COMMIT_INTERVAL_MS);
            }
        }
        process(context, detector, punctuations, flush, offset);
        drain(context, alerts);
        stores.forEach(HeapKeyValueStore::flushCache);
        final long took = System.nanoTime() - started;
        detector.close();
        return new Outcome(events.size(), took, alerts);
    }

    private static void process(final MockProcessorContext<String, Emitted> context, final LoginDetector detector,
                                final StreamTimePunctuations punctuations, final AuthEvent event, final long offset) {
        final long at = event.getOccurredAt().toEpochMilli();
        context.setRecordMetadata(Names.AUTH_EVENTS, 0, offset);
        final long streamTime = Math.max(context.currentStreamTimeMs(), at);
        context.setCurrentStreamTimeMs(streamTime);
        detector.process(new Record<>(event.getUserId(), event, at));
        punctuations.maybePunctuate(streamTime);
    }

    /** Counts the REPEATED_LOGIN_FAILURE alerts forwarded so far, then forgets every forward. */
    private static void drain(final MockProcessorContext<String, Emitted> context, final List<String> alerts) {
        for (final MockProcessorContext.CapturedForward<? extends String, ? extends Emitted> forward
                : context.forwarded()) {
            if (forward.record().value() instanceof Emitted.Alert alert
                    && alert.alert().getKind() == AlertKind.REPEATED_LOGIN_FAILURE) {
                alerts.add(String.join(",", alert.alert().getTriggeringEventIds()));
            }
        }
        context.resetForwards();
    }

    private static <K, V> HeapKeyValueStore<K, V> addStore(final MockProcessorContext<String, Emitted> context,
                                                          final String name, final Serde<K> keys,
                                                          final Serde<V> values, final HeapKeyValueStore.Ranges ranges) {
        // The mock context has no record collector for changelogs.
        final HeapKeyValueStore<K, V> store = (HeapKeyValueStore<K, V>) HeapKeyValueStore.builder(
                Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(name), keys, values).withLoggingDisabled(),
                keys, ranges).build();
        store.init(context.getStateStoreContext(), store);
        context.addStateStore(store);
        return store;
    }

    private static Properties properties() {
        final Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "lookout-bench");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true);
        return props;
    }

    /** Fires stream-time punctuators as a stream task does: when stream time reaches the next due time. */
    private static final class StreamTimePunctuations {
        private final List<Punctuator> punctuators = new ArrayList<>();
        private final long[] intervals;
        private final long[] due;

        StreamTimePunctuations(final List<MockProcessorContext.CapturedPunctuator> scheduled) {
            intervals = new long[scheduled.size()];
            due = new long[scheduled.size()];
            for (int i = 0; i < scheduled.size(); i++) {
                punctuators.add(scheduled.get(i).getPunctuator());
                intervals[i] = scheduled.get(i).getInterval().toMillis();
                due[i] = Long.MIN_VALUE;
            }
        }

        void maybePunctuate(final long streamTime) {
            for (int i = 0; i < due.length; i++) {
                if (due[i] == Long.MIN_VALUE) {
                    due[i] = streamTime + intervals[i];
                } else if (streamTime >= due[i]) {
                    punctuators.get(i).punctuate(streamTime);
                    due[i] = streamTime + intervals[i];
                }
            }
        }
    }

    /** The version of the Kafka jars, from the properties file kafka-clients carries. */
    private static String kafkaVersion() {
        try (java.io.InputStream in = org.apache.kafka.clients.producer.KafkaProducer.class
                .getResourceAsStream("/kafka/kafka-version.properties")) {
            final java.util.Properties properties = new java.util.Properties();
            if (in != null) {
                properties.load(in);
            }
            return properties.getProperty("version", "unknown");
        } catch (java.io.IOException e) {
            return "unknown";
        }
    }
}
