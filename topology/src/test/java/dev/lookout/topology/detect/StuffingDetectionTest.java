package dev.lookout.topology.detect;

import static java.time.Duration.ofMillis;
import static java.time.Duration.ofMinutes;
import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import dev.lookout.events.AlertKind;
import dev.lookout.events.SecurityAlert;
import dev.lookout.internal.IpState;
import dev.lookout.topology.Names;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** CREDENTIAL_STUFFING with M = 4 distinct users per address within W = 5 min. */
class StuffingDetectionTest {

    private final DetectionHarness harness = new DetectionHarness();

    @AfterEach
    void close() {
        harness.close();
    }

    private List<SecurityAlert> stuffing(final List<SecurityAlert> alerts) {
        return alerts.stream().filter(alert -> alert.getKind() == AlertKind.CREDENTIAL_STUFFING).toList();
    }

    @Test
    void shouldRaiseOneAlertWhenTheFourthDistinctUserFailsFromOneAddress() {
        for (int i = 1; i <= 6; i++) {
            harness.fail("e" + i, "u-" + i, "198.51.100.7", ofSeconds(10L * i));
        }

        assertThat(stuffing(harness.flush())).singleElement().satisfies(alert -> {
            assertThat(alert.getSourceIp()).isEqualTo("198.51.100.7");
            assertThat(alert.getUserId()).isNull();
            assertThat(alert.getFailureCount()).isEqualTo(4);
            assertThat(alert.getUserIds()).containsExactly("u-1", "u-2", "u-3", "u-4");
            assertThat(alert.getTriggeringEventIds()).containsExactly("e1", "e2", "e3", "e4");
            assertThat(alert.getFirstEventAt()).isEqualTo(DetectionHarness.at(ofSeconds(10)));
            assertThat(alert.getDetectedAt()).isEqualTo(DetectionHarness.at(ofSeconds(40)));
            assertThat(alert.getSourceIps()).containsExactly("198.51.100.7");
            assertThat(alert.getAlertId()).isEqualTo(AlertIds.of(AlertKind.CREDENTIAL_STUFFING, "198.51.100.7", "e1"));
        });
    }

    @Test
    void shouldNotCountOneUserFailingManyTimes() {
        for (int i = 1; i <= 6; i++) {
            harness.fail("e" + i, "u-" + (i % 3), "198.51.100.7", ofSeconds(10L * i));
        }

        assertThat(stuffing(harness.flush())).isEmpty();
    }

    @Test
    void shouldNotCountUsersOutsideTheWindow() {
        harness.fail("e1", "u-1", "198.51.100.7", ofMinutes(0));
        harness.fail("e2", "u-2", "198.51.100.7", ofMinutes(2));
        harness.fail("e3", "u-3", "198.51.100.7", ofMinutes(4));
        harness.fail("e4", "u-4", "198.51.100.7", ofMinutes(5).plus(ofMillis(1)));

        assertThat(stuffing(harness.flush())).isEmpty();
    }

    @Test
    void shouldRaiseAgainForASecondEpisodeAfterAQuietWindow() {
        for (int i = 1; i <= 5; i++) {
            harness.fail("a" + i, "u-" + i, "198.51.100.7", ofSeconds(10L * i));
        }
        for (int i = 1; i <= 4; i++) {
            harness.fail("b" + i, "v-" + i, "198.51.100.7", ofMinutes(20).plusSeconds(i));
        }

        assertThat(stuffing(harness.flush())).extracting(SecurityAlert::getTriggeringEventIds)
                .containsExactly(List.of("a1", "a2", "a3", "a4"), List.of("b1", "b2", "b3", "b4"));
    }

    @Test
    void shouldTellManyAddressesAndManyUsersApart() {
        // Ten attacking addresses with five victims each, interleaved; ten quiet addresses with three.
        int id = 0;
        for (int victim = 0; victim < 5; victim++) {
            for (int ip = 0; ip < 20; ip++) {
                if (ip >= 10 && victim >= 3) {
                    continue;
                }
                harness.fail("e" + id++, "user-" + ip + "-" + victim, "203.0.113." + ip, ofSeconds(victim * 20L + ip));
            }
        }

        final List<SecurityAlert> alerts = stuffing(harness.flush());

        assertThat(alerts).extracting(SecurityAlert::getSourceIp).containsExactlyInAnyOrder(
                "203.0.113.0", "203.0.113.1", "203.0.113.2", "203.0.113.3", "203.0.113.4",
                "203.0.113.5", "203.0.113.6", "203.0.113.7", "203.0.113.8", "203.0.113.9");
        assertThat(alerts).allSatisfy(alert -> assertThat(alert.getUserIds()).hasSize(4)
                .allSatisfy(user -> assertThat(user).startsWith("user-" + alert.getSourceIp().substring("203.0.113.".length()) + "-")));
    }

    @Test
    void shouldForgetIdleAddresses() {
        harness.fail("e1", "u-1", "198.51.100.7", ofMinutes(0));
        final KeyValueStore<String, IpState> episodes = harness.fixture.driver.getKeyValueStore(Names.IP_EPISODES_STORE);
        // A minute later the watermarks have passed the failure, not the window.
        harness.succeed("s1", "u-2", "10.0.0.2", ofMinutes(1));
        assertThat(episodes.get("198.51.100.7")).as("released, not yet expired").isNotNull();

        // Expiry runs on the stream-time schedule; a flush moves stream time past it.
        harness.flush();
        assertThat(episodes.get("198.51.100.7")).isNull();
    }
}
