package dev.lookout.app.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.SplittableRandom;

import dev.lookout.events.AuthEvent;
import dev.lookout.topology.Names;
import dev.lookout.topology.TopologySettings;
import dev.lookout.topology.reference.AuthTraffic;
import dev.lookout.topology.reference.ViewTraffic;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Exactly-once under crashes. Over 200k events — logins with bursts and stuffing attacks, user and
 * content events, duplicates and reordering — stream into an app running as its own JVM, which is
 * killed with SIGKILL at random points three times and restarted each time (the {@code soak}
 * profile multiplies both by five). At the end the alerts
 * topic, read committed, and the read model equal what the reference detector and the reference
 * fold compute from the input: no alert twice, none missing, no event counted twice or lost.
 */
@Timeout(900)
class ExactlyOnceCrashIT {

    /** Months before the day the test runs, as in a replay; the same age on every run (TestDates). */
    private static final Instant START = TestDates.daysAgo(90);
    private static final int PARTITIONS = 6;
    private static final List<String> INPUTS = List.of(Names.USER_EVENTS, Names.CONTENT_EVENTS, Names.AUTH_EVENTS);
    /** 1 in the build; the {@code soak} profile raises it: that many times the events and the kills. */
    private static final int SCALE = Integer.getInteger("lookout.it.scale", 1);

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = TestCluster.Kind.class, names = {"EMBEDDED", "CONTAINER"})
    void theOutputsEqualTheReferencesAfterRepeatedKills(final TestCluster.Kind kind, @TempDir final Path dir)
            throws Exception {
        assumeThat(TestCluster.unavailableReason(kind)).as(TestCluster.unavailableReason(kind)).isNull();
        final TopologySettings settings = TopologySettings.defaults();
        final List<AuthEvent> auth = AuthTraffic.arrivals(AuthTraffic.Shape.onTime(2026, 185_000 * SCALE, START));
        final List<ViewTraffic.Arrival> views = ViewTraffic.arrivals(7, 2_000 * SCALE, 2_500 * SCALE, START,
                settings.grace().toMillis(), 0.0);
        final List<Object> input = ViewTraffic.interleave(auth, views);
        assertThat(input).hasSizeGreaterThanOrEqualTo(200_000 * SCALE);
        final long seed = Long.getLong("lookout.it.seed", System.nanoTime());
        System.out.printf("CRASH: kill points from seed %d (-Dlookout.it.seed=%d repeats them)%n", seed, seed);

        try (TestSystem system = new TestSystem(kind, dir);
             EventProducer producer = system.producer();
             Progress progress = new Progress(system.cluster().bootstrapServers(), "lookout-it")) {
            final List<String> args = system.instanceArgs("--partitions", Integer.toString(PARTITIONS));
            final Path log = Files.createFile(dir.resolve("child.log"));
            // Input starts once the app has created its topics. A producer already sending while a
            // partition gets its first leader can lose its first batch: it is answered
            // NOT_LEADER_OR_FOLLOWER, a later batch is accepted by the new leader (which has no
            // state for the producer yet), and the retried first batch is then refused as out of
            // order until it expires.
            ChildApp child = ChildApp.start(args, log).awaitReady(Duration.ofSeconds(120));
            final Thread sender = new Thread(() -> input.forEach(producer::sendAsync), "input-producer");
            sender.start();

            // One kill at a random point of each equal slice of the input, the last slice spared.
            final SplittableRandom random = new SplittableRandom(seed);
            final int kills = 3 * SCALE;
            for (int k = 0; k < kills; k++) {
                final double fraction = (k + 0.1 + 0.7 * random.nextDouble()) / (kills + 1);
                final long target = (long) (fraction * input.size());
                await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofMillis(200))
                        .until(() -> progress.committed(INPUTS) >= target);
                child.kill();
                final long committed = progress.committed(INPUTS);
                assertThat(committed).as("killed mid-stream").isLessThan(input.size());
                System.out.printf("CRASH: SIGKILL at %.0f%% of the input (%d committed)%n", fraction * 100, committed);
                child = ChildApp.start(args, log).awaitReady(Duration.ofMinutes(4));
            }
            sender.join();
            producer.flush();
            Inputs.flush(producer, START.plus(Duration.ofDays(2)), PARTITIONS);
            Inputs.flush(producer, START.plus(Duration.ofDays(3)), PARTITIONS);
            await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofSeconds(1)).until(progress::caughtUp);

            assertThat(Outputs.deadLetters(system)).as("nothing was rejected").isEmpty();
            final int alerts = Outputs.assertAlertsMatchReference(system, auth, settings);
            final int users = Outputs.assertReadModelMatchesReference(child.port(), views, settings);
            System.out.printf("CRASH: %d alerts and %d users equal to the references%n", alerts, users);
            child.stop();
        }
    }
}
