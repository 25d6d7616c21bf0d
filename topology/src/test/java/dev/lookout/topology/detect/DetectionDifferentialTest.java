package dev.lookout.topology.detect;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import dev.lookout.events.AuthEvent;
import dev.lookout.events.SecurityAlert;
import dev.lookout.topology.LookoutCounters;
import dev.lookout.topology.Names;
import dev.lookout.topology.TopologyFixture;
import dev.lookout.topology.TopologySettings;
import dev.lookout.topology.reference.AuthTraffic;
import dev.lookout.topology.reference.ReferenceDetector;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The topology's alerts equal a brute-force reference's, exactly, on 100k seeded auth events with
 * bursts, stuffing attacks, noise, reordering within the grace, duplicates and late events.
 */
class DetectionDifferentialTest {

    private static final int EVENTS = 100_000;
    private static final Comparator<ReferenceDetector.Alert> BY_ID = Comparator.comparing(ReferenceDetector.Alert::alertId);

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1L, 42L, 2026L})
    void shouldRaiseExactlyTheAlertsOfTheReference(final long seed) {
        final TopologySettings settings = TopologySettings.defaults().toBuilder().partitions(1).build();
        final List<AuthEvent> arrivals = AuthTraffic.arrivals(AuthTraffic.Shape.mixed(seed, EVENTS, TopologyFixture.T0));
        final ReferenceDetector.Result expected = ReferenceDetector.detect(arrivals, new ReferenceDetector.Rules(
                settings.failureThreshold(), settings.failureWindow().toMillis(), settings.takeoverWindow().toMillis(),
                settings.stuffingThreshold(), settings.grace().toMillis()));

        final List<ReferenceDetector.Alert> actual = new ArrayList<>();
        final long deadLetters;
        final long duplicates;
        try (DetectionHarness harness = new DetectionHarness(settings)) {
            arrivals.forEach(harness::send);
            for (final SecurityAlert alert : harness.flush(arrivals.get(arrivals.size() - 1).getOccurredAt()
                    .plus(Duration.ofHours(1)))) {
                actual.add(ReferenceDetector.Alert.of(alert));
            }
            deadLetters = harness.fixture.drainDeadLetters().size();
            duplicates = harness.fixture.counters.get(LookoutCounters.Kind.DUPLICATES, Names.AUTH_EVENTS);
        }

        assertThat(expected.alerts()).as("the traffic must exercise every pattern")
                .extracting(ReferenceDetector.Alert::kind)
                .contains("REPEATED_LOGIN_FAILURE", "FAILURES_THEN_SUCCESS", "CREDENTIAL_STUFFING");
        assertThat(expected.late()).isPositive();
        assertThat(expected.duplicates()).isPositive();
        assertThat(sorted(actual)).isEqualTo(sorted(expected.alerts()));
        assertThat(deadLetters).as("late events").isEqualTo(expected.late());
        assertThat(duplicates).isEqualTo(expected.duplicates());
    }

    private static List<ReferenceDetector.Alert> sorted(final List<ReferenceDetector.Alert> alerts) {
        final List<ReferenceDetector.Alert> copy = new ArrayList<>(alerts);
        copy.sort(BY_ID);
        return copy;
    }
}
