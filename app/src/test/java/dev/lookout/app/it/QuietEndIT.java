package dev.lookout.app.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import dev.lookout.app.LookoutApp;
import dev.lookout.events.AlertKind;
import dev.lookout.events.AuthEvent;
import dev.lookout.events.SecurityAlert;
import dev.lookout.topology.Events;
import dev.lookout.topology.Names;
import dev.lookout.topology.detect.AlertIds;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Alerts do not wait for more traffic, on a real broker. Logins run on, then an attack ends the
 * traffic — a burst of failures against one user, a success after another user's burst, and
 * failures of many users from one address — and nothing more arrives. Each alert must be visible
 * at {@code /api/alerts} and, read committed, on {@code security-alerts} within the idle timeout
 * plus 10 s of the broker's acknowledgement of the last event. Once with traffic on all six
 * partitions, once with all of it on one partition while the other five never see an event.
 */
@Timeout(300)
class QuietEndIT {

    private static final int PARTITIONS = 6;
    private static final Duration IDLE = Duration.ofSeconds(5);
    private static final Duration BOUND = IDLE.plusSeconds(10);
    private static final int STUFFING_USERS = 5;
    private static final String ATTACKER = "203.0.113.66";

    @ParameterizedTest(name = "traffic on one partition only: {0}")
    @ValueSource(booleans = {false, true})
    void alertsAtTheEndOfTrafficAreVisibleWithinTheIdleTimeout(final boolean onePartition, @TempDir final Path dir)
            throws Exception {
        try (TestSystem system = new TestSystem(TestCluster.Kind.EMBEDDED, dir);
             EventProducer producer = system.producer()) {
            final LookoutApp app = system.startApp("--partitions", Integer.toString(PARTITIONS),
                    "--idle-timeout", IDLE.toSeconds() + "s", "--stuffing-threshold", Integer.toString(STUFFING_USERS));
            await().atMost(Duration.ofMinutes(2)).until(() -> Http.get(app.httpPort(), "/health/ready").status() == 200);
            final Users users = new Users(onePartition);
            final Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);

            // A minute of ordinary logins, then the attack; event times end at the moment of sending.
            final List<AuthEvent> traffic = new ArrayList<>();
            for (int i = 0; i < 600; i++) {
                final String user = users.next("background-");
                traffic.add(Events.succeeded("bg-" + i, user, "10.1.0." + (i % 200),
                        now.minusSeconds(70).plusMillis(100L * i)));
            }
            final String victim = users.next("victim-");
            final String takenOver = users.next("taken-over-");
            final Instant attack = now.minusSeconds(5);
            for (int i = 0; i < 3; i++) {
                traffic.add(Events.failed("v" + i, victim, "198.51.100.1", attack.plusMillis(300L * i)));
                traffic.add(Events.failed("t" + i, takenOver, "198.51.100.2", attack.plusMillis(300L * i + 100)));
            }
            traffic.add(Events.succeeded("t-success", takenOver, "198.51.100.2", attack.plusMillis(1_500)));
            final List<String> stuffed = new ArrayList<>();
            for (int i = 0; i < STUFFING_USERS; i++) {
                final String user = users.next("stuffed-");
                stuffed.add(user);
                traffic.add(Events.failed("s" + i, user, ATTACKER, attack.plusMillis(2_000L + 200L * i)));
            }
            final Map<String, AlertKind> expected = Map.of(
                    AlertIds.of(AlertKind.REPEATED_LOGIN_FAILURE, victim, "v0"), AlertKind.REPEATED_LOGIN_FAILURE,
                    AlertIds.of(AlertKind.REPEATED_LOGIN_FAILURE, takenOver, "t0"), AlertKind.REPEATED_LOGIN_FAILURE,
                    AlertIds.of(AlertKind.FAILURES_THEN_SUCCESS, takenOver, "t0"), AlertKind.FAILURES_THEN_SUCCESS,
                    AlertIds.of(AlertKind.CREDENTIAL_STUFFING, ATTACKER, "s0"), AlertKind.CREDENTIAL_STUFFING);

            try (AlertWatcher watcher = new AlertWatcher(system.cluster().bootstrapServers(), producer)) {
                traffic.forEach(producer::sendAsync);
                producer.flush();
                final long acknowledged = System.nanoTime();
                final Map<String, Long> onTopic = new HashMap<>();
                final Map<String, Long> overHttp = new HashMap<>();
                await("every alert, over HTTP and on the topic").atMost(BOUND).pollInterval(Duration.ofMillis(200))
                        .until(() -> {
                            watcher.poll(acknowledged, onTopic);
                            final Set<String> listed = listed(app.httpPort());
                            for (final String id : expected.keySet()) {
                                if (listed.contains(id)) {
                                    overHttp.putIfAbsent(id, (System.nanoTime() - acknowledged) / 1_000_000);
                                }
                            }
                            return onTopic.keySet().containsAll(expected.keySet())
                                    && overHttp.keySet().containsAll(expected.keySet());
                        });
                expected.forEach((id, kind) -> System.out.printf(
                        "QUIET END (one partition: %s): %s visible %d ms (topic) / %d ms (HTTP) after the last ack%n",
                        onePartition, kind, onTopic.get(id), overHttp.get(id)));
                assertThat(watcher.alerts.keySet()).as("no other alert").isEqualTo(expected.keySet());
                // The partitions that never saw an event told the stuffing detector so, without error.
                assertThat(Outputs.deadLetters(system)).isEmpty();
            }
        }
    }

    /** The ids of the alerts {@code /api/alerts} lists. */
    private static Set<String> listed(final int port) {
        final Set<String> ids = ConcurrentHashMap.newKeySet();
        Http.get(port, "/api/alerts?limit=500").json().get("items").forEach(alert -> ids.add(alert.get("alertId")
                .asText()));
        return ids;
    }

    /** User ids, all in partition 0 or spread over every partition. */
    private static final class Users {
        private final boolean onePartition;
        private int next;

        Users(final boolean onePartition) {
            this.onePartition = onePartition;
        }

        String next(final String prefix) {
            final int n = next++;
            return onePartition ? Keys.inPartition(prefix + n + "-", 0, PARTITIONS) : prefix + n;
        }
    }

    /** A read-committed consumer of security-alerts, from the beginning. */
    private static final class AlertWatcher implements AutoCloseable {
        private final KafkaConsumer<String, SecurityAlert> consumer;
        private final Map<String, SecurityAlert> alerts = new HashMap<>();

        AlertWatcher(final String bootstrap, final EventProducer producer) {
            consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                    ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                    ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                    ConsumerConfig.GROUP_ID_CONFIG, "quiet-end-watcher"), new StringDeserializer(),
                    producer.serdes().securityAlerts().deserializer());
            consumer.subscribe(List.of(Names.SECURITY_ALERTS));
        }

        void poll(final long since, final Map<String, Long> seen) {
            for (final ConsumerRecord<String, SecurityAlert> record : consumer.poll(Duration.ofMillis(100))) {
                alerts.put(record.value().getAlertId(), record.value());
                seen.putIfAbsent(record.value().getAlertId(), (System.nanoTime() - since) / 1_000_000);
            }
        }

        @Override
        public void close() {
            consumer.close();
        }
    }
}
