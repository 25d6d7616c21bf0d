package dev.lookout.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.lookout.app.config.LookoutConfig;
import dev.lookout.topology.LookoutTopology;

/**
 * Figure 5: how fast a new instance rebuilds its state from the changelogs, against a plain
 * consumer reading the same changelogs. The whole topology first folds the mixed workload on the
 * real broker, so that every store of every partition has content (views, ids, reorder buffers,
 * episodes); then, in each run, a new Lookout instance (a child JVM, production mode) starts alone
 * with an empty state directory and restores everything.
 *
 * <p>The ceiling is read just before each restore, twice: by a plain consumer in a JVM of its own,
 * started as the restoring instance is (a new JVM, its own JIT warm-up: the same conditions), which
 * is the target's ceiling; and by the same code in the harness's JVM, whose consumer code the JIT
 * has long compiled, reported beside it.
 */
final class RestoreSuite implements Suite {

    private static final String APPLICATION_ID = "bench-restore";
    private static final List<String> JVM = List.of("-Xmx1g");
    private static final List<String> INSTANCE = List.of("--rocksdb-memory", "256MiB", "--rate-limit", "0");
    /** Target of issue 16: the restore rate as a ratio to the plain consumer's. */
    private static final double TARGET = 0.3;
    private static final Pattern RESTORED = Pattern.compile(
            "state restored: (\\d+) records into (\\d+) stores in ([\\d.,]+) s \\((\\d+) records/s\\)");

    @Override
    public String id() {
        return "restore";
    }

    @Override
    public List<Section> run(final BenchContext bench) throws Exception {
        final int events = bench.scale(1_000_000, 60_000);
        final Path dir = bench.workDir().resolve("restore");
        try (BrokerRig rig = BrokerRig.start(dir.resolve("rig"), 6)) {
            final List<Object> mixed = Workload.mixed(events);
            final List<BrokerRig.Input> inputs = rig.serialize(mixed);
            rig.produce(inputs);
            final LookoutConfig config = rig.config(APPLICATION_ID, BrokerRig.freePort(), INSTANCE.toArray(String[]::new));
            final StreamsRun.Measurement fold = StreamsRun.measure(rig,
                    LookoutTopology.build(config.topology(), rig.serdes()), config, StreamsRun.inputTopics(),
                    inputs.size(), Duration.ofMinutes(10));
            bench.print("input: %s; folded by the whole topology at %,.0f ev/s", Workload.describe(mixed),
                    fold.eventsPerSecond());
            final Samples restored = new Samples();
            final Samples fresh = new Samples();
            final Samples warm = new Samples();
            final Samples launchToRunning = new Samples();
            final Samples readerLaunchToEnd = new Samples();
            long records = 0;
            String stores = "";
            for (int run = 1; run <= bench.runs(); run++) {
                final ChangelogReader.Read inHarness = ChangelogReader.read(rig.bootstrapServers(), APPLICATION_ID);
                final ChangelogReader.Read inNewJvm = ChangelogReader.inNewJvm(rig.bootstrapServers(), APPLICATION_ID,
                        JVM, dir.resolve("reader-" + run + ".log"));
                warm.add(inHarness.rate());
                fresh.add(inNewJvm.rate());
                readerLaunchToEnd.add(inNewJvm.launchToEnd());
                final int port = BrokerRig.freePort();
                final List<String> options = rig.options(APPLICATION_ID, dir.resolve("state-" + run), port);
                options.addAll(INSTANCE);
                final long launched = System.nanoTime();
                try (ChildLookout instance = ChildLookout.start("restore-" + run, dir.resolve("restore-" + run + ".log"),
                        JVM, options, port)) {
                    final Matcher line = awaitSummary(instance, dir.resolve("restore-" + run + ".log"));
                    final double toRunning = (System.nanoTime() - launched) / 1e9;
                    final double rate = Double.parseDouble(line.group(4));
                    launchToRunning.add(toRunning);
                    restored.add(rate);
                    records = Long.parseLong(line.group(1));
                    stores = line.group(2);
                    bench.print("restore run %d: %,d records into %s stores in %s s at %,.0f records/s (launch to "
                                    + "RUNNING %.1f s); plain consumer in a new JVM: %,d records at %,.0f records/s "
                                    + "(launch to end %.1f s); in the harness's JVM: %,.0f records/s", run, records,
                            stores, line.group(3), rate, toRunning, inNewJvm.records(), inNewJvm.rate(),
                            inNewJvm.launchToEnd(), inHarness.rate());
                }
            }
            final Samples ratio = restored.over(fresh);
            final Samples warmRatio = restored.over(warm);
            final String met = ratio.median() >= TARGET ? "met" : "not met";
            bench.print("restore: %s records/s = %s of a plain consumer in a new JVM (%s records/s); target %.1f×: "
                            + "%s; %s of the same consumer in the harness's JVM (%s records/s)",
                    restored.describe("%,.0f"), ratio.describe("%.2f×"), fresh.describe("%,.0f"), TARGET, met,
                    warmRatio.describe("%.2f×"), warm.describe("%,.0f"));
            return List.of(new Section("Restore", String.format(Locale.ROOT, """
                    The whole topology first folds %,d mixed events (%s) on the embedded broker, so that \
                    every store of the 6 partitions has content. Then, in each run, a new Lookout instance \
                    (a child JVM, `-Xmx1g`, `--rocksdb-memory 256MiB`, exactly-once) starts alone with an \
                    empty state directory and rebuilds every store from the changelogs (%,d records into %s \
                    stores). Its rate is its own summary line (`state restored: …`): the records over the time \
                    from the first store starting to restore to `RUNNING`. Just before each restore, a plain \
                    `KafkaConsumer` reads every partition of the same changelog topics, as bytes, from the \
                    seek to the beginning to the end: in a JVM of its own (a new JVM and its own JIT warm-up, \
                    as the restoring instance: the target's ceiling), and in the harness's JVM, whose JIT \
                    has long compiled the consumer. Start-up, apart: from launching the JVM to `RUNNING`, and \
                    from launching the reader's JVM to its last record.

                    | Restore, records/s | Plain consumer, new JVM, records/s | Ratio | Target | Plain consumer, harness JVM, records/s | Ratio | Launch to `RUNNING` / to the reader's end |
                    |---:|---:|---:|---|---:|---:|---|
                    | %s | %s | **%s** | ≥ %.1f×: %s | %s | %s | %s / %s |
                    """, inputs.size(), Workload.describe(mixed), records, stores, restored.describe("%,.0f"),
                    fresh.describe("%,.0f"), ratio.describe("%.2f×"), TARGET, met, warm.describe("%,.0f"),
                    warmRatio.describe("%.2f×"), launchToRunning.describe("%.1f s"),
                    readerLaunchToEnd.describe("%.1f s"))));
        }
    }

    /** Polls the instance's log for its restore summary line. */
    private static Matcher awaitSummary(final ChildLookout instance, final Path log) throws Exception {
        final long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
        Matcher line;
        while ((line = instance.logLine(RESTORED).orElse(null)) == null) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("no restore summary in " + log);
            }
            instance.ready(); // fails fast if the instance exited
            // Polling the instance's log for its summary line: 100 ms is the resolution of launch to RUNNING.
            Thread.sleep(100);
        }
        return line;
    }
}
