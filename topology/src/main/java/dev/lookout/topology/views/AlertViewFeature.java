package dev.lookout.topology.views;

import dev.lookout.topology.EventSerdes;
import dev.lookout.topology.Names;
import dev.lookout.topology.StateStores;
import dev.lookout.topology.Topics;
import dev.lookout.topology.TopologySettings;
import dev.lookout.topology.ingest.EventTimeExtractor;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Named;

/**
 * The queryable alert views.
 *
 * <ul>
 *   <li>Input: {@code security-alerts}, read back — alerts come from two sub-topologies (per user
 *       and per address), and only the topic sees them all. Its time is each alert's
 *       {@code detected_at}, not the record's timestamp.</li>
 *   <li>Stores: {@code alerts-by-user}, each user's alerts keyed by (user, detection time newest
 *       first, alert id), kept for {@code alertRetention} of stream time: the processor deletes
 *       older ones itself, so the changelog forgets them when the store does; {@code recent-alerts},
 *       the newest {@code recentAlerts} of the task, keyed newest first (in memory,
 *       changelogged).</li>
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
        builder.addStateStore(StateStores.keyValue(Names.ALERTS_BY_USER_STORE, Serdes.Bytes(),
                serdes.securityAlerts()));
        builder.addStateStore(StateStores.newest(Names.RECENT_ALERTS_STORE, serdes.securityAlerts()));
        builder.stream(topics.securityAlerts().name(), topics.securityAlerts().consumed(Names.ALERTS_SOURCE,
                        new EventTimeExtractor()))
                .process(() -> new AlertViewProcessor(settings.recentAlerts(), settings.alertRetention()),
                        Named.as(Names.ALERT_VIEW), Names.ALERTS_BY_USER_STORE, Names.RECENT_ALERTS_STORE);
    }
}
