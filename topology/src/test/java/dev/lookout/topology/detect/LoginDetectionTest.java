package dev.lookout.topology.detect;

import static java.time.Duration.ofMillis;
import static java.time.Duration.ofMinutes;
import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import dev.lookout.events.AlertKind;
import dev.lookout.events.SecurityAlert;
import dev.lookout.internal.LoginState;
import dev.lookout.topology.LookoutCounters;
import dev.lookout.topology.Names;
import dev.lookout.topology.deadletter.DeadLetterHeaders;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** REPEATED_LOGIN_FAILURE and FAILURES_THEN_SUCCESS with N = 3, W = 5 min, T = 10 min, grace 30 s. */
class LoginDetectionTest {

    private final DetectionHarness harness = new DetectionHarness();

    @AfterEach
    void close() {
        harness.close();
    }

    private static List<SecurityAlert> ofKind(final List<SecurityAlert> alerts, final AlertKind kind) {
        return alerts.stream().filter(alert -> alert.getKind() == kind).toList();
    }

    @Test
    void shouldRaiseOneAlertWhenTheThirdFailureArrivesWithinTheWindow() {
        harness.fail("f1", "u-1", "10.0.0.1", ofMinutes(0));
        harness.fail("f2", "u-1", "10.0.0.2", ofMinutes(1));
        harness.fail("f3", "u-1", "10.0.0.1", ofMinutes(2));

        final List<SecurityAlert> alerts = harness.flush();

        assertThat(alerts).singleElement().satisfies(alert -> {
            assertThat(alert.getKind()).isEqualTo(AlertKind.REPEATED_LOGIN_FAILURE);
            assertThat(alert.getUserId()).isEqualTo("u-1");
            assertThat(alert.getFailureCount()).isEqualTo(3);
            assertThat(alert.getFirstEventAt()).isEqualTo(DetectionHarness.at(ofMinutes(0)));
            assertThat(alert.getLastEventAt()).isEqualTo(DetectionHarness.at(ofMinutes(2)));
            assertThat(alert.getDetectedAt()).isEqualTo(DetectionHarness.at(ofMinutes(2)));
            assertThat(alert.getSourceIps()).containsExactly("10.0.0.1", "10.0.0.2");
            assertThat(alert.getTriggeringEventIds()).containsExactly("f1", "f2", "f3");
            assertThat(alert.getAlertId()).isEqualTo(AlertIds.of(AlertKind.REPEATED_LOGIN_FAILURE, "u-1", "f1"));
        });
        assertThat(harness.fixture.counters.get(LookoutCounters.Kind.ALERTS, "REPEATED_LOGIN_FAILURE")).isEqualTo(1);
    }

    @Test
    void shouldRaiseNothingOneBelowTheThreshold() {
        harness.fail("f1", "u-1", "10.0.0.1", ofMinutes(0));
        harness.fail("f2", "u-1", "10.0.0.1", ofMinutes(1));

        assertThat(harness.flush()).isEmpty();
    }

    @Test
    void shouldCountAFailureExactlyAtTheWindowEdgeButNotOneMillisecondPastIt() {
        harness.fail("a1", "u-edge", "10.0.0.1", ofMinutes(0));
        harness.fail("a2", "u-edge", "10.0.0.1", ofMinutes(2));
        harness.fail("a3", "u-edge", "10.0.0.1", ofMinutes(5));
        harness.fail("b1", "u-past", "10.0.0.1", ofMinutes(0));
        harness.fail("b2", "u-past", "10.0.0.1", ofMinutes(2));
        harness.fail("b3", "u-past", "10.0.0.1", ofMinutes(5).plus(ofMillis(1)));

        assertThat(harness.flush()).extracting(SecurityAlert::getUserId).containsExactly("u-edge");
    }

    @Test
    void shouldOrderEventsThatArriveLateWithinTheGrace() {
        harness.fail("f1", "u-1", "10.0.0.1", ofSeconds(0));
        harness.fail("f3", "u-1", "10.0.0.1", ofSeconds(60));
        harness.fail("f2", "u-1", "10.0.0.1", ofSeconds(40));

        assertThat(harness.flush()).singleElement().satisfies(alert -> {
            assertThat(alert.getTriggeringEventIds()).containsExactly("f1", "f2", "f3");
            assertThat(alert.getDetectedAt()).isEqualTo(DetectionHarness.at(ofSeconds(60)));
        });
        assertThat(harness.fixture.drainDeadLetters()).isEmpty();
    }

    @Test
    void shouldLetALateSuccessWithinTheGraceEndTheEpisodeItPrecedes() {
        harness.fail("f1", "u-1", "10.0.0.1", ofSeconds(0));
        harness.fail("f2", "u-1", "10.0.0.1", ofSeconds(40));
        harness.fail("f3", "u-1", "10.0.0.1", ofSeconds(60));
        harness.succeed("s1", "u-1", "10.0.0.1", ofSeconds(50));

        assertThat(harness.flush()).as("in event time the success came before the third failure").isEmpty();
    }

    @Test
    void shouldDeadLetterAFailureLaterThanTheGraceAndNotCountIt() {
        harness.fail("f1", "u-1", "10.0.0.1", ofSeconds(0));
        harness.fail("f2", "u-1", "10.0.0.1", ofSeconds(60));
        harness.fail("f3", "u-1", "10.0.0.1", ofSeconds(20));

        assertThat(harness.flush()).isEmpty();
        assertThat(harness.fixture.drainDeadLetters()).singleElement().satisfies(letter ->
                assertThat(DeadLetterHeaders.text(letter.headers(), DeadLetterHeaders.REASON)).isEqualTo("late"));
    }

    @Test
    void shouldIgnoreDuplicateFailures() {
        harness.fail("f1", "u-1", "10.0.0.1", ofSeconds(0));
        harness.fail("f2", "u-1", "10.0.0.1", ofSeconds(20));
        harness.fail("f2", "u-1", "10.0.0.1", ofSeconds(20));
        harness.fail("f1", "u-1", "10.0.0.1", ofSeconds(0));
        harness.fail("g1", "u-2", "10.0.0.1", ofSeconds(20));
        harness.fail("g1", "u-2", "10.0.0.1", ofSeconds(20));
        harness.fail("g2", "u-2", "10.0.0.1", ofSeconds(25));

        assertThat(harness.flush()).as("two distinct failures each, however often sent").isEmpty();
        assertThat(harness.fixture.counters.get(LookoutCounters.Kind.DUPLICATES, Names.AUTH_EVENTS)).isEqualTo(3);
    }

    @Test
    void shouldIgnoreADuplicateOfTheCrossingFailure() {
        harness.fail("f1", "u-1", "10.0.0.1", ofMinutes(0));
        harness.fail("f2", "u-1", "10.0.0.1", ofMinutes(1));
        harness.fail("f3", "u-1", "10.0.0.1", ofMinutes(2));
        harness.fail("f3", "u-1", "10.0.0.1", ofMinutes(2));

        assertThat(harness.flush()).hasSize(1);
    }

    @Test
    void shouldStayQuietDuringAnEpisodeAndReArmAfterAQuietWindow() {
        harness.fail("f1", "u-1", "10.0.0.1", ofMinutes(0));
        harness.fail("f2", "u-1", "10.0.0.1", ofMinutes(1));
        harness.fail("f3", "u-1", "10.0.0.1", ofMinutes(2));
        harness.fail("f4", "u-1", "10.0.0.1", ofMinutes(6));
        harness.fail("f5", "u-1", "10.0.0.1", ofMinutes(10));
        harness.fail("g1", "u-1", "10.0.0.9", ofMinutes(16));
        harness.fail("g2", "u-1", "10.0.0.9", ofMinutes(17));
        harness.fail("g3", "u-1", "10.0.0.9", ofMinutes(18));

        final List<SecurityAlert> alerts = harness.flush();

        assertThat(alerts).extracting(SecurityAlert::getTriggeringEventIds)
                .containsExactly(List.of("f1", "f2", "f3"), List.of("g1", "g2", "g3"));
        assertThat(alerts.get(0).getAlertId()).isNotEqualTo(alerts.get(1).getAlertId());
    }

    @Test
    void shouldKeepUsersApart() {
        harness.fail("a1", "u-a", "10.0.0.1", ofMinutes(0));
        harness.fail("b1", "u-b", "10.0.0.1", ofMinutes(0));
        harness.fail("a2", "u-a", "10.0.0.1", ofMinutes(1));
        harness.fail("b2", "u-b", "10.0.0.1", ofMinutes(1));
        harness.fail("c1", "u-c", "10.0.0.1", ofMinutes(1));
        harness.fail("a3", "u-a", "10.0.0.1", ofMinutes(2));

        assertThat(harness.flush()).extracting(SecurityAlert::getUserId).containsExactly("u-a");
    }

    @Test
    void shouldResetTheCountOnASuccess() {
        harness.fail("f1", "u-1", "10.0.0.1", ofMinutes(0));
        harness.fail("f2", "u-1", "10.0.0.1", ofMinutes(1));
        harness.succeed("s1", "u-1", "10.0.0.1", ofMinutes(2));
        harness.fail("f3", "u-1", "10.0.0.1", ofMinutes(3));
        harness.fail("f4", "u-1", "10.0.0.1", ofMinutes(4));

        assertThat(harness.flush()).isEmpty();
    }

    @Test
    void shouldRaiseTakeoverOnceWhenASuccessFollowsTheCrossingWithinT() {
        harness.fail("f1", "u-1", "10.0.0.1", ofMinutes(0));
        harness.fail("f2", "u-1", "10.0.0.1", ofMinutes(1));
        harness.fail("f3", "u-1", "10.0.0.1", ofMinutes(2));
        harness.succeed("s1", "u-1", "10.0.0.7", ofMinutes(12));
        harness.succeed("s2", "u-1", "10.0.0.7", ofMinutes(12).plusSeconds(1));

        final List<SecurityAlert> takeovers = ofKind(harness.flush(), AlertKind.FAILURES_THEN_SUCCESS);

        assertThat(takeovers).singleElement().satisfies(alert -> {
            assertThat(alert.getFailureCount()).isEqualTo(3);
            assertThat(alert.getTriggeringEventIds()).containsExactly("f1", "f2", "f3", "s1");
            assertThat(alert.getSourceIps()).containsExactly("10.0.0.1", "10.0.0.7");
            assertThat(alert.getFirstEventAt()).isEqualTo(DetectionHarness.at(ofMinutes(0)));
            assertThat(alert.getDetectedAt()).isEqualTo(DetectionHarness.at(ofMinutes(12)));
            assertThat(alert.getAlertId()).isEqualTo(AlertIds.of(AlertKind.FAILURES_THEN_SUCCESS, "u-1", "f1"));
        });
    }

    @Test
    void shouldNotRaiseTakeoverForASuccessAfterT() {
        harness.fail("f1", "u-1", "10.0.0.1", ofMinutes(0));
        harness.fail("f2", "u-1", "10.0.0.1", ofMinutes(1));
        harness.fail("f3", "u-1", "10.0.0.1", ofMinutes(2));
        harness.succeed("s1", "u-1", "10.0.0.7", ofMinutes(12).plus(ofMillis(1)));

        assertThat(ofKind(harness.flush(), AlertKind.FAILURES_THEN_SUCCESS)).isEmpty();
    }

    @Test
    void shouldStartANewEpisodeAfterASuccess() {
        harness.fail("f1", "u-1", "10.0.0.1", ofMinutes(0));
        harness.fail("f2", "u-1", "10.0.0.1", ofMinutes(1));
        harness.fail("f3", "u-1", "10.0.0.1", ofMinutes(2));
        harness.succeed("s1", "u-1", "10.0.0.1", ofMinutes(3));
        harness.fail("g1", "u-1", "10.0.0.1", ofMinutes(3).plusSeconds(10));
        harness.fail("g2", "u-1", "10.0.0.1", ofMinutes(3).plusSeconds(20));
        harness.fail("g3", "u-1", "10.0.0.1", ofMinutes(3).plusSeconds(30));

        assertThat(harness.flush()).extracting(SecurityAlert::getKind, SecurityAlert::getTriggeringEventIds)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(AlertKind.REPEATED_LOGIN_FAILURE, List.of("f1", "f2", "f3")),
                        org.assertj.core.groups.Tuple.tuple(AlertKind.FAILURES_THEN_SUCCESS, List.of("f1", "f2", "f3", "s1")),
                        org.assertj.core.groups.Tuple.tuple(AlertKind.REPEATED_LOGIN_FAILURE, List.of("g1", "g2", "g3")));
    }

    @Test
    void shouldKeepAlertsQueryablePerUserAndAmongTheNewest() {
        harness.fail("f1", "u-1", "10.0.0.1", ofMinutes(0));
        harness.fail("f2", "u-1", "10.0.0.1", ofMinutes(1));
        harness.fail("f3", "u-1", "10.0.0.1", ofMinutes(2));
        harness.flush();

        final KeyValueStore<Bytes, SecurityAlert> byUser = harness.fixture.driver.getKeyValueStore(Names.ALERTS_BY_USER_STORE);
        try (KeyValueIterator<Bytes, SecurityAlert> all = byUser.all()) {
            final List<String> users = new java.util.ArrayList<>();
            all.forEachRemaining(entry -> users.add(entry.value.getUserId()));
            assertThat(users).contains("u-1");
        }
        final KeyValueStore<Bytes, SecurityAlert> recent = harness.fixture.driver.getKeyValueStore(Names.RECENT_ALERTS_STORE);
        try (KeyValueIterator<Bytes, SecurityAlert> all = recent.all()) {
            final List<String> ids = new java.util.ArrayList<>();
            all.forEachRemaining(entry -> ids.add(entry.value.getAlertId()));
            assertThat(ids).contains(AlertIds.of(AlertKind.REPEATED_LOGIN_FAILURE, "u-1", "f1"));
        }
    }

    @Test
    void shouldKeepNoStateForAUserOnceNothingIsPending() {
        harness.fail("f1", "u-reset", "10.0.0.1", ofMinutes(0));
        harness.succeed("s1", "u-reset", "10.0.0.1", ofMinutes(1));
        harness.fail("g1", "u-crossed", "10.0.0.1", ofMinutes(1).plusSeconds(10));
        harness.fail("g2", "u-crossed", "10.0.0.1", ofMinutes(1).plusSeconds(20));
        harness.fail("g3", "u-crossed", "10.0.0.1", ofMinutes(1).plusSeconds(30));
        // Moves the watermark (newest − 30 s) past everything above.
        harness.succeed("x1", "u-other", "10.0.0.2", ofMinutes(3));
        final KeyValueStore<String, LoginState> episodes = harness.fixture.driver.getKeyValueStore(Names.LOGIN_EPISODES_STORE);

        assertThat(episodes.get("u-reset")).as("the success cleared the count: nothing pending").isNull();
        assertThat(episodes.get("u-crossed")).as("a success within T would still raise a takeover").isNotNull();

        harness.succeed("s2", "u-crossed", "10.0.0.3", ofMinutes(4));
        harness.succeed("x2", "u-other", "10.0.0.2", ofMinutes(5));

        assertThat(episodes.get("u-crossed")).as("the takeover was raised: nothing pending any more").isNull();
        assertThat(episodes.get("u-other")).as("successes alone leave no state").isNull();
        assertThat(ofKind(harness.flush(), AlertKind.FAILURES_THEN_SUCCESS)).extracting(SecurityAlert::getUserId)
                .containsExactly("u-crossed");
    }

    @Test
    void shouldForgetUsersWhoStayIdleLongerThanWindowAndTakeover() {
        harness.fail("f1", "u-idle", "10.0.0.1", ofMinutes(0));
        harness.fail("f2", "u-idle", "10.0.0.1", ofMinutes(1));
        final KeyValueStore<String, LoginState> episodes = harness.fixture.driver.getKeyValueStore(Names.LOGIN_EPISODES_STORE);
        harness.succeed("x1", "u-other", "10.0.0.2", ofMinutes(5));
        assertThat(episodes.get("u-idle")).as("still within max(W, T)").isNotNull();

        // A failure, so that u-other has state to keep: a user with nothing pending has none.
        harness.fail("x2", "u-other", "10.0.0.2", ofMinutes(30));
        harness.succeed("x3", "u-other", "10.0.0.2", ofMinutes(36));

        assertThat(episodes.get("u-idle")).as("expired").isNull();
        try (KeyValueIterator<String, LoginState> all = episodes.all()) {
            final List<String> kept = new java.util.ArrayList<>();
            all.forEachRemaining(entry -> kept.add(entry.key));
            assertThat(kept).containsExactly("u-other");
        }
    }

}
