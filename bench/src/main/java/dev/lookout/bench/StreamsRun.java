package dev.lookout.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

import com.sun.management.OperatingSystemMXBean;
import dev.lookout.app.config.LookoutConfig;
import dev.lookout.app.kafka.StreamsConfigs;
import dev.lookout.app.kafka.StreamsRuntime;
import dev.lookout.topology.LookoutCounters;
import dev.lookout.topology.Names;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;

/**
 * One measured run of a topology over input already in the broker, under a fresh application id.
 *
 * <p>Start-up and steady state are measured apart. The group's committed offsets on the input
 * topics are sampled every 100 ms from {@code KafkaStreams.start()}: start-up is the time until the
 * first offsets are committed. The steady window starts once 10 % of the input is committed or a
 * warm-up of {@value #WARM_UP_SECONDS} s after start-up has passed, whichever comes first, and ends
 * once 90 % is committed or the run's budget is spent; the rate is the events committed in it over
 * its length. Start-up, rebalancing, JIT warm-up and the tail of the repartitions are outside the
 * rate, and a slow topology is measured on part of a large input instead of the whole of a small
 * one.
 *
 * <p>What the run wrote to each topic is read from its producer's {@code record-send-total}: records
 * as sent, without transaction markers, and including repartition records that Kafka Streams has
 * purged since.
 *
 * <p>Where the time went: with each sample, the CPU time of the run's stream threads and of the
 * whole JVM (the broker, the harness and the run) is read, so that the steady window also tells
 * how busy the stream threads were (a thread on the CPU for less than the whole window spent the
 * rest waiting on Kafka: commits, fetches) and how many cores the JVM used.
 */
final class StreamsRun {

    /** Offsets are committed at this interval in every run, so that progress is seen promptly under either guarantee. */
    static final Duration COMMIT_INTERVAL = Duration.ofMillis(100);
    private static final long SAMPLE_MS = 100;
    private static final long WARM_UP_SECONDS = 5;

    /**
     * What one run measured.
     *
     * @param startup from {@code start()} to the first committed input offsets
     * @param eventsPerSecond the steady rate
     * @param window the length of the steady window
     * @param processed input events committed by the end of the run
     * @param written records the run's producers sent, by topic, largest first
     * @param streamThreadBusy the stream threads' CPU time over the steady window, per thread: 1.0 is
     *     a thread on the CPU for the whole window
     * @param processCores the JVM's CPU time over the steady window, in cores
     */
    record Measurement(Duration startup, double eventsPerSecond, Duration window, long processed,
                       Map<String, Long> written, double streamThreadBusy, double processCores) {

        /** Start-up as a share of start-up plus the steady window. */
        double startupShare() {
            return (double) startup.toNanos() / (startup.toNanos() + window.toNanos());
        }
    }

    private record Sample(long nanos, long committed, long streamCpuNanos, long processCpuNanos) {
    }

    /** The CPU time of one run's stream threads (not their producers' I/O threads) and of the whole JVM. */
    private static final class CpuClock {

        private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
        private static final OperatingSystemMXBean PROCESS =
                (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        private final String prefix;
        private final int threads;
        private long[] ids = new long[0];

        CpuClock(final String applicationId, final int threads) {
            this.prefix = applicationId + "-";
            this.threads = threads;
        }

        int threads() {
            return threads;
        }

        long streamThreads() {
            if (ids.length < threads) {
                // Found once all of them have started, by name: <application.id>-<uuid>-StreamThread-<n>.
                ids = Arrays.stream(THREADS.getThreadInfo(THREADS.getAllThreadIds()))
                        .filter(info -> info != null && info.getThreadName().startsWith(prefix)
                                && info.getThreadName().matches(".*-StreamThread-\\d+"))
                        .mapToLong(ThreadInfo::getThreadId).toArray();
            }
            long total = 0;
            for (final long id : ids) {
                total += Math.max(0, THREADS.getThreadCpuTime(id));
            }
            return total;
        }

        static long process() {
            return PROCESS.getProcessCpuTime();
        }
    }

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

    /**
     * Runs {@code topology} over an input of {@code events} events until it has caught up, or for
     * {@code budget} after its start-up, whichever comes first.
     */
    static Measurement measure(final BrokerRig rig, final Topology topology, final LookoutConfig config,
                               final List<String> inputs, final long events, final Duration budget) throws Exception {
        final Duration atMost = budget.plusMinutes(3);
        final Properties props = StreamsConfigs.streams(config, new LookoutCounters());
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, (int) COMMIT_INTERVAL.toMillis());
        final long started = System.nanoTime();
        final List<Sample> samples = new ArrayList<>();
        final CpuClock cpu = new CpuClock(config.applicationId(), config.streamThreads());
        try (StreamsRuntime runtime = StreamsRuntime.start(topology, props)) {
            final long deadline = started + atMost.toNanos();
            long nextSample = started;
            while (true) {
                final long now = System.nanoTime();
                if (now > deadline) {
                    throw new IllegalStateException(config.applicationId() + " did not catch up within " + atMost);
                }
                if (!runtime.alive()) {
                    throw new IllegalStateException(config.applicationId() + " failed: " + runtime.readiness());
                }
                final long committed = rig.committed(config.applicationId(), inputs);
                samples.add(new Sample(now, committed, cpu.streamThreads(), CpuClock.process()));
                final Sample first = samples.stream().filter(sample -> sample.committed() > 0).findFirst().orElse(null);
                if (committed >= events && rig.caughtUp(config.applicationId(), inputs)
                        || first != null && now - first.nanos() > budget.toNanos()) {
                    break;
                }
                nextSample += SAMPLE_MS * 1_000_000;
                // Sampling the committed offsets at a fixed rate, not waiting for a result.
                Thread.sleep(Math.max(0, (nextSample - System.nanoTime()) / 1_000_000));
            }
            final Sample first = samples.stream().filter(sample -> sample.committed() > 0).findFirst().orElseThrow();
            final long warmedUp = first.nanos() + WARM_UP_SECONDS * 1_000_000_000L;
            final Sample from = samples.stream().filter(sample -> sample.committed() >= events / 10
                    || sample.nanos() >= warmedUp).findFirst().orElseThrow();
            final Sample to = samples.stream().filter(sample -> sample.committed() >= events * 9 / 10).findFirst()
                    .orElse(samples.get(samples.size() - 1));
            if (to.nanos() <= from.nanos()) {
                throw new IllegalStateException(config.applicationId() + ": no steady window between two samples; use "
                        + "a larger input");
            }
            final double windowNanos = to.nanos() - from.nanos();
            return new Measurement(Duration.ofNanos(first.nanos() - started),
                    (to.committed() - from.committed()) / (windowNanos / 1e9),
                    Duration.ofNanos(to.nanos() - from.nanos()), samples.get(samples.size() - 1).committed(),
                    written(runtime), (to.streamCpuNanos() - from.streamCpuNanos()) / windowNanos / cpu.threads(),
                    (to.processCpuNanos() - from.processCpuNanos()) / windowNanos);
        }
    }

    /** Records the run's producers sent, by topic (producer-topic-metrics, record-send-total), largest first. */
    private static Map<String, Long> written(final StreamsRuntime runtime) {
        final Map<String, Long> byTopic = new TreeMap<>();
        for (final Map.Entry<MetricName, ? extends Metric> metric : runtime.streams().metrics().entrySet()) {
            final MetricName name = metric.getKey();
            if ("producer-topic-metrics".equals(name.group()) && "record-send-total".equals(name.name())) {
                byTopic.merge(name.tags().get("topic"), (long) ((Number) metric.getValue().metricValue())
                        .doubleValue(), Long::sum);
            }
        }
        final Map<String, Long> sorted = new LinkedHashMap<>();
        byTopic.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .forEach(entry -> sorted.put(entry.getKey(), entry.getValue()));
        return sorted;
    }

    static List<String> inputTopics() {
        return List.of(Names.USER_EVENTS, Names.CONTENT_EVENTS, Names.AUTH_EVENTS);
    }
}
