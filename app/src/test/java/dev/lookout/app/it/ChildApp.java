package dev.lookout.app.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLContext;

/**
 * Lookout as a separate JVM ({@code java -jar app/target/lookout.jar}), so that a test can kill
 * it with SIGKILL — a real crash, with no shutdown hook and no final commit. Its output goes to a
 * file, which outlives the process.
 */
public final class ChildApp {

    static final Path REPOSITORY = Path.of(System.getProperty("user.dir")).getParent();
    /** Children not yet stopped: a failed test must not leave one running into the next tests. */
    private static final Set<Process> RUNNING = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(ChildApp::killAll, "kill-child-apps"));
    }

    private final Process process;
    private final Path log;
    private final int port;
    private final URI base;
    private final HttpClient http;

    private ChildApp(final Process process, final Path log, final int port, final URI base, final HttpClient http) {
        this.process = process;
        this.log = log;
        this.port = port;
        this.base = base;
        this.http = http;
    }

    /**
     * Starts {@code lookout} with these arguments, which must include {@code --http-port}.
     *
     * @param log where the process writes its output (appended)
     */
    public static ChildApp start(final List<String> args, final Path log) throws IOException {
        return start(args, log, null);
    }

    /**
     * Starts {@code lookout} serving HTTPS when {@code ssl} is given: the context trusts the
     * instance's certificate, and {@link #get} and {@link #awaitReady} use it.
     */
    public static ChildApp start(final List<String> args, final Path log, final SSLContext ssl) throws IOException {
        final List<String> command = new ArrayList<>(List.of("java", "-Xmx768m", "-XX:+UseParallelGC", "-jar",
                REPOSITORY.resolve("app/target/lookout.jar").toString()));
        command.addAll(args);
        final int port = Integer.parseInt(args.get(args.indexOf("--http-port") + 1));
        final Process process = new ProcessBuilder(command).directory(REPOSITORY.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        RUNNING.add(process);
        final URI base = URI.create((ssl == null ? "http" : "https") + "://localhost:" + port);
        final HttpClient client = ssl == null ? HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()
                : Http.client(ssl);
        return new ChildApp(process, log, port, base, client);
    }

    /** A GET to this instance, over HTTPS when it serves it. */
    public Http.Answer get(final String path, final Map<String, String> headers) {
        return Http.get(http, base.resolve(path), headers);
    }

    public int port() {
        return port;
    }

    public boolean alive() {
        return process.isAlive();
    }

    /** Waits until the instance says it is ready. */
    public ChildApp awaitReady(final Duration atMost) {
        await().atMost(atMost).pollInterval(Duration.ofMillis(500)).until(() -> !process.isAlive()
                || get("/health/ready", Map.of()).status() == 200);
        assertThat(process.isAlive()).as("the child is running; its log:\n" + tail()).isTrue();
        return this;
    }

    /** SIGKILL: the process ends at once, mid-transaction. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        RUNNING.remove(process);
    }

    /** SIGKILLs every child still running; {@link TestSystem#close()} calls it after each scenario. */
    static void killAll() {
        for (final Process process : RUNNING) {
            process.destroyForcibly();
            RUNNING.remove(process);
        }
    }

    /** SIGTERM: the process closes cleanly. */
    public void stop() throws InterruptedException {
        stop(Duration.ofSeconds(60));
    }

    /** SIGTERM, and the process must have ended within {@code atMost}. */
    public void stop(final Duration atMost) throws InterruptedException {
        process.destroy();
        assertThat(process.waitFor(atMost.toMillis(), TimeUnit.MILLISECONDS)).as("stopped within %s; its log:%n%s",
                atMost, tail()).isTrue();
        RUNNING.remove(process);
    }

    public long pid() {
        return process.pid();
    }

    public List<String> output() {
        try {
            return Files.readAllLines(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    public String tail() {
        final List<String> lines = output();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    }
}
