package dev.lookout.bench;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import dev.lookout.app.config.LookoutConfig;
import dev.lookout.app.kafka.StreamsConfigs;
import dev.lookout.app.kafka.StreamsRuntime;
import dev.lookout.events.AuthEvent;
import dev.lookout.events.SecurityAlert;
import dev.lookout.topology.Events;
import dev.lookout.topology.LookoutCounters;
import dev.lookout.topology.LookoutTopology;
import dev.lookout.topology.Names;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;

/**
 * Figure 3: how long after the broker acknowledged the failed login that completes an episode the
 * alert is visible to a {@code read_committed} consumer, at a steady input rate, under each guarantee.
 *
 * <p>The detector releases an event once the partition's watermark (newest event time minus the
 * grace) has passed it, so the latency has a floor of the grace plus the gap until a later event
 * arrives on that partition; the suite runs with a 1 s grace to measure what lies above it.
 */
final class DetectionLatencySuite implements Suite {

    private static final Duration GRACE = Duration.ofSeconds(1);
    /** The idle timeout of the runs: the "last event, then silence" rows wait for it. */
    private static final Duration IDLE = Duration.ofSeconds(5);

    /** The latencies of one run: at steady load, and of episodes that end the traffic. */
    private record Latencies(List<Double> steady, List<Double> silent) {
    }

    @Override
    public String id() {
        return "latency";
    }

    @Override
    public List<Section> run(final BenchContext bench) throws Exception {
        final int rate = bench.scale(1_000, 200);
        final Duration length = Duration.ofSeconds(bench.scale(15, 4));
        final int silences = bench.scale(10, 2);
        final StringBuilder table = new StringBuilder()
                .append("| Guarantee | Input | `commit.interval.ms` | Alerts measured | p50 | p99 | max |\n")
                .append("|---|---|---|---|---|---|---|\n");
        final Map<String, List<Double>> distributions = new LinkedHashMap<>();
        try (BrokerRig rig = BrokerRig.start(bench.workDir().resolve("latency"), 6)) {
            int attempt = 0;
            for (final String guarantee : bench.smoke() ? List.of("exactly_once_v2")
                    : List.of("exactly_once_v2", "at_least_once")) {
                final Samples p50 = new Samples();
                final Samples p99 = new Samples();
                final Samples max = new Samples();
                final Samples quietP50 = new Samples();
                final Samples quietP99 = new Samples();
                final Samples quietMax = new Samples();
                int alerts = 0;
                int quietAlerts = 0;
                long commitMs = 0;
                for (int run = 1; run <= bench.runs(); run++) {
                    final LookoutConfig config = rig.config("bench-latency-" + (++attempt), BrokerRig.freePort(),
                            "--processing-guarantee", guarantee, "--grace", GRACE.toSeconds() + "s",
                            "--idle-timeout", IDLE.toSeconds() + "s",
                            // Each run reads only its own input, not the previous runs'.
                            "--kafka", "auto.offset.reset=latest");
                    final Properties props = StreamsConfigs.streams(config, new LookoutCounters());
                    commitMs = Long.parseLong(String.valueOf(props.getOrDefault(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG,
                            new StreamsConfig(props).getLong(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG))));
                    final Latencies measured = measure(rig, config, props, rate, length, attempt, silences);
                    final List<Double> latencies = measured.steady();
                    final List<Double> silent = measured.silent();
                    alerts += latencies.size();
                    distributions.computeIfAbsent(guarantee + ", steady", k -> new ArrayList<>()).addAll(latencies);
                    quietAlerts += silent.size();
                    p50.add(percentile(latencies, 0.50));
                    p99.add(percentile(latencies, 0.99));
                    max.add(latencies.get(latencies.size() - 1));
                    quietP50.add(percentile(silent, 0.50));
                    quietP99.add(percentile(silent, 0.99));
                    quietMax.add(silent.get(silent.size() - 1));
                    bench.print("%s run %d: %,d alerts at %,d ev/s: p50 %.0f ms, p99 %.0f ms, max %.0f ms; %d episodes "
                                    + "ending the traffic (idle timeout %d ms): p50 %.0f ms, p99 %.0f ms, max %.0f ms",
                            guarantee, run, latencies.size(), rate, percentile(latencies, 0.5),
                            percentile(latencies, 0.99), latencies.get(latencies.size() - 1), silent.size(),
                            IDLE.toMillis(), percentile(silent, 0.5), percentile(silent, 0.99),
                            silent.get(silent.size() - 1));
                }
                bench.print("%s: p50 %s ms, p99 %s ms, max %s ms (commit.interval.ms %d); last event then silence: "
                                + "p50 %s ms, p99 %s ms against the idle timeout %d ms", guarantee,
                        p50.describe("%.0f"), p99.describe("%.0f"), max.describe("%.0f"), commitMs,
                        quietP50.describe("%.0f"), quietP99.describe("%.0f"), IDLE.toMillis());
                row(table, guarantee, String.format(Locale.ROOT, "steady %,d ev/s", rate), commitMs, alerts, p50, p99,
                        max);
                row(table, guarantee, "last event, then silence", commitMs, quietAlerts, quietP50, quietP99, quietMax);
            }
        }
        return List.of(new Section("Detection latency: acknowledged failure to visible alert", String.format(Locale.ROOT, """
                The whole topology on the embedded broker, 6 partitions, Kafka's default commit interval for each \
                guarantee. Steady input of %,d auth events/s for %d s with event time = wall-clock time, in which a \
                brute-force episode (3 failures within a second) starts every 100 ms. For each \
                `REPEATED_LOGIN_FAILURE` alert, the latency runs from the broker's acknowledgement of its last \
                triggering event (the producer's send callback) to the alert's arrival at a `read_committed` \
                consumer of `security-alerts`, on the same clock. Grace: %d s. The detector holds each event until \
                the partition's watermark (newest event time minus the grace) passes it, so every latency includes \
                the grace: the figures above it are Lookout's.

                "Last event, then silence": after the steady input, %d times, one more episode is the only                 input, and nothing follows it. Its alert can only come from the quiet release (docs/detection.md):                 the partition releases what it holds once it has received nothing for the idle timeout, %d s                 here, so every figure of these rows includes it.

                %s""", rate, length.toSeconds(), GRACE.toSeconds(), silences, IDLE.toSeconds(), table),
                List.of(new Chart.Cdf("detection-latency", "Detection latency: acknowledged failure to visible "
                        + "alert, all runs", "milliseconds", distributions))));
    }

    private static void row(final StringBuilder table, final String guarantee, final String input, final long commitMs,
                            final int alerts, final Samples p50, final Samples p99, final Samples max) {
        table.append("| `").append(guarantee).append("` | ").append(input).append(" | ").append(commitMs).append(" | ")
                .append(String.format(Locale.ROOT, "%,d", alerts)).append(" | ")
                .append(p50.describe("%.0f ms")).append(" | ").append(p99.describe("%.0f ms")).append(" | ")
                .append(max.describe("%.0f ms")).append(" |\n");
    }

    private static Latencies measure(final BrokerRig rig, final LookoutConfig config, final Properties props,
                                     final int rate, final Duration length, final int run, final int silences)
            throws Exception {
        final Map<String, Long> acknowledged = new ConcurrentHashMap<>();
        final List<Double> latencies = new ArrayList<>();
        final Map<String, Object> consumerProps = new HashMap<>();
        consumerProps.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, rig.bootstrapServers());
        consumerProps.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        consumerProps.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        consumerProps.put(ConsumerConfig.GROUP_ID_CONFIG, config.applicationId() + "-reader");
        final Map<String, Object> producerProps = new HashMap<>();
        producerProps.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, rig.bootstrapServers());
        producerProps.put(ProducerConfig.ACKS_CONFIG, "all");
        producerProps.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        final SplittableRandom random = new SplittableRandom(Workload.SEED + run);
        try (StreamsRuntime runtime = StreamsRuntime.start(LookoutTopology.build(config.topology(), rig.serdes()), props);
             KafkaConsumer<String, SecurityAlert> consumer = new KafkaConsumer<>(consumerProps,
                     new StringDeserializer(), rig.serdes().securityAlerts().deserializer());
             KafkaProducer<String, byte[]> producer = new KafkaProducer<>(producerProps, new StringSerializer(),
                     new ByteArraySerializer())) {
            consumer.subscribe(List.of(Names.SECURITY_ALERTS));
            final long readyBy = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
            while (!runtime.readiness().ready() || consumer.assignment().isEmpty()) {
                consumer.poll(Duration.ofMillis(100));
                if (System.nanoTime() > readyBy) {
                    throw new IllegalStateException("the app did not become ready: " + runtime.readiness());
                }
            }
            final long startNanos = System.nanoTime();
            final long endNanos = startNanos + length.toNanos();
            final long gapNanos = 1_000_000_000L / rate;
            long next = startNanos;
            long sent = 0;
            int episode = 0;
            while (System.nanoTime() < endNanos) {
                final long now = System.nanoTime();
                if (now < next) {
                    drain(consumer, acknowledged, latencies, Duration.ofMillis(Math.max(1, (next - now) / 1_000_000)));
                    continue;
                }
                next += gapNanos;
                final Instant at = Instant.now();
                final AuthEvent event;
                if (sent % (rate / 10) < 3) {
                    // One episode per 100 ms: its third failure completes it.
                    event = Events.failed("e-" + run + "-" + sent, "victim-" + episode, "203.0.113." + (episode % 200), at);
                    if (sent % (rate / 10) == 2) {
                        episode++;
                    }
                } else {
                    event = random.nextDouble() < 0.05
                            ? Events.failed("e-" + run + "-" + sent, "user-" + random.nextInt(50_000), "198.51.100.1", at)
                            : Events.succeeded("e-" + run + "-" + sent, "user-" + random.nextInt(50_000),
                            "198.51.100." + random.nextInt(1, 250), at);
                }
                final String id = event.getEventId();
                producer.send(new ProducerRecord<>(Names.AUTH_EVENTS, event.getUserId(),
                        rig.serdes().authEvents().serializer().serialize(Names.AUTH_EVENTS, event)), (metadata, error) -> {
                            if (error == null) {
                                acknowledged.put(id, System.nanoTime());
                            }
                        });
                sent++;
            }
            // The last episodes of the steady input come out by the quiet release: they are not
            // counted as steady ones, and must be out before the silent episodes start.
            final List<Double> released = new ArrayList<>();
            final long settle = System.nanoTime() + IDLE.toNanos() + TimeUnit.SECONDS.toNanos(10);
            while (System.nanoTime() < settle) {
                drain(consumer, acknowledged, released, Duration.ofMillis(100));
            }
            if (latencies.isEmpty()) {
                throw new IllegalStateException("no alert arrived");
            }
            final List<Double> silent = new ArrayList<>();
            for (int k = 0; k < silences; k++) {
                silent.add(silentEpisode(rig, consumer, producer, acknowledged, run, k));
            }
            latencies.sort(Double::compare);
            silent.sort(Double::compare);
            return new Latencies(latencies, silent);
        }
    }

    /** One episode that ends the traffic: the time from the ack of its last failure to its alert. */
    private static double silentEpisode(final BrokerRig rig, final KafkaConsumer<String, SecurityAlert> consumer,
                                        final KafkaProducer<String, byte[]> producer,
                                        final Map<String, Long> acknowledged, final int run, final int k) {
        final String user = "victim-silent-" + run + "-" + k;
        final Instant at = Instant.now();
        for (int i = 0; i < 3; i++) {
            final AuthEvent event = Events.failed("silent-" + run + "-" + k + "-" + i, user, "203.0.113.250",
                    at.plusMillis(i));
            final String id = event.getEventId();
            producer.send(new ProducerRecord<>(Names.AUTH_EVENTS, user,
                    rig.serdes().authEvents().serializer().serialize(Names.AUTH_EVENTS, event)), (metadata, error) -> {
                        if (error == null) {
                            acknowledged.put(id, System.nanoTime());
                        }
                    });
        }
        producer.flush();
        final String last = "silent-" + run + "-" + k + "-2";
        final long giveUp = System.nanoTime() + IDLE.toNanos() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < giveUp) {
            for (final ConsumerRecord<String, SecurityAlert> record : consumer.poll(Duration.ofMillis(50))) {
                if (user.equals(record.value().getUserId()) && acknowledged.containsKey(last)) {
                    return (System.nanoTime() - acknowledged.get(last)) / 1e6;
                }
            }
        }
        throw new IllegalStateException("the alert of " + user + " did not come after the silence");
    }

    private static void drain(final KafkaConsumer<String, SecurityAlert> consumer, final Map<String, Long> acknowledged,
                              final List<Double> latencies, final Duration wait) {
        for (final ConsumerRecord<String, SecurityAlert> record : consumer.poll(wait)) {
            final long arrived = System.nanoTime();
            final SecurityAlert alert = record.value();
            if (!"REPEATED_LOGIN_FAILURE".equals(alert.getKind().name()) || !alert.getUserId().startsWith("victim-")) {
                continue;
            }
            final List<String> triggering = alert.getTriggeringEventIds();
            final Long ack = acknowledged.get(triggering.get(triggering.size() - 1));
            if (ack != null) {
                latencies.add((arrived - ack) / 1e6);
            }
        }
    }

    private static double percentile(final List<Double> sorted, final double q) {
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(q * sorted.size()) - 1));
    }
}
