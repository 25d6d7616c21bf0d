package dev.lookout.topology.detect;

import java.util.Map;

import dev.lookout.events.AuthEvent;
import dev.lookout.internal.AuthEnvelope;
import dev.lookout.internal.IpFeed;
import dev.lookout.internal.LoginState;
import dev.lookout.topology.Emitted;
import dev.lookout.topology.EventSerdes;
import dev.lookout.topology.Names;
import dev.lookout.topology.StateStores;
import dev.lookout.topology.Topics;
import dev.lookout.topology.TopologySettings;
import dev.lookout.topology.ingest.EventShape;
import dev.lookout.topology.ingest.Ingest;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Repartitioned;

/**
 * The per-user login patterns: {@code REPEATED_LOGIN_FAILURE} and {@code FAILURES_THEN_SUCCESS}.
 *
 * <ul>
 *   <li>Input: {@code auth-events} (keyed by {@code user_id}) through {@link Ingest}, with
 *       lateness: older than the grace behind the partition's newest event → dead letter
 *       {@code late}.</li>
 *   <li>Time: event time. Events wait in {@code login-buffer} (in memory, changelogged) until the
 *       watermark (newest event time − grace) passes them, then run through {@link LoginEpisodes}
 *       in order. The newest event time is the newest buffered one; {@code login-clock} gets it at
 *       most once per second of event time (see {@link EventClock}). Window W and takeover window
 *       T are settings.</li>
 *   <li>Progress: every second of watermark, a marker to every stuffing partition.</li>
 *   <li>Quiet release: when nothing has arrived for {@code sourceIdleTimeout} of wall-clock time,
 *       everything buffered is released, the watermark moves past the newest event time, and a
 *       marker tells the stuffing detector not to wait for this partition.</li>
 *   <li>Stores: {@code login-episodes}, per-user state, dropped max(W, T) after the user's last
 *       event.</li>
 *   <li>Outputs: alerts to {@code security-alerts} keyed by user; failures re-keyed by source
 *       address, and the markers, through the {@code failures-by-ip} repartition (returned).</li>
 * </ul>
 */
public final class LoginDetectionFeature {

    private final TopologySettings settings;
    private final EventSerdes serdes;
    private final Topics topics;

    public LoginDetectionFeature(final TopologySettings settings, final EventSerdes serdes, final Topics topics) {
        this.settings = settings;
        this.serdes = serdes;
        this.topics = topics;
    }

    /** Adds the detector; returns failed logins partitioned by source address, with progress markers. */
    public KStream<String, IpFeed> addTo(final StreamsBuilder builder) {
        builder.addStateStore(StateStores.queue(Names.LOGIN_BUFFER_STORE, serdes.internal(AuthEnvelope.class)));
        builder.addStateStore(StateStores.clock(Names.LOGIN_CLOCK_STORE));
        builder.addStateStore(StateStores.detectorState(Names.LOGIN_EPISODES_STORE, Serdes.String(), serdes.internal(LoginState.class)));

        final KStream<String, AuthEvent> events = Ingest.read(builder, topics.authEvents(), EventShape.AUTH,
                new Ingest.Steps(Names.AUTH_EVENTS_SOURCE, Names.AUTH_EVENTS_GUARD, Names.AUTH_EVENTS_DEDUP,
                        Names.AUTH_EVENTS_CLOCK_STORE, Names.AUTH_EVENT_IDS_STORE), settings);
        final Map<String, KStream<String, Emitted>> outputs = events
                .process(() -> new LoginDetector(settings), Named.as(Names.LOGIN_DETECTOR),
                        Names.LOGIN_BUFFER_STORE, Names.LOGIN_CLOCK_STORE, Names.LOGIN_EPISODES_STORE)
                .split(Named.as(Names.LOGIN_DETECTOR_BRANCH))
                .branch((key, emitted) -> emitted instanceof Emitted.Alert, Branched.as(Names.BRANCH_ALERTS))
                .defaultBranch(Branched.as(Names.BRANCH_FAILURES));
        Alerts.sink(outputs.get(Names.LOGIN_DETECTOR_BRANCH + Names.BRANCH_ALERTS), Names.LOGIN_DETECTOR_BRANCH, topics);
        // Credential stuffing counts users per address, so failures must be partitioned by address;
        // progress markers go to every partition (IpFeedPartitioner).
        return outputs.get(Names.LOGIN_DETECTOR_BRANCH + Names.BRANCH_FAILURES)
                .mapValues(emitted -> ((Emitted.ToStuffing) emitted).feed(),
                        Named.as(Names.unwrap(Names.LOGIN_DETECTOR_BRANCH, Names.BRANCH_FAILURES)))
                .repartition(Repartitioned.<String, IpFeed>as(Names.FAILURES_BY_IP_REPARTITION)
                        .withKeySerde(Serdes.String())
                        .withValueSerde(serdes.internal(IpFeed.class))
                        .withNumberOfPartitions(settings.partitions())
                        .withStreamPartitioner(new IpFeedPartitioner()));
    }
}
