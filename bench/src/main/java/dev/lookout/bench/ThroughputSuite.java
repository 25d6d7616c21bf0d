package dev.lookout.bench;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Locale;

import dev.lookout.app.config.LookoutConfig;
import dev.lookout.topology.LookoutTopology;

/**
 * Figure 1: events/s of Lookout's whole topology (views, dedup, the three detectors) on a real
 * broker, under {@code exactly_once_v2} and {@code at_least_once}, against a bare pass-through on
 * the same broker and input in the same run.
 */
final class ThroughputSuite implements Suite {

    @Override
    public String id() {
        return "throughput";
    }

    @Override
    public List<Section> run(final BenchContext bench) throws Exception {
        // 120k and 100k rather than 2M: at the whole topology's measured rate on this machine
        // (about 5k ev/s), 2M events in six runs would take most of an hour, and the harness has
        // 15 minutes for every figure; --scale 16.7 runs 2M mixed events.
        final int events = bench.scale(120_000, 5_000);
        final int logins = bench.scale(100_000, 3_000);
        final StringBuilder table = new StringBuilder()
                .append("| Input | Guarantee | Pass-through (ceiling), ev/s | Full topology, ev/s | Ratio |\n")
                .append("|---|---|---|---|---|\n");
        final int mixedSize = measure(bench, "mixed", Workload.mixed(events),
                bench.smoke() ? List.of("exactly_once_v2") : List.of("exactly_once_v2", "at_least_once"), table);
        final int loginsSize = measure(bench, "logins only", List.copyOf(Workload.logins(logins)),
                List.of("exactly_once_v2"), table);
        return List.of(new Section("Processing throughput: the whole topology against a pass-through",
                String.format(Locale.ROOT, """
                        Two inputs, each pre-produced once into topics of %d partitions on Lookout's embedded \
                        KRaft broker, in the harness's JVM, on a broker of its own: %,d mixed events (users, \
                        posts and comments spread through logins with brute-force bursts, stuffing attacks, \
                        duplicates and reordering), and %,d login events alone (the detectors' input, \
                        figure 2 through the broker). Each run reads its input from the beginning under a new \
                        application id, on one stream thread, with `commit.interval.ms=%d`; the time is from \
                        `start()` until the group's committed offsets reach the end of every partition it \
                        reads, repartitions included. The ceiling is `stream → mapValues → to` on bytes over \
                        the same topics, with the same guarantee, run just before each full run. Targets: at \
                        least 0.5× on mixed input, 0.6× on logins.

                        %s""", PARTITIONS, mixedSize, loginsSize, StreamsRun.COMMIT_INTERVAL.toMillis(), table)));
    }

    private static final int PARTITIONS = 6;

    /** Measures one input under each guarantee, adds its rows to {@code table}; returns the input's size. */
    private static int measure(final BenchContext bench, final String name, final List<?> events,
                               final List<String> guarantees, final StringBuilder table) throws Exception {
        try (BrokerRig rig = BrokerRig.start(bench.workDir().resolve("throughput-" + name.replace(' ', '-')),
                PARTITIONS)) {
            final List<BrokerRig.Input> inputs = rig.serialize(events);
            final Duration produced = rig.produce(inputs);
            bench.print("input %s: %,d events in %d partitions per topic, written in %.1f s (%,.0f ev/s)", name,
                    inputs.size(), PARTITIONS, seconds(produced), inputs.size() / seconds(produced));
            for (final String guarantee : guarantees) {
                final Samples ceiling = new Samples();
                final Samples full = new Samples();
                for (int run = 1; run <= bench.runs(); run++) {
                    final String suffix = guarantee.substring(0, 4) + "-" + run;
                    final LookoutConfig pass = rig.config("bench-pass-" + suffix, BrokerRig.freePort(),
                            "--processing-guarantee", guarantee);
                    final Duration passTime = StreamsRun.measure(rig, StreamsRun.passThrough(rig,
                            StreamsRun.inputTopics()), pass, StreamsRun.inputTopics(), Duration.ofMinutes(10));
                    ceiling.add(inputs.size() / seconds(passTime));
                    final LookoutConfig lookout = rig.config("bench-full-" + suffix, BrokerRig.freePort(),
                            "--processing-guarantee", guarantee);
                    final Duration fullTime = StreamsRun.measure(rig, LookoutTopology.build(lookout.topology(),
                            rig.serdes()), lookout, StreamsRun.inputTopics(), Duration.ofMinutes(20));
                    full.add(inputs.size() / seconds(fullTime));
                    if (run == 1) {
                        final Map<String, Long> written = rig.recordsByTopic(lookout.applicationId() + "-");
                        final long total = written.values().stream().mapToLong(Long::longValue).sum();
                        bench.print("%s, %s: %,d records written to internal topics (%.1f per input event); "
                                        + "most: %s", name, guarantee, total, (double) total / inputs.size(),
                                written.entrySet().stream().limit(8).map(e -> e.getKey()
                                        .substring(lookout.applicationId().length() + 1) + "=" + e.getValue())
                                        .toList());
                    }
                    bench.print("%s, %s run %d: pass-through %,.0f ev/s (%.1f s), full topology %,.0f ev/s "
                            + "(%.1f s), ratio %.2f", name, guarantee, run, inputs.size() / seconds(passTime),
                            seconds(passTime), inputs.size() / seconds(fullTime), seconds(fullTime),
                            seconds(passTime) / seconds(fullTime));
                }
                final Samples ratio = full.over(ceiling);
                bench.print("%s, %s: full topology %s ev/s = %s of the pass-through %s ev/s", name, guarantee,
                        full.describe("%,.0f"), ratio.describe("%.2f×"), ceiling.describe("%,.0f"));
                table.append("| ").append(name).append(" | `").append(guarantee).append("` | ")
                        .append(ceiling.describe("%,.0f")).append(" | ").append(full.describe("%,.0f"))
                        .append(" | **").append(ratio.describe("%.2f×")).append("** |\n");
            }
            return inputs.size();
        }
    }

    static double seconds(final Duration duration) {
        return duration.toNanos() / 1e9;
    }
}
