package dev.lookout.topology.detect;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.lookout.events.AuthEvent;
import dev.lookout.topology.Names;
import dev.lookout.topology.TopologyFixture;
import dev.lookout.topology.reference.AuthTraffic;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.streams.TestOutputTopic;
import org.junit.jupiter.api.Test;

/** State can be rebuilt by replay: the same input from scratch gives byte-identical alerts. */
class ReplayTest {

    private static List<byte[]> run(final List<AuthEvent> arrivals) {
        try (DetectionHarness harness = new DetectionHarness(TopologyFixture.testSettings())) {
            final TestOutputTopic<byte[], byte[]> raw = harness.fixture.driver.createOutputTopic(Names.SECURITY_ALERTS,
                    new ByteArrayDeserializer(), new ByteArrayDeserializer());
            arrivals.forEach(harness::send);
            final List<byte[]> alerts = new ArrayList<>();
            raw.readValuesToList().forEach(alerts::add);
            return alerts;
        }
    }

    @Test
    void shouldWriteByteIdenticalAlertsWhenReplayedFromScratch() {
        final List<AuthEvent> arrivals = new ArrayList<>(AuthTraffic.arrivals(
                AuthTraffic.Shape.mixed(7, 20_000, TopologyFixture.T0)));
        final AuthEvent last = arrivals.get(arrivals.size() - 1);
        arrivals.add(new AuthEvent("flush", "flush-user", last.getOccurredAt().plus(Duration.ofDays(1)), "192.0.2.1",
                last.getPayload()));

        final List<byte[]> first = run(arrivals);
        final List<byte[]> second = run(arrivals);

        assertThat(first).hasSizeGreaterThan(10);
        assertThat(second).hasSameSizeAs(first);
        for (int i = 0; i < first.size(); i++) {
            assertThat(second.get(i)).as("alert %d", i).isEqualTo(first.get(i));
        }
    }
}
