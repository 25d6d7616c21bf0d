package dev.lookout.topology.detect;

import java.time.Duration;

import dev.lookout.events.SecurityAlert;
import dev.lookout.topology.EventSerdes;
import dev.lookout.topology.Names;
import dev.lookout.topology.StateStores;
import dev.lookout.topology.Topics;
import dev.lookout.topology.TopologySettings;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.state.Stores;

/**
 * The queryable alert views.
 *
 * <ul>
 *   <li>Input: {@code security-alerts}, read back — alerts come from two sub-topologies (per user
 *       and per address), and only the topic sees them all.</li>
 *   <li>Stores: {@code alerts-by-user}, a window store keyed by user at detection time with
 *       retention {@code alertRetention} (duplicates retained: two alerts may share a
 *       millisecond); {@code recent-alerts}, the newest {@code recentAlerts} of the task, keyed
 *       newest first (in memory, changelogged).</li>
 * </ul>
 */
public final class AlertViewFeature {

    private final TopologySettings settings;
    private final EventSerdes serdes;
    private final Topics topics;

    public AlertViewFeature(final TopologySettings settings, final EventSerdes serdes, final Topics topics) {
        this.settings = settings;
        this.serdes = serdes;
        this.topics = topics;
    }

    public void addTo(final StreamsBuilder builder) {
        builder.addStateStore(Stores.windowStoreBuilder(
                Stores.persistentWindowStore(Names.ALERTS_BY_USER_STORE, settings.alertRetention(), Duration.ofMillis(1),
                        true),
                Serdes.String(), serdes.securityAlerts()));
        builder.addStateStore(StateStores.newest(Names.RECENT_ALERTS_STORE, serdes.securityAlerts()));
        builder.stream(topics.securityAlerts().name(), topics.securityAlerts().consumed(Names.ALERTS_SOURCE))
                .process(() -> new AlertViewProcessor(settings.recentAlerts()), Named.as(Names.ALERT_VIEW),
                        Names.ALERTS_BY_USER_STORE, Names.RECENT_ALERTS_STORE);
    }
}
