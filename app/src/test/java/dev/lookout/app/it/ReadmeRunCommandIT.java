package dev.lookout.app.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's first command keeps working: its {@code java -jar} part is run as a child process
 * (ports moved so it can run next to other tests), the {@code curl} lines it prints return real
 * data within a minute, it stops cleanly on SIGTERM, and a restart on the same data keeps it.
 */
@Timeout(300)
class ReadmeRunCommandIT {

    private static final Path REPOSITORY = Path.of(System.getProperty("user.dir")).getParent();
    private static final Pattern CURL = Pattern.compile("curl -s '?(http://localhost:(\\d+)(/[^' ]*))'?");

    /** The {@code java -jar ...} part of the README's first command. */
    static List<String> readmeRunCommand() throws IOException {
        final String readme = Files.readString(REPOSITORY.resolve("README.md"));
        final Matcher run = Pattern.compile("\\n(mvn [^\\n]*?&& (java -jar [^\\n]+))\\n").matcher(readme);
        assertThat(run.find()).as("README's first command builds and runs the jar").isTrue();
        assertThat(readme.indexOf(run.group(1))).as("the run command comes first")
                .isLessThan(readme.indexOf("mvn -B verify"));
        return new ArrayList<>(List.of(run.group(2).trim().split("\\s+")));
    }

    @Test
    void theReadmeCommandRunsTheSystemAndItsCurlLinesReturnData(@TempDir final Path dir) throws Exception {
        final List<String> command = readmeRunCommand();
        command.addAll(List.of("--data-dir", dir.resolve("data").toString(), "--state-dir", dir.resolve("state").toString(),
                "--kafka-port", Integer.toString(Ports.free()), "--controller-port", Integer.toString(Ports.free()),
                "--registry-port", Integer.toString(Ports.free()), "--http-port", Integer.toString(Ports.free()),
                "--demo-rate", "200", "--grace", "5s"));

        final Child first = Child.start(command, dir);
        final Child second;
        final int port;
        final String firstUser;
        try {
            final List<String> curls = first.awaitCurlLines();
            assertThat(curls).hasSize(3);
            assertThat(first.output()).as("the demo says loudly that its API is open")
                    .anySatisfy(line -> assertThat(line).contains("NO AUTHENTICATION"));
            for (final String curl : curls) {
                final Matcher url = CURL.matcher(curl);
                assertThat(url.find()).as(curl).isTrue();
                final int curlPort = Integer.parseInt(url.group(2));
                final Http.Answer answer = await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1))
                        .until(() -> Http.get(curlPort, url.group(3)), a -> a.status() == 200 && hasData(a));
                assertThat(answer.body()).as(curl).isNotBlank();
            }
            port = Integer.parseInt(matcher(curls.get(1)).group(2));
            firstUser = Http.get(port, "/api/users/u-00001").json().get("userId").asText();
            first.stop();
            assertThat(first.output()).anySatisfy(line -> assertThat(line).contains("Kafka Streams closed cleanly"));
            assertThat(first.output()).noneSatisfy(line -> assertThat(line).contains("ERROR"));
        } finally {
            first.kill();
        }

        // A restart on the same directories keeps the data. Closing does not leave the consumer
        // group, so the restarted instance is ready only once the old member's session (45 s) has
        // expired, the group has rebalanced and the stores are checked: allow for a loaded machine.
        second = Child.start(command, dir);
        try {
            second.awaitCurlLines();
            await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofSeconds(1))
                    .conditionEvaluationListener(condition -> {
                        if (condition.getRemainingTimeInMS() <= 1000) {
                            System.out.println("restarted instance, not ready; its output:\n" + second.tail());
                        }
                    })
                    .until(() -> Http.get(port, "/health/ready").status() == 200);
            assertThat(Http.get(port, "/api/users/u-00001").json().get("userId").asText()).isEqualTo(firstUser);
            second.stop();
        } finally {
            second.kill();
        }
    }

    /**
     * The first minute, with the README command's own defaults: the demo opens with an attack that
     * has just happened, so an alert is served within 30 s of the process start.
     */
    @Test
    void theDemoShowsAnAlertWithinThirtySecondsOfStart(@TempDir final Path dir) throws Exception {
        final List<String> command = readmeRunCommand();
        final int port = Ports.free();
        command.addAll(List.of("--data-dir", dir.resolve("data").toString(), "--state-dir", dir.resolve("state").toString(),
                "--kafka-port", Integer.toString(Ports.free()), "--controller-port", Integer.toString(Ports.free()),
                "--registry-port", Integer.toString(Ports.free()), "--http-port", Integer.toString(port)));
        final long launched = System.nanoTime();
        final Child child = Child.start(command, dir);
        try {
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250))
                    .conditionEvaluationListener(condition -> {
                        if (condition.getRemainingTimeInMS() <= 250) {
                            System.out.println("no alert yet; the app's output:\n" + child.tail());
                        }
                    })
                    .until(() -> {
                        final Http.Answer alerts = Http.get(port, "/api/alerts?limit=5");
                        return alerts.status() == 200 && alerts.json().get("items").size() > 0;
                    });
            System.out.printf("FIRST MINUTE: first alert served %d ms after the process started%n",
                    Duration.ofNanos(System.nanoTime() - launched).toMillis());
        } finally {
            child.kill();
        }
    }

    private static boolean hasData(final Http.Answer answer) {
        final var json = answer.json();
        return !json.has("items") || json.get("items").size() > 0;
    }

    private static Matcher matcher(final String curl) {
        final Matcher matcher = CURL.matcher(curl);
        assertThat(matcher.find()).isTrue();
        return matcher;
    }

    /** The app as a child process; its output goes to a file, which outlives the process. */
    private static final class Child {
        private final Process process;
        private final Path log;

        private Child(final Process process, final Path log) {
            this.process = process;
            this.log = log;
        }

        static Child start(final List<String> command, final Path dir) throws IOException {
            final Path log = Files.createTempFile(dir, "lookout-", ".log");
            return new Child(new ProcessBuilder(command).directory(REPOSITORY.toFile()).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).start(), log);
        }

        List<String> output() {
            try {
                return Files.readAllLines(log, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        }

        List<String> awaitCurlLines() {
            await().atMost(Duration.ofSeconds(120)).until(() -> output().stream().filter(l -> l.contains("curl -s"))
                    .count() >= 3 || !process.isAlive());
            assertThat(process.isAlive()).as("the app is running; its output:\n" + String.join("\n", output())).isTrue();
            return output().stream().filter(line -> line.contains("curl -s")).map(String::trim).toList();
        }

        String tail() {
            final List<String> lines = output();
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        }

        /** SIGKILL, if still running: a failed test leaves no process behind. */
        void kill() throws InterruptedException {
            if (process.isAlive()) {
                process.destroyForcibly();
                process.waitFor(30, TimeUnit.SECONDS);
            }
        }

        /** Sends SIGTERM, as a container runtime does, and waits for the process to end. */
        void stop() throws InterruptedException {
            process.destroy();
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("stopped within the grace period").isTrue();
        }
    }
}
