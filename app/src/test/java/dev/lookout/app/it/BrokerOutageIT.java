package dev.lookout.app.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import dev.lookout.app.LookoutApp;
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
 * A broker goes away mid-stream. On one broker ({@code EMBEDDED}, {@code CONTAINER}) it stops for
 * about ten seconds and comes back on the same data and port; on three ({@code THREE_BROKERS},
 * replication factor 3) one stops for good. The app stays alive throughout, recovers by itself,
 * and its alerts and read model equal the references: nothing is lost or counted twice.
 */
@Timeout(600)
class BrokerOutageIT {

    /** Months before the day the test runs, as in a replay; the same age on every run (TestDates). */
    private static final Instant START = TestDates.daysAgo(120);
    private static final int PARTITIONS = 3;
    private static final Duration OUTAGE = Duration.ofSeconds(10);

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = TestCluster.Kind.class, names = {"EMBEDDED", "THREE_BROKERS", "CONTAINER"})
    void theAppRecoversByItselfAndLosesNothing(final TestCluster.Kind kind, @TempDir final Path dir)
            throws Exception {
        assumeThat(TestCluster.unavailableReason(kind)).as(TestCluster.unavailableReason(kind)).isNull();
        final TopologySettings settings = TopologySettings.defaults();
        final List<AuthEvent> auth = AuthTraffic.arrivals(AuthTraffic.Shape.onTime(11, 30_000, START));
        final List<ViewTraffic.Arrival> views = ViewTraffic.arrivals(3, 1_000, 800, START,
                settings.grace().toMillis(), 0.0);
        final List<Object> input = ViewTraffic.interleave(auth, views);

        try (TestSystem system = new TestSystem(kind, dir);
             EventProducer producer = system.producer();
             Progress progress = new Progress(system.cluster().bootstrapServers(), "lookout-it")) {
            final LookoutApp app = system.startApp("--partitions", Integer.toString(PARTITIONS));
            final int port = app.httpPort();
            await().atMost(Duration.ofSeconds(90)).until(() -> Http.get(port, "/health/ready").status() == 200);
            final Thread sender = new Thread(() -> {
                input.forEach(producer::sendAsync);
                producer.flush();
            }, "input-producer");
            sender.start();
            await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(200))
                    .until(() -> progress.committed(List.of(Names.USER_EVENTS, Names.CONTENT_EVENTS,
                            Names.AUTH_EVENTS)) >= input.size() / 3);

            system.cluster().stopBroker(0);
            final boolean restarts = kind != TestCluster.Kind.THREE_BROKERS;
            await().during(OUTAGE).atMost(OUTAGE.plusSeconds(10)).pollInterval(Duration.ofMillis(500))
                    .until(() -> Http.get(port, "/health/live").status() == 200);
            if (restarts) {
                system.cluster().startBroker(0);
            }
            final long back = System.nanoTime();

            sender.join();
            Inputs.flush(producer, START.plus(Duration.ofDays(2)), PARTITIONS);
            Inputs.flush(producer, START.plus(Duration.ofDays(3)), PARTITIONS);
            await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofSeconds(1)).until(progress::caughtUp);
            System.out.printf("OUTAGE %s: broker %s; the app caught up %.1f s later%n", kind,
                    restarts ? "stopped for " + OUTAGE.toSeconds() + " s" : "stopped for good",
                    (System.nanoTime() - back) / 1e9);

            assertThat(Http.get(port, "/health/ready").status()).isEqualTo(200);
            assertThat(Outputs.deadLetters(system)).as("nothing was rejected").isEmpty();
            Outputs.assertAlertsMatchReference(system, auth, settings);
            Outputs.assertReadModelMatchesReference(port, views, settings);
        }
    }
}
