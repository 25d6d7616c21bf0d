package dev.lookout.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import dev.lookout.bench.detection.Contender;
import dev.lookout.bench.detection.EsperMatchRecognize;
import dev.lookout.bench.detection.FlinkCep;
import dev.lookout.bench.detection.InProcessDetector;
import dev.lookout.bench.detection.LocalFlink;
import dev.lookout.bench.detection.PlainLoop;
import dev.lookout.events.AuthEvent;
import dev.lookout.topology.TopologySettings;
import dev.lookout.topology.reference.AuthTraffic;
import dev.lookout.topology.reference.ReferenceDetector;
import org.slf4j.LoggerFactory;

/**
 * Detection throughput of the login-failure detector alone (id {@code detection}): Lookout's real
 * {@code LoginDetector} processor in-process, next to its in-memory ceiling (a plain loop with the
 * same semantics), Flink CEP (every event, and failures only) and Esper, all on one seeded set of
 * auth events whose alerts are known ({@link ReferenceDetector}).
 *
 * <p>The events are generated once per suite run, without timing; each contender converts them to
 * its own input type before it is timed. After one unmeasured warm-up run of every contender on a
 * quarter of the events, each contender runs {@code bench.runs()} times, the contenders taking turns
 * within each run, and every run starts from empty state. The in-process detector and the plain
 * loop must find exactly the ground-truth alerts; the suite fails otherwise (in smoke runs too).
 *
 * <p><b>Rows measured elsewhere.</b> Figures taken through a real broker (the detector inside the
 * whole topology, and that broker's pass-through ceiling) belong in the same table. Pass a
 * {@link MoreRows} to {@link #DetectionComparisonSuite(MoreRows)}: it is called once, after the
 * contenders here, with the same events and ground truth, and the {@link Row}s it returns are
 * appended to the table (their ratio to the plain loop is computed here). Use
 * {@link #found(List, List)} to describe what a row found in the same words as the other rows.
 */
public final class DetectionComparisonSuite implements Suite {

    /** Seed and start of the traffic: fixed, so every run of the suite measures the same events. */
    static final long SEED = 2026L;
    static final Instant START = Instant.parse("2026-03-01T00:00:00Z");
    /** Flink's CEP operator parallelism: one, like every other contender's single thread. */
    static final int FLINK_PARALLELISM = 1;

    private final MoreRows moreRows;

    /**
     * One line of the table.
     *
     * @param name what was measured, e.g. {@code Lookout topology through the broker}
     * @param eventsPerSecond one sample per run (as many runs as {@code bench.runs()} to get per-run ratios)
     * @param found what it found, next to the ground truth (see {@link #found(List, List)})
     * @param setup versions, parallelism and settings, for the setup list under the table
     */
    public record Row(String name, Samples eventsPerSecond, String found, String setup) {
    }

    /**
     * The events every row is measured on.
     *
     * @param events auth events in arrival order, duplicates removed (deduplication is an earlier
     *     stage of the topology and not measured here)
     * @param groundTruth the REPEATED_LOGIN_FAILURE alerts of {@link ReferenceDetector}: each the
     *     triggering event ids joined by commas
     * @param settings the topology settings (N, W, T, grace) every contender uses
     */
    public record Input(List<AuthEvent> events, List<String> groundTruth, TopologySettings settings) {
    }

    /** Rows measured by someone else's code on the same input, appended to the table. */
    @FunctionalInterface
    public interface MoreRows {
        List<Row> measure(BenchContext bench, Input input) throws Exception;
    }

    public DetectionComparisonSuite() {
        this((bench, input) -> List.of());
    }

    public DetectionComparisonSuite(final MoreRows moreRows) {
        this.moreRows = moreRows;
    }

    @Override
    public String id() {
        return "detection";
    }

    @Override
    public List<Section> run(final BenchContext bench) throws Exception {
        quietLogs();
        final TopologySettings settings = TopologySettings.defaults();
        final Input input = input(bench, settings);

        try (LocalFlink flink = new LocalFlink(FLINK_PARALLELISM)) {
            return List.of(measure(bench, input, List.of(new PlainLoop(settings), new InProcessDetector(settings),
                    new FlinkCep(flink, settings, false), new FlinkCep(flink, settings, true),
                    new EsperMatchRecognize(settings))));
        }
    }

    private Section measure(final BenchContext bench, final Input input, final List<Contender> contenders)
            throws Exception {
        final List<AuthEvent> events = input.events();
        final TopologySettings settings = input.settings();
        final Contender plain = contenders.get(0);
        final Contender inProcess = contenders.get(1);
        if (!bench.smoke()) {
            warmUp(bench, contenders, events.subList(0, events.size() / 4), settings);
        }
        final Map<Contender, Contender.Trial> trials = new LinkedHashMap<>();
        for (final Contender contender : contenders) {
            trials.put(contender, contender.prepare(events));
        }
        final Contender.Trial roundTrip = ((InProcessDetector) inProcess).envelopeRoundTrip(events);
        final Samples floor = new Samples();
        final Map<Contender, Samples> speeds = new HashMap<>();
        final Map<Contender, List<String>> found = new HashMap<>();
        for (int run = 1; run <= bench.runs(); run++) {
            for (final Map.Entry<Contender, Contender.Trial> trial : trials.entrySet()) {
                final Contender contender = trial.getKey();
                System.gc();
                final Contender.Outcome outcome = trial.getValue().run();
                speeds.computeIfAbsent(contender, ignored -> new Samples()).add(outcome.eventsPerSecond());
                final List<String> previous = found.put(contender, outcome.matches());
                bench.print("run %d/%d  %-36s %,12.0f ev/s  %,d events in %,.0f ms  load %s  %s%s", run,
                        bench.runs(), contender.name(), outcome.eventsPerSecond(), outcome.events(),
                        outcome.nanos() / 1e6, loadAverage(), found(outcome.matches(), input.groundTruth()),
                        contender instanceof FlinkCep flink ? String.format(Locale.ROOT,
                                "  (whole job, submission to end: %,.0f ms)", flink.lastJobNanos() / 1e6)
                                : "");
                if ((contender == plain || contender == inProcess) && !sameAlerts(outcome.matches(), input.groundTruth())) {
                    throw new IllegalStateException(contender.name() + " did not find exactly the ground-truth alerts: "
                            + found(outcome.matches(), input.groundTruth()));
                }
                if (previous != null && !sameAlerts(previous, outcome.matches())) {
                    bench.print("  note: %s found different alerts than in its previous run", contender.name());
                }
                if (contender == inProcess) {
                    System.gc();
                    final Contender.Outcome trip = roundTrip.run();
                    floor.add(trip.eventsPerSecond());
                    bench.print("run %d/%d  %-36s %,12.0f ev/s  %,d events in %,.0f ms  load %s", run, bench.runs(),
                            "(reference) envelope Avro round trip", trip.eventsPerSecond(), trip.events(), trip.nanos() / 1e6,
                            loadAverage());
                }
            }
        }

        final List<Row> rows = new ArrayList<>();
        for (final Contender contender : contenders) {
            rows.add(new Row(contender.name(), speeds.get(contender),
                    found(found.get(contender), input.groundTruth()), contender.setup()));
        }
        // Rows measured elsewhere (e.g. through a real broker) go after the ones measured here.
        final List<Row> more = moreRows.measure(bench, input);
        for (final Row row : more) {
            bench.print("%-44s %s ev/s  %s", row.name(), row.eventsPerSecond().describe("%,.0f"), row.found());
        }
        rows.addAll(more);
        final Samples ceiling = speeds.get(plain);
        final Samples target = speeds.get(inProcess);
        bench.print("in-process LoginDetector: %s ev/s (%s of the plain loop); per-event envelope round trip %s ev/s",
                target.describe("%,.0f"), ratio(target, ceiling), floor.describe("%,.0f"));
        final Samples flink = contenders.stream().filter(c -> c instanceof FlinkCep cep && cep.failuresOnly())
                .map(speeds::get).findFirst().orElseThrow();
        final Samples vsFlink = target.over(flink);
        final String verdict = String.format(Locale.ROOT, "Target: the in-process detector at least 1.0× Flink CEP "
                        + "(failures pre-filtered) in the same run, with exactly the ground-truth alerts: %s, %s.",
                vsFlink.describe("%.2f×"), vsFlink.median() >= 1.0 ? "met" : "**not met**");
        bench.print("%s", verdict.replace("**", ""));
        final Chart.Bars chart = new Chart.Bars("detector", "The login-failure detector and its peers on the same "
                + "events (median)", "events/s", rows.stream().map(Row::name).toList(),
                Map.of("events/s", rows.stream().map(row -> row.eventsPerSecond().median()).toList()));
        return new Section("Detection throughput: the login-failure detector alone",
                markdown(bench, input, rows, ceiling, floor) + "\n" + verdict + "\n", List.of(chart));
    }

    /** The seeded events and their ground truth; not timed. */
    private static Input input(final BenchContext bench, final TopologySettings settings) {
        final long started = System.nanoTime();
        final int n = bench.scale(2_000_000, 20_000);
        final List<AuthEvent> arrivals = AuthTraffic.arrivals(AuthTraffic.Shape.onTime(SEED, n, START));
        final Set<String> seen = new HashSet<>();
        final List<AuthEvent> events = new ArrayList<>(n);
        for (final AuthEvent event : arrivals) {
            if (seen.add(event.getEventId())) {
                events.add(event);
            }
        }
        final ReferenceDetector.Result reference = ReferenceDetector.detect(events, new ReferenceDetector.Rules(
                settings.failureThreshold(), settings.failureWindow().toMillis(), settings.takeoverWindow().toMillis(),
                settings.stuffingThreshold(), settings.grace().toMillis()));
        if (reference.late() != 0) {
            throw new IllegalStateException("on-time traffic has " + reference.late() + " late events");
        }
        final List<String> truth = reference.alerts().stream()
                .filter(alert -> alert.kind().equals("REPEATED_LOGIN_FAILURE"))
                .map(alert -> String.join(",", alert.triggeringIds()))
                .toList();
        final long failures = events.stream().filter(e -> e.getPayload() instanceof dev.lookout.events.LoginFailed)
                .count();
        bench.print("%,d auth events (seed %d, %,d duplicates removed, %,d failures, %,d users), "
                        + "ground truth %,d REPEATED_LOGIN_FAILURE alerts; generated in %,.0f ms (not timed)",
                events.size(), SEED, arrivals.size() - events.size(), failures,
                events.stream().map(AuthEvent::getUserId).distinct().count(), truth.size(),
                (System.nanoTime() - started) / 1e6);
        if (truth.isEmpty()) {
            throw new IllegalStateException("the traffic has no REPEATED_LOGIN_FAILURE episode to find");
        }
        return new Input(List.copyOf(events), truth, settings);
    }

    /** One unmeasured run of every contender on a prefix, so that the measured runs meet compiled code. */
    private static void warmUp(final BenchContext bench, final List<Contender> contenders,
                               final List<AuthEvent> prefix, final TopologySettings settings) throws Exception {
        final long started = System.nanoTime();
        for (final Contender contender : contenders) {
            contender.prepare(prefix).run();
        }
        bench.print("warm-up: every contender once on the first %,d events, in %,.0f ms (not measured)",
                prefix.size(), (System.nanoTime() - started) / 1e6);
    }

    /**
     * What a contender found, next to the ground truth: the count, and unless they are the same
     * alerts, how many equal a ground-truth alert (same triggering events) and how many of those it
     * missed.
     */
    public static String found(final List<String> matches, final List<String> truth) {
        if (sameAlerts(matches, truth)) {
            return String.format(Locale.ROOT, "%,d = ground truth", matches.size());
        }
        final Set<String> expected = new HashSet<>(truth);
        final Set<String> got = new HashSet<>(matches);
        final long equal = got.stream().filter(expected::contains).count();
        return String.format(Locale.ROOT, "%,d matches (ground truth %,d): %,d equal a ground-truth alert, "
                + "%,d ground-truth alerts missed", matches.size(), truth.size(), equal, expected.size() - equal);
    }

    private static boolean sameAlerts(final List<String> a, final List<String> b) {
        if (a.size() != b.size()) {
            return false;
        }
        final Map<String, Integer> counts = new HashMap<>();
        a.forEach(key -> counts.merge(key, 1, Integer::sum));
        b.forEach(key -> counts.merge(key, -1, Integer::sum));
        return counts.values().stream().allMatch(count -> count == 0);
    }

    /** Per-run ratios when both have a sample per run, else the ratio of the medians. */
    private static String ratio(final Samples figure, final Samples base) {
        if (figure.size() == base.size()) {
            return figure.over(base).describe("%.3f×");
        }
        return String.format(Locale.ROOT, "%.3f× (of medians)", figure.median() / base.median());
    }

    private static String markdown(final BenchContext bench, final Input input, final List<Row> rows,
                                   final Samples ceiling, final Samples floor) {
        final TopologySettings s = input.settings();
        final StringBuilder md = new StringBuilder();
        md.append(String.format(Locale.ROOT, "%,d seeded auth events (`AuthTraffic.Shape.onTime(%d, %,d, %s)`: "
                        + "brute-force bursts, stuffing, background failures, reordering within 20 s; duplicates "
                        + "removed, as the topology's deduplication would before the detector), in arrival order. "
                        + "Rules: N = %d failures within W = %s (inclusive), grace %s, takeover window T = %s. "
                        + "Ground truth: the %,d REPEATED_LOGIN_FAILURE alerts of `ReferenceDetector` (one per episode).%n%n",
                input.events().size(), SEED, input.events().size(), START, s.failureThreshold(),
                human(s.failureWindow()), human(s.grace()), human(s.takeoverWindow()), input.groundTruth().size()));
        md.append(String.format(Locale.ROOT, "Events per second, median of %d runs (min–max); each run from empty "
                        + "state; the contenders take turns within each run, after one unmeasured warm-up run of each on "
                        + "a quarter of the events (JIT). Event generation and conversion to each tool's input type are "
                        + "not timed.%n%n", bench.runs()));
        md.append("| Detector | events/s | × plain loop | alerts found |\n|---|---:|---:|---|\n");
        for (final Row row : rows) {
            md.append("| ").append(row.name()).append(" | ").append(row.eventsPerSecond().describe("%,.0f"))
                    .append(" | ").append(row.eventsPerSecond() == ceiling ? "1 (the ceiling)"
                            : ratio(row.eventsPerSecond(), ceiling))
                    .append(" | ").append(row.found()).append(" |\n");
        }
        md.append(String.format(Locale.ROOT, "%nFor reference, a per-event Avro round trip: each event wrapped in "
                        + "an `AuthEnvelope`, serialized with the reorder buffer's serde and deserialized again, which "
                        + "every event paid while the buffer was a store of bytes (its stores now hold objects and "
                        + "serialize what changed once per commit). That round trip alone, measured in the same runs, "
                        + "goes at %s events/s (%s the plain loop).%n", floor.describe("%,.0f"), ratio(floor, ceiling)));
        md.append("\n**Setup**\n\n");
        for (final Row row : rows) {
            md.append("- ").append(row.name()).append(": ").append(row.setup()).append('\n');
        }
        md.append('\n').append(SEMANTICS);
        return md.toString();
    }

    private static String human(final java.time.Duration duration) {
        return duration.toSeconds() % 60 == 0 ? duration.toMinutes() + " min" : duration.toSeconds() + " s";
    }

    private static final String SEMANTICS = """
            **Where the semantics differ**

            - *Lookout (in-process) and the plain loop* raise one alert per episode: the failure that brings the \
            failures of the last W to N raises it; later failures within W of the previous one extend the \
            episode silently; a success, or a gap over W, re-arms. Both must match the ground truth exactly \
            (the suite fails otherwise). The in-process detector does more than the others per event: every \
            event waits in its reorder buffer store and per-user state lives in a store whenever the user has \
            something pending (both on the heap, with what changed written in Avro every 100 ms, as at a \
            commit), it raises FAILURES_THEN_SUCCESS \
            alerts, forwards every released failure to the credential-stuffing detector and emits progress \
            markers. Events older than its watermark (newest event time − grace) are rejected per event, \
            deterministically (dead letter `late`).
            - *Flink CEP* reports matches, not episodes. With `skipPastLastEvent` a match consumes its events, \
            so a burst that goes on within W of its last failure gives another match for every N further \
            failures, where Lookout raises nothing more. `noSkip`/`skipToNext` would report overlapping \
            combinations (more matches still); `skipPastLastEvent` is the closest to one alert per crossing. \
            Nothing re-arms on a success: with every event in CEP the looping pattern's relaxed contiguity skips \
            successes, and pre-filtered they are gone, so failures on both sides of a success can match. `within` \
            is exclusive (a partial match dies when time − first ≥ window), hence W + 1 ms for Lookout's inclusive \
            W. Late events (at or below the watermark) are dropped or side-output; watermarks are periodic \
            (200 ms of wall-clock time), so which events are late depends on timing, not only on the data. \
            Flink's heap state backend keeps NFA state as objects, without serializing it on each access; \
            events are serialized once, between the source and the keyed CEP operator.
            - *Esper match_recognize* matches N consecutive events of a user, so a success between failures does \
            break a match (Lookout re-arms there too), but it also skips past the last row, so long bursts give \
            extra matches as with Flink. The `#time_order` window releases events in timestamp order once the \
            clock (newest event time) passes them by the grace; events with equal timestamps keep their arrival \
            order rather than Lookout's event-id order.
            - On-time traffic (reordering within 20 s, nothing beyond the 30 s grace) keeps lateness out of the \
            comparison: every contender sees every event.
            """;

    /** The 1-minute load average, so that a run disturbed by other work on the machine shows. */
    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (final IOException | RuntimeException e) {
            return "?";
        }
    }

    /** Flink and Esper log every job and statement at INFO; the bench prints its own lines. */
    private static void quietLogs() {
        for (final String name : List.of("org.apache.flink", "org.apache.pekko", "com.espertech",
                "org.apache.kafka")) {
            if (LoggerFactory.getLogger(name) instanceof Logger logger) {
                logger.setLevel(name.equals("org.apache.kafka") ? Level.WARN : Level.ERROR);
            }
        }
    }
}
