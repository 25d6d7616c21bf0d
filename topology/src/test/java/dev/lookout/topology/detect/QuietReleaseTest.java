package dev.lookout.topology.detect;

import static dev.lookout.topology.TopologyFixture.T0;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;

import dev.lookout.events.AlertKind;
import dev.lookout.events.SecurityAlert;
import dev.lookout.topology.Events;
import dev.lookout.topology.Names;
import dev.lookout.topology.TopologyFixture;
import dev.lookout.topology.deadletter.DeadLetterHeaders;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Alerts do not wait for more traffic. Each pattern crosses at the very end of the input, then
 * nothing arrives: once the partition has been quiet for the idle timeout (wall-clock time,
 * advanced by the driver), it releases what it holds and the alert comes out. A straggler older
 * than what was released is late.
 */
class QuietReleaseTest {

    private static final Duration IDLE = Duration.ofSeconds(30);
    private static final String IP = "198.51.100.7";

    private final TopologyFixture fixture = new TopologyFixture(TopologyFixture.testSettings().toBuilder()
            .sourceIdleTimeout(IDLE).build());

    @AfterEach
    void close() {
        fixture.close();
    }

    private void fail(final String eventId, final String user, final long second) {
        fixture.authEvents.pipeInput(user, Events.failed(eventId, user, IP, T0.plusSeconds(second)));
    }

    private void succeed(final String eventId, final String user, final long second) {
        fixture.authEvents.pipeInput(user, Events.succeeded(eventId, user, IP, T0.plusSeconds(second)));
    }

    private List<AlertKind> alertsAfter(final Duration quiet) {
        fixture.driver.advanceWallClockTime(quiet);
        return fixture.drainAlerts().stream().map(SecurityAlert::getKind).toList();
    }

    @Test
    void aRepeatedLoginFailureAtTheEndOfTrafficComesOutOnceThePartitionIsQuiet() {
        fail("f1", "u-1", 0);
        fail("f2", "u-1", 10);
        fail("f3", "u-1", 20);

        assertThat(alertsAfter(IDLE.minusSeconds(2))).as("before the idle timeout").isEmpty();
        assertThat(alertsAfter(Duration.ofSeconds(3))).containsExactly(AlertKind.REPEATED_LOGIN_FAILURE);
    }

    @Test
    void aFailuresThenSuccessAtTheEndOfTrafficComesOutOnceThePartitionIsQuiet() {
        fail("f1", "u-1", 0);
        fail("f2", "u-1", 10);
        fail("f3", "u-1", 20);
        // Far enough on to release the crossing by the watermark; the success is the last event.
        fail("x1", "u-2", 120);
        assertThat(fixture.drainAlerts()).extracting(SecurityAlert::getKind)
                .containsExactly(AlertKind.REPEATED_LOGIN_FAILURE);
        succeed("s1", "u-1", 130);

        assertThat(alertsAfter(IDLE.plusSeconds(1))).containsExactly(AlertKind.FAILURES_THEN_SUCCESS);
    }

    @Test
    void aCredentialStuffingAttackAtTheEndOfTrafficComesOutOnceThePartitionIsQuiet() {
        for (int user = 1; user <= 4; user++) {
            fail("a" + user, "u-" + user, user);
        }

        assertThat(alertsAfter(IDLE.plusSeconds(1))).containsExactly(AlertKind.CREDENTIAL_STUFFING);
    }

    @Test
    void aStragglerOlderThanWhatAQuietReleaseLetGoIsLate() {
        fail("f1", "u-1", 0);
        fail("f2", "u-1", 10);
        assertThat(alertsAfter(IDLE.plusSeconds(1))).isEmpty();

        // Inside the grace of the newest event, but at or before what was already released.
        fail("f3", "u-1", 10);
        fail("f4", "u-1", 5);

        final List<TestRecord<byte[], byte[]>> dead = fixture.drainDeadLetters();
        assertThat(dead).hasSize(2).allSatisfy(record -> {
            assertThat(DeadLetterHeaders.text(record.headers(), DeadLetterHeaders.REASON)).isEqualTo("late");
            assertThat(DeadLetterHeaders.text(record.headers(), DeadLetterHeaders.STAGE))
                    .isEqualTo(Names.LOGIN_DETECTOR);
        });
        // A newer event is accepted, and counts with what was released: f1, f2 and it are three.
        fail("f5", "u-1", 11);
        assertThat(alertsAfter(IDLE.plusSeconds(1))).containsExactly(AlertKind.REPEATED_LOGIN_FAILURE);
    }

    @Test
    void steadyTrafficIsNeverReleasedEarly() {
        // An event every 20 s of wall-clock time: never quiet for 30 s, so nothing is let go early
        // and a straggler inside the grace still counts.
        fail("f1", "u-1", 0);
        for (int i = 1; i <= 5; i++) {
            fixture.driver.advanceWallClockTime(Duration.ofSeconds(20));
            succeed("b" + i, "u-9", 40L * i);
        }
        fail("f2", "u-1", 195);
        fail("f3", "u-1", 196);

        assertThat(fixture.drainDeadLetters()).isEmpty();
        assertThat(alertsAfter(IDLE.plusSeconds(1))).containsExactly(AlertKind.REPEATED_LOGIN_FAILURE);
    }
}
