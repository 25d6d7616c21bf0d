package dev.lookout.bench;

import java.time.Duration;
import java.util.List;
import java.util.Properties;

import dev.lookout.app.config.LookoutConfig;
import dev.lookout.app.kafka.StreamsConfigs;
import dev.lookout.app.kafka.StreamsRuntime;
import dev.lookout.topology.LookoutCounters;
import dev.lookout.topology.Names;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;

/**
 * One measured run of a topology over input already in the broker: the time from
 * {@code KafkaStreams.start()} until the group's committed offsets reach the end of everything
 * it reads (inputs and repartitions), under a fresh application id.
 */
final class StreamsRun {

    /** Offsets are committed at this interval in every run, so that the end is seen promptly under either guarantee. */
    static final Duration COMMIT_INTERVAL = Duration.ofMillis(100);

    private StreamsRun() {
    }

    /**
     * The ceiling: {@code stream → mapValues → to} on bytes, one per input topic, with the same
     * guarantee and commit interval as the run it is compared with.
     */
    static Topology passThrough(final BrokerRig rig, final List<String> inputs) throws Exception {
        for (final String topic : inputs) {
            rig.ensureTopic("bench-" + topic + "-copy");
        }
        final StreamsBuilder builder = new StreamsBuilder();
        for (final String topic : inputs) {
            builder.stream(topic, Consumed.with(Serdes.String(), Serdes.ByteArray()).withName("read-" + topic))
                    .mapValues(value -> value, Named.as("pass-" + topic))
                    .to("bench-" + topic + "-copy", Produced.with(Serdes.String(), Serdes.ByteArray())
                            .withName("write-" + topic));
        }
        return builder.build();
    }

    /** Runs {@code topology} until caught up; returns the elapsed time. */
    static Duration measure(final BrokerRig rig, final Topology topology, final LookoutConfig config,
                            final List<String> inputs, final Duration atMost) throws Exception {
        final Properties props = StreamsConfigs.streams(config, new LookoutCounters());
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, (int) COMMIT_INTERVAL.toMillis());
        final long started = System.nanoTime();
        try (StreamsRuntime runtime = StreamsRuntime.start(topology, props)) {
            final long deadline = started + atMost.toNanos();
            while (!rig.caughtUp(config.applicationId(), inputs)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(config.applicationId() + " did not catch up within " + atMost);
                }
                if (!runtime.alive()) {
                    throw new IllegalStateException(config.applicationId() + " failed: " + runtime.readiness());
                }
                // Polling the committed offsets, not waiting for a result: 50 ms is the resolution.
                Thread.sleep(50);
            }
            return Duration.ofNanos(System.nanoTime() - started);
        }
    }

    static List<String> inputTopics() {
        return List.of(Names.USER_EVENTS, Names.CONTENT_EVENTS, Names.AUTH_EVENTS);
    }
}
