package dev.lookout.app.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import dev.lookout.app.LookoutApp;
import dev.lookout.topology.Events;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Two instances with one standby replica each; one is killed with SIGKILL. The survivor takes
 * over and answers every key again within a measured time, and while the group rebalances every
 * answer is either correct or a 503 — never a wrong value, a 404 for an existing user, or a 500.
 */
@Timeout(300)
class FailoverIT {

    private static final int USERS = 60;

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = TestCluster.Kind.class, names = {"EMBEDDED", "CONTAINER"})
    void theSurvivorTakesOverAndNeverServesAWrongAnswer(final TestCluster.Kind kind, @TempDir final Path dir)
            throws Exception {
        assumeThat(TestCluster.unavailableReason(kind)).as(TestCluster.unavailableReason(kind)).isNull();
        try (TestSystem system = new TestSystem(kind, dir); EventProducer producer = system.producer()) {
            final LookoutApp survivor = system.startApp("--partitions", "6", "--standby-replicas", "1");
            final ChildApp victim = ChildApp.start(system.instanceArgs("--partitions", "6", "--standby-replicas", "1"),
                    Files.createFile(dir.resolve("victim.log"))).awaitReady(Duration.ofSeconds(120));
            final Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
            for (int i = 0; i < USERS; i++) {
                producer.send(Events.registered("r-" + i, user(i), user(i) + "@example.com", null, now.plusMillis(i)));
            }
            final int port = survivor.httpPort();
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(1)).until(() -> allCorrect(port)
                    && allCorrect(victim.port()));
            final long servedByVictim = countServedBy(port, victim.port());
            assertThat(servedByVictim).as("the victim owns some keys").isPositive();

            final List<String> wrong = new CopyOnWriteArrayList<>();
            final Map<Integer, AtomicLong> statuses = new ConcurrentHashMap<>();
            final AtomicBoolean polling = new AtomicBoolean(true);
            final Thread poller = new Thread(() -> {
                while (polling.get()) {
                    for (int i = 0; i < USERS; i++) {
                        final Http.Answer answer = Http.get(port, "/api/users/" + user(i));
                        statuses.computeIfAbsent(answer.status(), s -> new AtomicLong()).incrementAndGet();
                        if (answer.status() == 200 && !answer.json().get("email").asText().equals(user(i) + "@example.com")
                                || answer.status() != 200 && answer.status() != 503) {
                            wrong.add(user(i) + " -> " + answer.status() + " " + answer.body());
                        }
                    }
                }
            });
            poller.start();

            final long killed = System.nanoTime();
            victim.kill();
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(100)).until(() -> allCorrect(port));
            final Duration failover = Duration.ofNanos(System.nanoTime() - killed);
            polling.set(false);
            poller.join();

            System.out.printf("FAILOVER: all %d keys answered by the survivor %d ms after SIGKILL "
                    + "(session.timeout.ms=6000, standby replicas 1); answers while rebalancing: %s%n",
                    USERS, failover.toMillis(), statuses);
            assertThat(wrong).as("wrong answers while rebalancing").isEmpty();
            assertThat(statuses.get(200).get()).isPositive();
            assertThat(failover).isLessThan(Duration.ofSeconds(60));
            assertThat(countServedBy(port, victim.port())).isZero();
        }
    }

    private static boolean allCorrect(final int port) {
        for (int i = 0; i < USERS; i++) {
            final Http.Answer answer = Http.get(port, "/api/users/" + user(i));
            if (answer.status() != 200 || !answer.json().get("email").asText().equals(user(i) + "@example.com")) {
                return false;
            }
        }
        return true;
    }

    private static long countServedBy(final int port, final int victimPort) {
        long count = 0;
        for (int i = 0; i < USERS; i++) {
            final String servedBy = Http.get(port, "/api/users/" + user(i)).servedBy();
            if (servedBy != null && servedBy.endsWith(":" + victimPort)) {
                count++;
            }
        }
        return count;
    }

    private static String user(final int i) {
        return String.format("user-%03d", i);
    }
}
