package dev.lookout.topology.detect;

import java.util.Map;

import dev.lookout.internal.AuthEnvelope;
import dev.lookout.internal.IpFeed;
import dev.lookout.internal.IpState;
import dev.lookout.internal.SourceWatermark;
import dev.lookout.topology.Emitted;
import dev.lookout.topology.EventSerdes;
import dev.lookout.topology.Names;
import dev.lookout.topology.StateStores;
import dev.lookout.topology.Topics;
import dev.lookout.topology.TopologySettings;
import dev.lookout.topology.deadletter.DeadLetters;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;

/**
 * {@code CREDENTIAL_STUFFING}: at least M distinct users failing from one address within W.
 *
 * <ul>
 *   <li>Input: the {@code failures-by-ip} repartition from {@link LoginDetectionFeature}.</li>
 *   <li>Time: event time. Failures wait in {@code ip-buffer} until every auth-events partition's
 *       progress ({@code ip-watermarks}) has passed them, so their order is exact however far
 *       apart the partitions run.</li>
 *   <li>Stores: {@code ip-episodes}, per-address state, dropped W after the last failure.</li>
 *   <li>Outputs: alerts to {@code security-alerts} keyed by address; failures from a partition that
 *       had been idle and arrive behind the watermark to {@code lookout.dlq}.</li>
 * </ul>
 */
public final class StuffingDetectionFeature {

    private final TopologySettings settings;
    private final EventSerdes serdes;
    private final Topics topics;

    public StuffingDetectionFeature(final TopologySettings settings, final EventSerdes serdes, final Topics topics) {
        this.settings = settings;
        this.serdes = serdes;
        this.topics = topics;
    }

    public void addTo(final StreamsBuilder builder, final KStream<String, IpFeed> failuresByIp) {
        builder.addStateStore(StateStores.queue(Names.IP_BUFFER_STORE, serdes.internal(AuthEnvelope.class)));
        builder.addStateStore(StateStores.churning(Names.IP_WATERMARKS_STORE, Serdes.Integer(),
                serdes.internal(SourceWatermark.class)));
        builder.addStateStore(StateStores.detectorState(Names.IP_EPISODES_STORE, Serdes.String(), serdes.internal(IpState.class)));
        final DeadLetters deadLetters = new DeadLetters(topics);
        final Map<String, KStream<String, Emitted>> outputs = failuresByIp
                .process(() -> new StuffingDetector(settings, deadLetters), Named.as(Names.STUFFING_DETECTOR),
                        Names.IP_BUFFER_STORE, Names.IP_WATERMARKS_STORE, Names.IP_EPISODES_STORE)
                .split(Named.as(Names.STUFFING_DETECTOR_BRANCH))
                .branch((key, emitted) -> emitted instanceof Emitted.Dead, Branched.as(Names.BRANCH_DEAD_LETTERS))
                .defaultBranch(Branched.as(Names.BRANCH_ALERTS));
        DeadLetters.sink(outputs.get(Names.STUFFING_DETECTOR_BRANCH + Names.BRANCH_DEAD_LETTERS),
                Names.STUFFING_DETECTOR_BRANCH, topics);
        Alerts.sink(outputs.get(Names.STUFFING_DETECTOR_BRANCH + Names.BRANCH_ALERTS), Names.STUFFING_DETECTOR_BRANCH,
                topics);
    }
}
