package dev.lookout.app.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import dev.lookout.events.AuthEvent;
import dev.lookout.events.ContentEvent;
import dev.lookout.events.SecurityAlert;
import dev.lookout.events.UserEvent;
import dev.lookout.topology.Names;
import dev.lookout.topology.TopologyFixture;
import org.junit.jupiter.api.Test;

/** The demo's traffic through the real topology: the first second of it already raises alerts. */
class DemoTrafficTest {

    private static final Instant START = Instant.parse("2026-12-03T10:00:00Z");

    @Test
    void theFirstSecondOfTrafficRaisesTheOpeningAttacksAlerts() {
        final DemoTraffic traffic = new DemoTraffic(7, Clock.fixed(START, ZoneOffset.UTC));
        try (TopologyFixture fixture = new TopologyFixture(TopologyFixture.testSettings())) {
            final List<DemoTraffic.Emit> first = traffic.next(50);
            for (final DemoTraffic.Emit emit : first) {
                if (emit.topic().equals(Names.USER_EVENTS)) {
                    fixture.userEvents.pipeInput(emit.key(), (UserEvent) emit.value());
                } else if (emit.topic().equals(Names.CONTENT_EVENTS)) {
                    fixture.contentEvents.pipeInput(emit.key(), (ContentEvent) emit.value());
                } else {
                    fixture.authEvents.pipeInput(emit.key(), (AuthEvent) emit.value());
                }
            }
            // One later login moves the watermark past the attack, as the demo's next second does.
            fixture.authEvents.pipeInput("u-00002", new AuthEvent("later", "u-00002",
                    START.plusSeconds(1), "10.0.0.2", new dev.lookout.events.LoginSucceeded("password")));

            final List<SecurityAlert> alerts = fixture.drainAlerts();
            assertThat(alerts).extracting(alert -> alert.getKind().name() + " " + alert.getUserId())
                    .contains("REPEATED_LOGIN_FAILURE " + DemoTraffic.OPENING_VICTIM,
                            "FAILURES_THEN_SUCCESS " + DemoTraffic.OPENING_VICTIM);
            assertThat(fixture.drainDeadLetters()).as("nothing of the opening is late or refused").isEmpty();
        }
        assertThat(traffic.next(50)).as("the opening comes once")
                .noneMatch(emit -> emit.value() instanceof AuthEvent auth
                        && auth.getSourceIp().equals(DemoTraffic.OPENING_ATTACKER));
    }
}
