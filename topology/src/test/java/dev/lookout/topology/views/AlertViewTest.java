package dev.lookout.topology.views;

import static dev.lookout.topology.TopologyFixture.T0;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import dev.lookout.events.AlertKind;
import dev.lookout.events.SecurityAlert;
import dev.lookout.topology.Keys;
import dev.lookout.topology.Names;
import dev.lookout.topology.TopologyFixture;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The alert views, fed straight from {@code security-alerts}: per user, and the newest of the task. */
class AlertViewTest {

    private final TopologyFixture fixture = new TopologyFixture(TopologyFixture.testSettings().toBuilder()
            .alertRetention(Duration.ofDays(1)).recentAlerts(3).build());
    private final TestInputTopic<String, SecurityAlert> alerts = fixture.driver.createInputTopic(
            Names.SECURITY_ALERTS, new StringSerializer(), fixture.serdes.securityAlerts().serializer());

    @AfterEach
    void close() {
        fixture.close();
    }

    private static SecurityAlert alert(final String id, final String userId, final Instant at) {
        return SecurityAlert.newBuilder().setAlertId(id).setKind(AlertKind.REPEATED_LOGIN_FAILURE).setUserId(userId)
                .setSourceIp("10.0.0.1").setFailureCount(3).setFirstEventAt(at.minusSeconds(60)).setLastEventAt(at)
                .setDetectedAt(at).setSourceIps(List.of("10.0.0.1")).setTriggeringEventIds(List.of(id + "-f"))
                .setUserIds(List.of(userId == null ? "u-x" : userId)).build();
    }

    private void send(final SecurityAlert alert) {
        alerts.pipeInput(alert.getUserId() == null ? alert.getSourceIp() : alert.getUserId(), alert,
                alert.getDetectedAt());
    }

    private List<String> alertsOf(final String userId) {
        final KeyValueStore<Bytes, SecurityAlert> byUser = fixture.driver.getKeyValueStore(Names.ALERTS_BY_USER_STORE);
        final Bytes user = Keys.entity(userId);
        final List<String> ids = new ArrayList<>();
        try (KeyValueIterator<Bytes, SecurityAlert> range = byUser.range(user, Keys.entityEnd(user))) {
            range.forEachRemaining(entry -> ids.add(entry.value.getAlertId()));
        }
        return ids;
    }

    private List<String> recent() {
        final KeyValueStore<Bytes, SecurityAlert> newest = fixture.driver.getKeyValueStore(Names.RECENT_ALERTS_STORE);
        final List<String> ids = new ArrayList<>();
        try (KeyValueIterator<Bytes, SecurityAlert> all = newest.all()) {
            all.forEachRemaining(entry -> ids.add(entry.value.getAlertId()));
        }
        return ids;
    }

    @Test
    void shouldKeepEachUsersAlertsNewestFirst() {
        send(alert("a-1", "u-1", T0));
        send(alert("a-2", "u-2", T0.plusSeconds(10)));
        send(alert("a-3", "u-1", T0.plusSeconds(20)));
        // An out-of-order alert takes its place by detection time.
        send(alert("a-0", "u-1", T0.minusSeconds(5)));

        assertThat(alertsOf("u-1")).containsExactly("a-3", "a-1", "a-0");
        assertThat(alertsOf("u-2")).containsExactly("a-2");
        assertThat(alertsOf("u-10")).as("no prefix of another user's id").isEmpty();
    }

    @Test
    void shouldKeepAnAddressAlertOnlyAmongTheNewest() {
        send(alert("stuffing", null, T0));

        assertThat(recent()).containsExactly("stuffing");
    }

    @Test
    void shouldDeleteAlertsOnceTheyAreOlderThanTheRetentionOfStreamTime() {
        send(alert("a-1", "u-1", T0));
        send(alert("a-2", "u-1", T0.plus(Duration.ofHours(20))));
        assertThat(alertsOf("u-1")).containsExactly("a-2", "a-1");

        send(alert("a-3", "u-2", T0.plus(Duration.ofDays(2))));

        assertThat(alertsOf("u-1")).as("a day of retention, two days on").isEmpty();
        assertThat(alertsOf("u-2")).containsExactly("a-3");
    }

    @Test
    void shouldCountEachAlertAsAChangeOfTheListedStores() {
        send(alert("a-1", "u-1", T0));
        send(alert("stuffing", null, T0.plusSeconds(1)));

        assertThat(fixture.viewChanges.count()).isEqualTo(2);
    }

    @Test
    void shouldKeepOnlyTheNewestAlertsOfTheTask() {
        for (int i = 0; i < 5; i++) {
            send(alert("a-" + i, "u-" + i, T0.plusSeconds(i)));
        }

        assertThat(recent()).containsExactly("a-4", "a-3", "a-2");
    }
}
