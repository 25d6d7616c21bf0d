package dev.lookout.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The cost of an embedded system that has little to do: the whole process (broker, registry,
 * Streams, HTTP API, demo producer) as a child JVM, its CPU time read from {@code /proc} over
 * windows of wall-clock time after a warm-up. The baseline is the same system with the demo off,
 * measured in the same run.
 */
final class IdleSuite implements Suite {

    /** Target of issue 16: an embedded system with the demo at 50 events/s takes at most a tenth of a core. */
    static final double TARGET_CORES = 0.10;
    private static final List<String> JVM = List.of("-Xmx1g");
    /** Kernel clock ticks per second, the unit of utime and stime in /proc/<pid>/stat (USER_HZ). */
    private static final double TICKS_PER_SECOND = 100;

    @Override
    public String id() {
        return "idle";
    }

    @Override
    public List<Section> run(final BenchContext bench) throws Exception {
        final Duration warmUp = bench.smoke() ? Duration.ofSeconds(3) : Duration.ofSeconds(40);
        final Duration window = bench.smoke() ? Duration.ofSeconds(2) : Duration.ofSeconds(20);
        final int windows = bench.smoke() ? 1 : bench.runs();
        final Samples quiet = measure(bench, "demo-off", List.of("--demo", "false"), warmUp, window, windows);
        final Samples demo = measure(bench, "demo-50", List.of("--demo-rate", "50"), warmUp, window, windows);
        final boolean met = demo.median() <= TARGET_CORES;
        bench.print("idle: demo off %s of a core; demo at 50 ev/s %s of a core; target at most %.0f %%: %s",
                percent(quiet), percent(demo), TARGET_CORES * 100, met ? "met" : "NOT met");
        final String markdown = String.format(Locale.ROOT, """
                The embedded system (`java -jar lookout.jar` with its own broker, registry, Streams job, HTTP API \
                and demo producer) as one child JVM (`-Xmx1g`), its CPU time (user + system, from \
                `/proc/<pid>/stat`) over %d windows of %d s of wall-clock time after a warm-up of %d s; the \
                median window, with min–max. The baseline is the same system with the demo off, in the same \
                run. Target: at most %.0f %% of one core with the demo at 50 events/s.

                | Embedded system | CPU, share of one core | × baseline | Target |
                |---|---:|---:|---|
                | demo off (baseline) | %s | 1 | |
                | demo at 50 events/s | %s | %s | ≤ %.0f %%: %s |
                """, windows, window.toSeconds(), warmUp.toSeconds(), TARGET_CORES * 100, percent(quiet),
                percent(demo), demo.over(quiet).describe("%.1f×"), TARGET_CORES * 100, met ? "met" : "**not met**");
        return List.of(new Section("Idle cost: the embedded system at 50 events/s", markdown));
    }

    private static String percent(final Samples cores) {
        return cores.times(100).describe("%.1f %%");
    }

    private static Samples measure(final BenchContext bench, final String name, final List<String> extra,
                                   final Duration warmUp, final Duration window, final int windows)
            throws Exception {
        final Path dir = bench.workDir().resolve("idle-" + name);
        final int port = BrokerRig.freePort();
        final List<String> options = new ArrayList<>(List.of(
                "--data-dir", dir.resolve("data").toString(), "--state-dir", dir.resolve("state").toString(),
                "--kafka-port", Integer.toString(BrokerRig.freePort()),
                "--controller-port", Integer.toString(BrokerRig.freePort()),
                "--registry-port", Integer.toString(BrokerRig.freePort()),
                "--http-host", "localhost", "--http-port", Integer.toString(port)));
        options.addAll(extra);
        final Samples cores = new Samples();
        try (ChildLookout child = ChildLookout.start(name, dir.resolve(name + ".log"), JVM, options, port)) {
            final long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
            while (!child.ready()) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(name + " was not ready within 3 minutes");
                }
                Thread.sleep(200); // polling a child process for readiness; no result is awaited here
            }
            Thread.sleep(warmUp.toMillis()); // the measured quantity is CPU over wall-clock time
            for (int i = 1; i <= windows; i++) {
                final double before = cpuSeconds(child.pid());
                final long started = System.nanoTime();
                Thread.sleep(window.toMillis());
                final double used = cpuSeconds(child.pid()) - before;
                final double share = used / ((System.nanoTime() - started) / 1e9);
                cores.add(share);
                bench.print("idle %s window %d/%d: %.2f s of CPU in %d s = %.1f %% of a core", name, i, windows,
                        used, window.toSeconds(), share * 100);
            }
        }
        return cores;
    }

    /** User plus system CPU time of a process, in seconds. */
    private static double cpuSeconds(final long pid) throws IOException {
        final String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        // Fields after the command name (which may hold spaces), from field 3 on: utime is 14, stime 15.
        final String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / TICKS_PER_SECOND;
    }
}
