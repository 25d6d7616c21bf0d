package dev.lookout.app.kafka;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import dev.lookout.app.query.InstanceStatus;
import dev.lookout.app.query.LocalSlice;
import dev.lookout.topology.LookoutCounters;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.LagInfo;
import org.apache.kafka.streams.TaskMetadata;
import org.apache.kafka.streams.ThreadMetadata;
import org.apache.kafka.streams.TopologyDescription;

/**
 * This instance's status for the console, read from Kafka Streams' own metrics and metadata:
 * state and restoration, standby lag, lag per input partition in records and in seconds of event
 * time, input events per second over the last minutes, and Lookout's counters.
 *
 * <p>The events/s figure comes from a small ring buffer: once a second, the main consumers'
 * {@code records-consumed-total} for the input topics is sampled and the difference kept. A
 * metrics backend is not assumed, so the console can draw a sparkline on its own.
 */
public final class InstanceProbe implements AutoCloseable {

    /** How many one-second samples of events/s are kept: five minutes. */
    static final int SAMPLES = 300;

    private static final String FETCH_GROUP = "consumer-fetch-manager-metrics";
    private static final String NODE_GROUP = "stream-processor-node-metrics";
    private static final String PRODUCER_TOPIC_GROUP = "producer-topic-metrics";

    private final KafkaStreams streams;
    private final StreamsRuntime runtime;
    private final LookoutCounters counters;
    private final String self;
    private final Clock clock;
    /** Input topic → the source node that reads it. */
    private final Map<String, String> sourceOfTopic = new HashMap<>();
    /** Store → the sub-topology that holds it. */
    private final Map<String, Integer> subtopologyOfStore = new HashMap<>();
    private final Deque<InstanceStatus.Sample> samples = new ArrayDeque<>();
    private final ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor(runnable -> {
        final Thread thread = new Thread(runnable, "status-sampler");
        thread.setDaemon(true);
        return thread;
    });
    private double lastConsumed = Double.NaN;

    public InstanceProbe(final StreamsRuntime runtime, final TopologyDescription topology, final Set<String> inputs,
                         final LookoutCounters counters, final String self, final Clock clock) {
        this.runtime = runtime;
        this.streams = runtime.streams();
        this.counters = counters;
        this.self = self;
        this.clock = clock;
        for (final TopologyDescription.Subtopology sub : topology.subtopologies()) {
            for (final TopologyDescription.Node node : sub.nodes()) {
                if (node instanceof TopologyDescription.Source source) {
                    source.topicSet().stream().filter(inputs::contains)
                            .forEach(topic -> sourceOfTopic.put(topic, source.name()));
                } else if (node instanceof TopologyDescription.Processor processor) {
                    processor.stores().forEach(store -> subtopologyOfStore.put(store, sub.id()));
                }
            }
        }
        sampler.scheduleAtFixedRate(this::sample, 1, 1, TimeUnit.SECONDS);
    }

    /** This instance's status, with the partitions of its active tasks. */
    public LocalSlice<InstanceStatus> status() {
        final Set<String> active = new HashSet<>();
        final Set<Integer> partitions = new HashSet<>();
        for (final ThreadMetadata thread : streams.metadataForLocalThreads()) {
            for (final TaskMetadata task : thread.activeTasks()) {
                active.add(task.taskId().subtopology() + "_" + task.taskId().partition());
                partitions.add(task.taskId().partition());
            }
        }
        final Map<MetricName, ? extends Metric> metrics = streams.metrics();
        final Map<LookoutCounters.Key, Long> counts = counters.snapshot();
        final InstanceStatus status = new InstanceStatus(self, streams.state().toString(), runtime.readiness().ready(),
                runtime.restores().restoringStores(), standbys(active), inputs(metrics),
                samples(), perTopic(metrics, FETCH_GROUP, "records-consumed-rate"),
                perTopic(metrics, PRODUCER_TOPIC_GROUP, "record-send-rate"), deadLetters(counts),
                byLabel(counts, LookoutCounters.Kind.ALERTS), byLabel(counts, LookoutCounters.Kind.DUPLICATES));
        return new LocalSlice<>(List.of(status), partitions);
    }

    private List<InstanceStatus.StandbyLag> standbys(final Set<String> active) {
        final List<InstanceStatus.StandbyLag> standbys = new ArrayList<>();
        final Map<String, Map<Integer, LagInfo>> lags;
        try {
            lags = streams.allLocalStorePartitionLags();
        } catch (RuntimeException notYet) {
            return standbys; // not running yet: no lag to report
        }
        new TreeMap<>(lags).forEach((store, byPartition) -> new TreeMap<>(byPartition).forEach((partition, lag) -> {
            final Integer subtopology = subtopologyOfStore.get(store);
            if (subtopology != null && !active.contains(subtopology + "_" + partition)) {
                standbys.add(new InstanceStatus.StandbyLag(store, partition, lag.offsetLag()));
            }
        }));
        return standbys;
    }

    /**
     * Lag per input partition: {@code records-lag} of the main consumer, and, while it is behind,
     * the largest end-to-end latency its source node saw in the metric's window (wall clock minus
     * the record's event time when the record was read).
     */
    private List<InstanceStatus.InputLag> inputs(final Map<MetricName, ? extends Metric> metrics) {
        final Map<String, Double> sourceLatency = new HashMap<>();
        metrics.forEach((name, metric) -> {
            if (name.group().equals(NODE_GROUP) && name.name().equals("record-e2e-latency-max")) {
                final String task = name.tags().get("task-id");
                final String node = name.tags().get("processor-node-id");
                if (task != null && node != null) {
                    sourceLatency.put(node + "@" + task.substring(task.indexOf('_') + 1), value(metric));
                }
            }
        });
        final List<InstanceStatus.InputLag> lags = new ArrayList<>();
        metrics.forEach((name, metric) -> {
            final String topic = name.tags().get("topic");
            final String partition = name.tags().get("partition");
            if (!name.group().equals(FETCH_GROUP) || !name.name().equals("records-lag") || partition == null
                    || !sourceOfTopic.containsKey(topic) || !mainConsumer(name)) {
                return;
            }
            final double records = value(metric);
            final long lag = Double.isNaN(records) ? -1 : (long) records;
            final Double latency = sourceLatency.get(sourceOfTopic.get(topic) + "@" + partition);
            final Double seconds = lag == 0 ? Double.valueOf(0)
                    : latency == null || latency.isNaN() ? null : Math.max(0, latency / 1000.0);
            lags.add(new InstanceStatus.InputLag(topic, Integer.parseInt(partition), lag, seconds));
        });
        lags.sort((a, b) -> a.topic().equals(b.topic()) ? Integer.compare(a.partition(), b.partition())
                : a.topic().compareTo(b.topic()));
        return lags;
    }

    /** A per-topic rate of the stream threads' main consumers or producers, summed over threads. */
    private static Map<String, Double> perTopic(final Map<MetricName, ? extends Metric> metrics, final String group,
                                                final String metric) {
        final Map<String, Double> rates = new TreeMap<>();
        metrics.forEach((name, value) -> {
            final String topic = name.tags().get("topic");
            final String client = name.tags().getOrDefault("client-id", "");
            if (name.group().equals(group) && name.name().equals(metric) && topic != null
                    && !name.tags().containsKey("partition") && !client.endsWith("-restore-consumer")
                    && !client.endsWith("-global-consumer")) {
                final double rate = value(value);
                if (!Double.isNaN(rate)) {
                    rates.merge(topic, rate, Double::sum);
                }
            }
        });
        return rates;
    }

    private static List<InstanceStatus.DeadLetterCount> deadLetters(final Map<LookoutCounters.Key, Long> counts) {
        final List<InstanceStatus.DeadLetterCount> deadLetters = new ArrayList<>();
        counts.forEach((key, count) -> {
            if (key.kind() == LookoutCounters.Kind.DEAD_LETTERS) {
                deadLetters.add(new InstanceStatus.DeadLetterCount(key.stage(), key.reason(), count));
            }
        });
        return deadLetters;
    }

    private static Map<String, Long> byLabel(final Map<LookoutCounters.Key, Long> counts,
                                             final LookoutCounters.Kind kind) {
        final Map<String, Long> byLabel = new TreeMap<>();
        counts.forEach((key, count) -> {
            if (key.kind() == kind) {
                byLabel.put(key.label(), count);
            }
        });
        return byLabel;
    }

    private synchronized List<InstanceStatus.Sample> samples() {
        return List.copyOf(samples);
    }

    /** Once a second: the input records consumed since the last sample. */
    private void sample() {
        double consumed = 0;
        for (final Map.Entry<MetricName, ? extends Metric> entry : streams.metrics().entrySet()) {
            final MetricName name = entry.getKey();
            if (name.group().equals(FETCH_GROUP) && name.name().equals("records-consumed-total")
                    && sourceOfTopic.containsKey(name.tags().get("topic")) && mainConsumer(name)) {
                final double value = value(entry.getValue());
                consumed += Double.isNaN(value) ? 0 : value;
            }
        }
        synchronized (this) {
            if (!Double.isNaN(lastConsumed)) {
                // A thread replaced after a failure starts its counters again: never a negative rate.
                samples.addLast(new InstanceStatus.Sample(Instant.now(clock), Math.max(0, consumed - lastConsumed)));
                while (samples.size() > SAMPLES) {
                    samples.removeFirst();
                }
            }
            lastConsumed = consumed;
        }
    }

    /** The stream threads' main consumers, not the restore or global ones. */
    private static boolean mainConsumer(final MetricName name) {
        final String client = name.tags().getOrDefault("client-id", "");
        return client.endsWith("-consumer") && !client.endsWith("-restore-consumer")
                && !client.endsWith("-global-consumer");
    }

    private static double value(final Metric metric) {
        final Object value = metric.metricValue();
        return value instanceof Number number ? number.doubleValue() : Double.NaN;
    }

    @Override
    public void close() {
        sampler.shutdownNow();
    }
}
