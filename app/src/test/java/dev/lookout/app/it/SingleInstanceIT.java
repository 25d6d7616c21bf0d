package dev.lookout.app.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.lookout.app.LookoutApp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * One embedded Lookout per data directory, and a stop that always ends. Every instance here is a
 * child JVM started the way the README's run command starts it.
 */
@Timeout(300)
class SingleInstanceIT {

    /** Time for a JVM to exit once its shutdown hook is done. */
    private static final Duration EXIT_SLACK = Duration.ofSeconds(10);

    private record Instance(List<String> args, Path data, int kafkaPort, int controllerPort) {
    }

    private static Instance embedded(final Path dir) {
        final int kafkaPort = Ports.free();
        final int controllerPort = Ports.free();
        final Path data = dir.resolve("data");
        return new Instance(new ArrayList<>(List.of("--data-dir", data.toString(),
                "--state-dir", dir.resolve("state").toString(),
                "--kafka-port", Integer.toString(kafkaPort), "--controller-port", Integer.toString(controllerPort),
                "--registry-port", Integer.toString(Ports.free()), "--http-port", Integer.toString(Ports.free()),
                "--partitions", "3", "--demo-rate", "20")), data, kafkaPort, controllerPort);
    }

    private static Path quorumState(final Path data) {
        return data.resolve("kafka").resolve("__cluster_metadata-0").resolve("quorum-state");
    }

    @Test
    void aSecondStartOnTheSameDataDirectoryRefusesBeforeTouchingItAndTheFirstRunsOn(@TempDir final Path dir)
            throws Exception {
        final Instance instance = embedded(dir);
        final ChildApp first = ChildApp.start(instance.args(), Files.createFile(dir.resolve("first.log")))
                .awaitReady(Duration.ofSeconds(120));
        final String quorumBefore = Files.readString(quorumState(instance.data()));

        // The same command again, as from another terminal: same directory, same ports.
        final Path secondLog = Files.createFile(dir.resolve("second.log"));
        final Process second = new ProcessBuilder(childCommand(instance.args())).redirectErrorStream(true)
                .redirectOutput(secondLog.toFile()).start();
        assertThat(second.waitFor(60, TimeUnit.SECONDS)).as("the second start gives up").isTrue();
        final String refusal = Files.readString(secondLog, StandardCharsets.UTF_8);
        assertThat(second.exitValue()).as(refusal).isNotZero();
        assertThat(refusal).contains("another Lookout is running on the data directory "
                + instance.data().toAbsolutePath()).contains("(process " + first.pid() + ")");

        assertThat(Files.readString(quorumState(instance.data()))).as("the running broker's metadata")
                .isEqualTo(quorumBefore);
        final double processed = Answers.metric(first.port(), "kafka_stream_thread_process_total", "");
        await("the first instance keeps applying demo traffic").atMost(Duration.ofSeconds(60))
                .until(() -> Answers.metric(first.port(), "kafka_stream_thread_process_total", "") > processed);
        final long stopping = System.nanoTime();
        first.stop();
        assertThat(Duration.ofNanos(System.nanoTime() - stopping)).isLessThan(LookoutApp.STOP_DEADLINE);
        assertThat(first.output()).anyMatch(line -> line.contains("Kafka Streams closed cleanly"))
                .noneMatch(line -> line.contains("did not stop within"));
    }

    @Test
    void aStopEndsWithinItsDeadlineEvenAfterAForeignBrokerDamagedTheEmbeddedOne(@TempDir final Path dir)
            throws Exception {
        final Instance instance = embedded(dir);
        final ChildApp app = ChildApp.start(instance.args(), Files.createFile(dir.resolve("app.log")))
                .awaitReady(Duration.ofSeconds(120));
        final String quorumBefore = Files.readString(quorumState(instance.data()));

        // A stray Kafka broker pointed at the same log directory and ports, as a forgotten process
        // or an older Lookout without the data-directory lock would be. It fails, but not before
        // writing to the running broker's metadata.
        final Path properties = dir.resolve("stray.properties");
        Files.writeString(properties, String.join("\n",
                "process.roles=broker,controller", "node.id=1",
                "controller.quorum.voters=1@localhost:" + instance.controllerPort(),
                "listeners=PLAINTEXT://localhost:" + instance.kafkaPort() + ",CONTROLLER://localhost:"
                        + instance.controllerPort(),
                "advertised.listeners=PLAINTEXT://localhost:" + instance.kafkaPort(),
                "controller.listener.names=CONTROLLER", "inter.broker.listener.name=PLAINTEXT",
                "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
                "log.dirs=" + instance.data().resolve("kafka").toAbsolutePath()));
        final Process stray = new ProcessBuilder("java", "-Xmx256m", "-cp",
                ChildApp.REPOSITORY.resolve("app/target/lookout.jar").toString(), "kafka.Kafka", properties.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("stray.log").toFile()).start();
        assertThat(stray.waitFor(90, TimeUnit.SECONDS)).as("the stray broker fails").isTrue();
        System.out.printf("SINGLE INSTANCE: quorum-state before %s, after the stray broker %s%n", quorumBefore.trim(),
                Files.readString(quorumState(instance.data())).trim());

        final long stopping = System.nanoTime();
        app.stop(LookoutApp.STOP_DEADLINE.plus(EXIT_SLACK));
        final Duration took = Duration.ofNanos(System.nanoTime() - stopping);
        System.out.printf("SINGLE INSTANCE: stopped in %d ms (deadline %d s)%n", took.toMillis(),
                LookoutApp.STOP_DEADLINE.toSeconds());
        assertThat(took).isLessThan(LookoutApp.STOP_DEADLINE.plus(EXIT_SLACK));
    }

    private static List<String> childCommand(final List<String> args) {
        final List<String> command = new ArrayList<>(List.of("java", "-Xmx512m", "-jar",
                ChildApp.REPOSITORY.resolve("app/target/lookout.jar").toString()));
        command.addAll(args);
        return command;
    }
}
