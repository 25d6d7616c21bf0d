package dev.lookout.topology.detect;

import static dev.lookout.topology.TopologyFixture.T0;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;

import dev.lookout.events.AlertKind;
import dev.lookout.events.SecurityAlert;
import dev.lookout.internal.AuthEnvelope;
import dev.lookout.internal.IpFeed;
import dev.lookout.internal.Origin;
import dev.lookout.topology.Events;
import dev.lookout.topology.Names;
import dev.lookout.topology.TopologyFixture;
import dev.lookout.topology.deadletter.DeadLetterHeaders;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The credential-stuffing detector with two auth-events partitions running far apart: it waits
 * for the slower partition, so the order is exact; an idle partition stops holding it back, and a
 * failure it sends afterwards, behind the watermark, is a dead letter. Records are fed into the
 * {@code failures-by-ip} repartition directly, as two login detectors would send them.
 */
class StuffingWatermarkTest {

    private static final String IP = "198.51.100.7";
    private final TopologyFixture fixture = new TopologyFixture(TopologyFixture.testSettings().toBuilder()
            .partitions(2).build());
    private final TestInputTopic<String, IpFeed> feed = fixture.driver.createInputTopic(
            "lookout-test-" + Names.FAILURES_BY_IP_REPARTITION + "-repartition", new StringSerializer(),
            fixture.serdes.internal(IpFeed.class).serializer());

    @AfterEach
    void close() {
        fixture.close();
    }

    private void failure(final int source, final String eventId, final String user, final long second) {
        final var event = Events.failed(eventId, user, IP, T0.plusSeconds(second));
        feed.pipeInput(IP, new IpFeed(source, T0.plusSeconds(second).toEpochMilli(), false,
                new AuthEnvelope(event, new Origin(Names.AUTH_EVENTS, source, second, 0L))),
                T0.plusSeconds(second));
    }

    private void progress(final int source, final long second, final boolean idle) {
        feed.pipeInput(LoginDetector.MARKER_KEY, new IpFeed(source, T0.plusSeconds(second).toEpochMilli(), idle, null),
                T0.plusSeconds(second));
    }

    private List<SecurityAlert> stuffing() {
        return fixture.drainAlerts().stream().filter(a -> a.getKind() == AlertKind.CREDENTIAL_STUFFING).toList();
    }

    @Test
    void shouldWaitForTheSlowerPartitionAndKeepTheExactOrder() {
        failure(0, "e10", "u-1", 10);
        failure(0, "e20", "u-2", 20);
        progress(0, 60, false);
        assertThat(stuffing()).as("partition 1 has not reported yet").isEmpty();

        failure(1, "e15", "u-3", 15);
        failure(1, "e25", "u-4", 25);
        assertThat(stuffing()).as("partition 1 has only come to 25 s").isEmpty();
        progress(1, 60, false);

        assertThat(stuffing()).singleElement().satisfies(alert -> {
            assertThat(alert.getTriggeringEventIds()).containsExactly("e10", "e15", "e20", "e25");
            assertThat(alert.getUserIds()).containsExactly("u-1", "u-3", "u-2", "u-4");
            assertThat(alert.getDetectedAt()).isEqualTo(T0.plusSeconds(25));
        });
    }

    @Test
    void shouldNotWaitForAnIdlePartitionAndDeadLetterWhatItSendsTooLate() {
        progress(0, 100, true);
        for (int i = 1; i <= 4; i++) {
            failure(1, "e" + i, "u-" + i, 200 + i);
        }
        progress(1, 300, false);

        assertThat(stuffing()).hasSize(1);

        failure(0, "late", "u-9", 150);

        assertThat(fixture.drainDeadLetters()).singleElement().satisfies(letter -> {
            assertThat(DeadLetterHeaders.text(letter.headers(), DeadLetterHeaders.REASON)).isEqualTo("late");
            assertThat(DeadLetterHeaders.text(letter.headers(), DeadLetterHeaders.STAGE)).isEqualTo(Names.STUFFING_DETECTOR);
            assertThat(DeadLetterHeaders.text(letter.headers(), DeadLetterHeaders.ORIGIN_TOPIC)).isEqualTo(Names.AUTH_EVENTS);
        });
    }

    @Test
    void theLoginDetectorMarksItsPartitionIdleOnceNothingHasArrivedForTheIdleTimeout() {
        fixture.authEvents.pipeInput("u-1", Events.succeeded("s1", "u-1", "10.0.0.1", T0));
        final var markers = fixture.driver.createOutputTopic("lookout-test-" + Names.FAILURES_BY_IP_REPARTITION
                + "-repartition", new org.apache.kafka.common.serialization.StringDeserializer(),
                fixture.serdes.internal(IpFeed.class).deserializer());
        markers.readValuesToList();

        fixture.driver.advanceWallClockTime(fixture.settings.sourceIdleTimeout().minusSeconds(2));
        assertThat(markers.readValuesToList()).noneSatisfy(marker -> assertThat(marker.getIdle()).isTrue());
        fixture.driver.advanceWallClockTime(Duration.ofSeconds(3));

        assertThat(markers.readValuesToList()).singleElement().satisfies(marker -> {
            assertThat(marker.getIdle()).isTrue();
            assertThat(marker.getSourcePartition()).isZero();
            assertThat(marker.getFailure()).isNull();
            assertThat(marker.getWatermark()).as("past the newest event, all of it released")
                    .isEqualTo(T0.toEpochMilli() + 1);
        });
    }

    @Test
    void theLoginDetectorsProgressAloneReleasesAnAttackItSentNoLaterFailureFor() {
        // Partition 1 has come far; partition 0 (this driver's auth-events) sends the whole attack.
        progress(1, 3_600, false);
        for (int i = 1; i <= 4; i++) {
            fixture.authEvents.pipeInput("u-" + i, Events.failed("a" + i, "u-" + i, IP, T0.plusSeconds(i)));
        }
        assertThat(stuffing()).as("still inside the grace").isEmpty();

        // Successes only: nothing more reaches the stuffing detector but partition 0's progress markers.
        fixture.authEvents.pipeInput("u-9", Events.succeeded("s1", "u-9", "10.0.0.9", T0.plusSeconds(40)));
        fixture.authEvents.pipeInput("u-9", Events.succeeded("s2", "u-9", "10.0.0.9", T0.plusSeconds(60)));

        assertThat(stuffing()).singleElement().satisfies(alert ->
                assertThat(alert.getTriggeringEventIds()).containsExactly("a1", "a2", "a3", "a4"));
    }

    @Test
    void theFirstEventOfALoginDetectorSendsAProgressMarker() {
        final var markers = fixture.driver.createOutputTopic("lookout-test-" + Names.FAILURES_BY_IP_REPARTITION
                + "-repartition", new org.apache.kafka.common.serialization.StringDeserializer(),
                fixture.serdes.internal(IpFeed.class).deserializer());
        fixture.authEvents.pipeInput("u-1", Events.succeeded("s1", "u-1", "10.0.0.1", T0));

        assertThat(markers.readKeyValuesToList()).singleElement().satisfies(marker -> {
            assertThat(marker.key).isEqualTo(LoginDetector.MARKER_KEY);
            assertThat(marker.value.getWatermark()).isEqualTo(T0.minusSeconds(30).toEpochMilli());
            assertThat(marker.value.getIdle()).isFalse();
        });
    }
}
