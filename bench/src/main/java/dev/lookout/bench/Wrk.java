package dev.lookout.bench;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * HTTP load from {@code wrk} (Debian's package), a separate process on loopback. Every target runs
 * the same Lua script — a random path from a file per request — so the ceiling and the routes pay
 * the same client-side cost. The script's {@code done} hook prints one line this class parses.
 */
final class Wrk {

    /** Settings shared by every target in a run. */
    static final int THREADS = 1;
    static final int CONNECTIONS = 8;

    private static final String SCRIPT = """
            local paths = {}
            for line in io.lines(os.getenv("LOOKOUT_PATHS")) do paths[#paths + 1] = line end
            math.randomseed(20261123)
            request = function()
              return wrk.format("GET", paths[math.random(#paths)])
            end
            done = function(summary, latency, requests)
              local e = summary.errors
              io.write(string.format("LOOKOUT-WRK requests=%d duration_us=%d socket_errors=%d non2xx=%d "
                .. "p50_us=%d p99_us=%d max_us=%d\\n", summary.requests, summary.duration,
                e.connect + e.read + e.write + e.timeout, e.status, latency:percentile(50.0),
                latency:percentile(99.0), latency.max))
            end
            """;
    private static final Pattern RESULT = Pattern.compile("LOOKOUT-WRK requests=(\\d+) duration_us=(\\d+) "
            + "socket_errors=(\\d+) non2xx=(\\d+) p50_us=(\\d+) p99_us=(\\d+) max_us=(\\d+)");

    /** One wrk run's figures; a run with any failed request is refused rather than reported. */
    record Result(double requestsPerSecond, double p50Ms, double p99Ms, double maxMs, long requests) {
    }

    private final Path script;

    private Wrk(final Path script) {
        this.script = script;
    }

    /** Whether {@code wrk} is on the PATH. */
    static boolean installed() {
        try {
            final Process probe = new ProcessBuilder("wrk", "--version").redirectErrorStream(true).start();
            probe.getInputStream().readAllBytes();
            return probe.waitFor(10, TimeUnit.SECONDS);
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    static Wrk in(final Path dir) throws IOException {
        Files.createDirectories(dir);
        return new Wrk(Files.writeString(dir.resolve("random-path.lua"), SCRIPT, StandardCharsets.UTF_8));
    }

    /** Writes the paths a target picks from, one per line. */
    Path paths(final String target, final List<String> paths) throws IOException {
        return Files.write(script.resolveSibling(target + ".paths"), paths, StandardCharsets.UTF_8);
    }

    /** Loads {@code base} for {@code duration} with requests for random paths from {@code paths}. */
    Result run(final URI base, final Path paths, final Duration duration) throws IOException, InterruptedException {
        final ProcessBuilder builder = new ProcessBuilder("wrk", "-t" + THREADS, "-c" + CONNECTIONS,
                "-d" + duration.toSeconds() + "s", "--timeout", "10s", "-s", script.toString(), base.toString())
                .redirectErrorStream(true);
        builder.environment().putAll(Map.of("LOOKOUT_PATHS", paths.toString()));
        final Process wrk = builder.start();
        final String output = new String(wrk.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!wrk.waitFor(duration.toSeconds() + 60, TimeUnit.SECONDS) || wrk.exitValue() != 0) {
            throw new IllegalStateException("wrk failed: " + output);
        }
        final Matcher result = RESULT.matcher(output);
        if (!result.find()) {
            throw new IllegalStateException("no result line in wrk's output: " + output);
        }
        final long requests = Long.parseLong(result.group(1));
        final long socketErrors = Long.parseLong(result.group(3));
        final long non2xx = Long.parseLong(result.group(4));
        if (socketErrors > 0 || non2xx > 0 || requests == 0) {
            throw new IllegalStateException(String.format("wrk against %s (%s): %d requests, %d socket errors, "
                    + "%d answers other than 2xx/3xx", base, paths.getFileName(), requests, socketErrors, non2xx));
        }
        return new Result(requests / (Long.parseLong(result.group(2)) / 1e6), Long.parseLong(result.group(5)) / 1e3,
                Long.parseLong(result.group(6)) / 1e3, Long.parseLong(result.group(7)) / 1e3, requests);
    }
}
