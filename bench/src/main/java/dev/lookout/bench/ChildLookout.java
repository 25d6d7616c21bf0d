package dev.lookout.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Lookout instance in its own JVM ({@code dev.lookout.app.Main}, production mode), so that its
 * heap and resident memory are its own and HTTP load reaches it over loopback as it would in a
 * deployment. Its output goes to a log file the suite reads figures from.
 */
final class ChildLookout implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final Pattern HEAP_USED = Pattern.compile(
            "^jvm_memory_used_bytes\\{[^}]*area=\"heap\"[^}]*} (\\S+)$", Pattern.MULTILINE);

    private final String name;
    private final Process process;
    private final int port;
    private final Path log;

    private ChildLookout(final String name, final Process process, final int port, final Path log) {
        this.name = name;
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /** Starts {@code java <jvmOptions> dev.lookout.app.Main <options>} (see {@link #java}). */
    static ChildLookout start(final String name, final Path log, final List<String> jvmOptions,
                              final List<String> options, final int port) throws IOException {
        final List<String> command = java(jvmOptions, "dev.lookout.app.Main");
        command.addAll(options);
        Files.createDirectories(log.getParent());
        final Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        return new ChildLookout(name, process, port, log);
    }

    /**
     * {@code java <jvmOptions> <mainClass>} on the harness's own classpath (the bench jar names
     * every dependency in its manifest), with the app's logging setup.
     */
    static List<String> java(final List<String> jvmOptions, final String mainClass) {
        final List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        // The app's own logging setup: the topology test-jar on this classpath carries a logback-test.xml.
        command.add("-Dlogback.configurationFile=logback.xml");
        command.addAll(List.of("-cp", ownJar().toString(), mainClass));
        return command;
    }

    private static Path ownJar() {
        try {
            return Path.of(Bench.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    String name() {
        return name;
    }

    int port() {
        return port;
    }

    long pid() {
        return process.pid();
    }

    URI uri(final String pathAndQuery) {
        return URI.create("http://localhost:" + port + pathAndQuery);
    }

    HttpResponse<String> get(final String pathAndQuery) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(uri(pathAndQuery)).timeout(Duration.ofSeconds(30)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** Whether {@code /health/ready} answers 200; false while it cannot be reached yet. */
    boolean ready() throws InterruptedException {
        if (!process.isAlive()) {
            throw new IllegalStateException(name + " exited with " + process.exitValue() + "; see " + log);
        }
        try {
            return get("/health/ready").statusCode() == 200;
        } catch (IOException notListeningYet) {
            return false;
        }
    }

    /** The first match of {@code pattern} in the instance's log, if any. */
    Optional<Matcher> logLine(final Pattern pattern) throws IOException {
        final Matcher matcher = pattern.matcher(Files.readString(log));
        return matcher.find() ? Optional.of(matcher) : Optional.empty();
    }

    /** Heap in use just after a full collection ({@code jcmd GC.run}), in bytes, as the app's /metrics reports it. */
    long heapAfterGc() throws IOException, InterruptedException {
        final Process jcmd = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                Long.toString(pid()), "GC.run").redirectErrorStream(true).start();
        final String output = new String(jcmd.getInputStream().readAllBytes());
        if (!jcmd.waitFor(60, TimeUnit.SECONDS) || jcmd.exitValue() != 0) {
            throw new IllegalStateException("jcmd GC.run failed: " + output);
        }
        final Matcher used = HEAP_USED.matcher(get("/metrics").body());
        double sum = 0;
        int pools = 0;
        while (used.find()) {
            sum += Double.parseDouble(used.group(1));
            pools++;
        }
        if (pools == 0) {
            throw new IllegalStateException(name + "'s /metrics has no jvm_memory_used_bytes{area=\"heap\"}");
        }
        return (long) sum;
    }

    /** Resident set size now ({@code VmRSS}) and at its peak ({@code VmHWM}), in bytes. */
    long[] residentBytes() {
        try {
            long rss = -1;
            long peak = -1;
            for (final String line : Files.readAllLines(Path.of("/proc", Long.toString(pid()), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    rss = Long.parseLong(line.replaceAll("\\D", "")) * 1024;
                } else if (line.startsWith("VmHWM:")) {
                    peak = Long.parseLong(line.replaceAll("\\D", "")) * 1024;
                }
            }
            return new long[] {rss, peak};
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Stops the instance as a deployment would (SIGTERM), forcibly if it does not stop within a minute. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
