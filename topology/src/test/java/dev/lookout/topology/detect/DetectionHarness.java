package dev.lookout.topology.detect;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import dev.lookout.events.AuthEvent;
import dev.lookout.events.SecurityAlert;
import dev.lookout.topology.Events;
import dev.lookout.topology.TopologyFixture;
import dev.lookout.topology.TopologySettings;

/** Sends auth events to the topology and flushes the reorder buffers to read the alerts. */
final class DetectionHarness implements AutoCloseable {

    static final String SENTINEL_USER = "sentinel";
    final TopologyFixture fixture;
    private int flushes;

    DetectionHarness(final TopologySettings settings) {
        this.fixture = new TopologyFixture(settings);
    }

    DetectionHarness() {
        this(TopologyFixture.testSettings());
    }

    static Instant at(final Duration sinceT0) {
        return TopologyFixture.T0.plus(sinceT0);
    }

    void send(final AuthEvent event) {
        fixture.authEvents.pipeInput(event.getUserId(), event);
    }

    void fail(final String eventId, final String userId, final String ip, final Duration sinceT0) {
        send(Events.failed(eventId, userId, ip, at(sinceT0)));
    }

    void succeed(final String eventId, final String userId, final String ip, final Duration sinceT0) {
        send(Events.succeeded(eventId, userId, ip, at(sinceT0)));
    }

    /**
     * Moves event time far ahead with two failures of a sentinel user from sentinel addresses: the
     * second releases the first from the login detector, which moves the stuffing detector's clock
     * past everything sent before. Returns the alerts written so far, minus the sentinel's.
     */
    List<SecurityAlert> flush(final Instant after) {
        final Instant base = after.plus(Duration.ofDays(1 + flushes++));
        send(Events.failed("sentinel-" + flushes + "-a", SENTINEL_USER, "192.0.2.254", base));
        send(Events.failed("sentinel-" + flushes + "-b", SENTINEL_USER, "192.0.2.255", base.plus(Duration.ofHours(1))));
        return fixture.drainAlerts().stream()
                .filter(alert -> !SENTINEL_USER.equals(alert.getUserId()))
                .toList();
    }

    List<SecurityAlert> flush() {
        return flush(at(Duration.ofDays(1)));
    }

    @Override
    public void close() {
        fixture.close();
    }
}
