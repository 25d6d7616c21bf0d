package dev.lookout.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code java -jar bench/target/lookout-bench.jar}: runs every suite, prints each figure as it
 * is measured, and writes them all to docs/benchmarks.md with the command, the machine and the date.
 */
@Command(name = "lookout-bench", mixinStandardHelpOptions = true,
        description = "Lookout's benchmarks, each figure next to its ceiling measured in the same run.")
public final class Bench implements Callable<Integer> {

    /** The command that reproduces docs/benchmarks.md, from the repository root (installs wrk, builds, runs this). */
    public static final String COMMAND = "bench/run";

    /** Where the charts go, beside the report: docs/benchmarks/. */
    private static final String CHARTS = "benchmarks";

    @Option(names = "--smoke", description = "A seconds-long run at tiny scale that only proves the harness works; writes nothing.")
    private boolean smoke;

    @Option(names = "--only", split = ",", description = "Run only these suites (ids: ${COMPLETION-CANDIDATES}).")
    private List<String> only = new ArrayList<>();

    @Option(names = "--runs", defaultValue = "3", description = "Runs per figure; the median is reported (default: ${DEFAULT-VALUE}).")
    private int runs;

    @Option(names = "--scale", defaultValue = "1", description = "Multiplies every full-run size, e.g. 0.1 for a quick look (default: ${DEFAULT-VALUE}).")
    private double scale;

    @Option(names = "--write", defaultValue = "docs/benchmarks.md", description = "Where to write the report (default: ${DEFAULT-VALUE}).")
    private Path write;

    public static void main(final String[] args) {
        // Before any logger exists: the topology test-jar on the classpath carries a logback-test.xml.
        if (System.getProperty("logback.configurationFile") == null) {
            System.setProperty("logback.configurationFile", "logback-bench.xml");
        }
        System.exit(new CommandLine(new Bench()).execute(args));
    }

    static List<Suite> suites() {
        return List.of(new ThroughputSuite(), new DetectionComparisonSuite(), new DetectionLatencySuite(),
                new QuerySuite(), new RestoreSuite(), new IdleSuite());
    }

    @Override
    public Integer call() throws Exception {
        final Path work = Files.createTempDirectory("lookout-bench");
        final BenchContext bench = new BenchContext(smoke, smoke ? 1 : Math.max(1, runs), scale, work, System.out);
        final Instant started = Instant.now();
        final List<Section> sections = new ArrayList<>();
        for (final Suite suite : suites()) {
            if (!only.isEmpty() && !only.contains(suite.id())) {
                continue;
            }
            bench.print("%n=== %s ===", suite.id());
            final Instant suiteStarted = Instant.now();
            sections.addAll(suite.run(bench));
            bench.print("=== %s done in %s ===", suite.id(), human(Duration.between(suiteStarted, Instant.now())));
        }
        final Duration took = Duration.between(started, Instant.now());
        bench.print("%nAll suites done in %s", human(took));
        // The smoke draws its charts in its work directory: the drawing is proven, docs/ untouched.
        final Path charts = smoke ? work.resolve("charts") : write.toAbsolutePath().getParent().resolve(CHARTS);
        for (final Section section : sections) {
            for (final Chart chart : section.charts()) {
                bench.print("Chart %s", Charts.write(chart, charts));
            }
        }
        if (!smoke) {
            Files.createDirectories(write.toAbsolutePath().getParent());
            Files.writeString(write, report(sections, took), StandardCharsets.UTF_8);
            bench.print("Wrote %s", write);
        }
        return 0;
    }

    private String report(final List<Section> sections, final Duration took) {
        final StringBuilder text = new StringBuilder();
        text.append("# Benchmarks\n\n")
                .append("Written by the harness in `bench/` (do not edit by hand). Every figure is the median of ")
                .append(runs).append(" runs with min–max, measured side by side with its ceiling in the same run, ")
                .append("and quoted as a ratio to it: absolute numbers on a shared machine drift, ratios much less.\n\n")
                .append("| | |\n|---|---|\n")
                .append("| Command | `").append(COMMAND).append(only.isEmpty() ? "" : " --only " + String.join(",", only))
                .append(scale == 1 ? "" : " --scale " + scale).append(runs == 3 ? "" : " --runs " + runs)
                .append("` |\n")
                .append("| Date | ").append(DateTimeFormatter.ISO_LOCAL_DATE_TIME.format(
                        Instant.now().atOffset(ZoneOffset.UTC).withNano(0))).append(" UTC |\n")
                .append("| Machine | ").append(Runtime.getRuntime().availableProcessors()).append(" cores (nproc), ")
                .append(memory()).append(" memory, ").append(System.getProperty("os.name")).append(' ')
                .append(System.getProperty("os.arch")).append(" |\n")
                .append("| JDK | ").append(System.getProperty("java.vm.name")).append(' ')
                .append(System.getProperty("java.version")).append(", max heap ")
                .append(Runtime.getRuntime().maxMemory() / (1 << 20)).append(" MiB |\n")
                .append("| Harness time | ").append(human(took)).append(" |\n\n");
        for (final Section section : sections) {
            text.append("## ").append(section.title()).append("\n\n").append(section.markdown().strip()).append("\n\n");
            for (final Chart chart : section.charts()) {
                text.append("![").append(chart.title()).append("](").append(CHARTS).append('/').append(chart.file())
                        .append(".svg)\n\n");
            }
        }
        return text.toString();
    }

    private static String memory() {
        try {
            for (final String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) {
                    final long kib = Long.parseLong(line.replaceAll("\\D", ""));
                    return String.format(Locale.ROOT, "%.1f GiB", kib / 1024.0 / 1024.0);
                }
            }
        } catch (IOException | NumberFormatException e) {
            return "unknown";
        }
        return "unknown";
    }

    static String human(final Duration duration) {
        return duration.toMinutes() + " min " + duration.toSecondsPart() + " s";
    }
}
