package dev.lookout.app.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import dev.lookout.events.AuthEvent;
import dev.lookout.events.UserEvent;
import dev.lookout.events.UserProfileUpdated;
import dev.lookout.topology.Names;
import dev.lookout.topology.TopologySettings;
import dev.lookout.topology.reference.AuthTraffic;
import dev.lookout.topology.reference.ReferenceViews;
import dev.lookout.topology.reference.ViewTraffic;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Restart and restore. A clean stop leaves the consumer group, and a restart on the same state
 * directory resumes where the app stopped: no record is processed again, and only the stores kept
 * in memory (the two newest-N lists, the clocks and the watermarks) are reloaded from their
 * changelogs. With the state directory
 * wiped, the app restores every store from its changelog, reports it in the log, and answers
 * exactly as before, byte for byte.
 */
@Timeout(600)
class RestartRestoreIT {

    /** Weeks before the day the test runs: the replay of history that a backfill is. */
    private static final Instant START = TestDates.daysAgo(60);
    private static final Instant MIDWAY = START.plus(Duration.ofMinutes(20));
    private static final int PARTITIONS = 6;
    private static final List<String> INPUTS = List.of(Names.USER_EVENTS, Names.CONTENT_EVENTS, Names.AUTH_EVENTS);
    private static final Pattern RESTORED = Pattern.compile(
            "state restored: (\\d+) records into (\\d+) stores in ([\\d.]+) s \\((\\d+) records/s\\)");

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = TestCluster.Kind.class, names = {"EMBEDDED", "CONTAINER"})
    void aRestartResumesAndAWipedStateRestoresToTheSameAnswers(final TestCluster.Kind kind, @TempDir final Path dir)
            throws Exception {
        assumeThat(TestCluster.unavailableReason(kind)).as(TestCluster.unavailableReason(kind)).isNull();
        final TopologySettings settings = TopologySettings.defaults();
        final List<AuthEvent> auth = AuthTraffic.arrivals(AuthTraffic.Shape.onTime(5, 40_000, START));
        final List<ViewTraffic.Arrival> views = ViewTraffic.arrivals(5, 10_000, 5_000, START,
                settings.grace().toMillis());
        final ReferenceViews.Result reference = ReferenceViews.fold(views, settings.grace().toMillis());

        try (TestSystem system = new TestSystem(kind, dir);
             EventProducer producer = system.producer();
             Progress progress = new Progress(system.cluster().bootstrapServers(), "lookout-it")) {
            // A session far longer than the test waits: a stopped member that did not leave the group would stay in it.
            final List<String> args = system.instanceArgs("--partitions", Integer.toString(PARTITIONS),
                    "--kafka", "session.timeout.ms=60000");
            final Path state = Path.of(args.get(args.indexOf("--state-dir") + 1));
            ChildApp app = ChildApp.start(args, Files.createFile(dir.resolve("first.log")))
                    .awaitReady(Duration.ofSeconds(120));
            ViewTraffic.interleave(auth, views).forEach(producer::sendAsync);
            producer.flush();
            Inputs.flush(producer, START.plus(Duration.ofDays(2)), PARTITIONS);
            Inputs.flush(producer, START.plus(Duration.ofDays(3)), PARTITIONS);
            await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofSeconds(1)).until(progress::caughtUp);
            final Map<String, String> before = Answers.snapshot(app.port(), reference, MIDWAY);
            final long committed = progress.committed(INPUTS);
            assertThat(progress.members()).isPositive();
            app.stop();
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(progress.members())
                    .as("members left after a clean stop").isZero());

            // A clean restart on the same state: nothing to restore, nothing to process again.
            app = ChildApp.start(args, Files.createFile(dir.resolve("restarted.log"))).awaitReady(Duration.ofMinutes(2));
            final ChildApp restarted = app;
            await().during(Duration.ofSeconds(10)).atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> processed(restarted.port()) == 0);
            assertThat(restoredStores(restarted.output())).as("only the in-memory stores are reloaded")
                    .isSubsetOf(Names.RECENT_REGISTRATIONS_STORE, Names.RECENT_ALERTS_STORE, Names.USER_EVENTS_CLOCK_STORE,
                            Names.USERS_CLOCK_STORE, Names.AUTH_EVENTS_CLOCK_STORE, Names.LOGIN_CLOCK_STORE,
                            Names.IP_WATERMARKS_STORE);
            assertThat(progress.committed(INPUTS)).isEqualTo(committed);
            Answers.assertSame(Answers.snapshot(restarted.port(), reference, MIDWAY), before);

            // New input is applied once, after the restart.
            final String user = reference.users().keySet().iterator().next();
            final long applied = reference.users().get(user).eventsApplied();
            producer.send(new UserEvent("after-restart", user, START.plus(Duration.ofDays(4)),
                    new UserProfileUpdated("Renamed after a restart")));
            await().atMost(Duration.ofSeconds(60)).until(() -> Http.get(restarted.port(), "/api/users/" + user).json()
                    .get("eventsApplied").asLong() == applied + 1);
            // The thread's process-total metric is recorded after the poll loop iteration that
            // applied the event, so it may trail the answer by a moment.
            await().atMost(Duration.ofSeconds(30)).until(() -> processed(restarted.port()) > 0);
            final Map<String, String> changed = Answers.snapshot(restarted.port(), reference, MIDWAY);
            app.stop();

            // A wiped state: every store comes back from its changelog.
            deleteRecursively(state);
            app = ChildApp.start(args, Files.createFile(dir.resolve("restored.log"))).awaitReady(Duration.ofMinutes(4));
            final ChildApp restored = app;
            final Matcher summary = await().atMost(Duration.ofSeconds(10)).until(() -> restored.output().stream()
                    .map(RESTORED::matcher).filter(Matcher::find).findFirst(), Optional::isPresent).get();
            assertThat(restored.output()).anyMatch(line -> line.contains("restored " + Names.USERS_STORE + ": "));
            System.out.printf("RESTORE: %s records into %s stores in %s s: %s records/s%n", summary.group(1),
                    summary.group(2), summary.group(3), summary.group(4));
            assertThat(Long.parseLong(summary.group(1))).isGreaterThan(reference.users().size());
            Answers.assertSame(Answers.snapshot(restored.port(), reference, MIDWAY), changed);
            assertThat(processed(restored.port())).as("restoring is not processing").isZero();
            app.stop();
        }
    }

    /** The stores a log reports as restored. */
    private static Set<String> restoredStores(final List<String> log) {
        final Pattern restored = Pattern.compile("restored ([a-z-]+): ");
        return log.stream().map(restored::matcher).filter(Matcher::find).map(matcher -> matcher.group(1))
                .collect(Collectors.toSet());
    }

    /** Records the instance's stream threads have processed since it started. */
    private static long processed(final int port) {
        return (long) Answers.metric(port, "kafka_stream_thread_process_total", "");
    }

    private static void deleteRecursively(final Path root) throws Exception {
        try (Stream<Path> paths = Files.walk(root)) {
            for (final Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
