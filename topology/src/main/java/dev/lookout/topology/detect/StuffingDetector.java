package dev.lookout.topology.detect;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.lookout.events.AuthEvent;
import dev.lookout.internal.AuthEnvelope;
import dev.lookout.internal.IpFeed;
import dev.lookout.internal.IpState;
import dev.lookout.topology.Emitted;
import dev.lookout.topology.LookoutCounters;
import dev.lookout.topology.Names;
import dev.lookout.topology.TopologySettings;
import dev.lookout.topology.deadletter.DeadLetters;
import dev.lookout.topology.deadletter.Reasons;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Runs {@link IpEpisodes} per source address over the failures the login detectors released,
 * re-keyed by address. They come from every auth-events partition, at different speeds, so they
 * wait in a {@link ReorderBuffer} until the slowest partition's progress ({@link SourceWatermarks})
 * passes them: the order is then exact however far apart the partitions run. A failure older than
 * that — from a partition that had gone idle — becomes a dead letter with reason {@code late}.
 */
public final class StuffingDetector implements Processor<String, IpFeed, String, Emitted> {

    private final TopologySettings settings;
    private final IpEpisodes.Rules rules;
    private final DeadLetters deadLetters;
    private ProcessorContext<String, Emitted> context;
    private ReorderBuffer buffer;
    private SourceWatermarks watermarks;
    private KeyValueStore<String, IpState> episodes;
    private LookoutCounters counters;

    public StuffingDetector(final TopologySettings settings, final DeadLetters deadLetters) {
        this.settings = settings;
        this.rules = new IpEpisodes.Rules(settings.stuffingThreshold(), settings.failureWindow().toMillis());
        this.deadLetters = deadLetters;
    }

    @Override
    public void init(final ProcessorContext<String, Emitted> context) {
        this.context = context;
        this.buffer = new ReorderBuffer(context.getStateStore(Names.IP_BUFFER_STORE));
        this.watermarks = new SourceWatermarks(context.getStateStore(Names.IP_WATERMARKS_STORE), settings.partitions());
        this.episodes = context.getStateStore(Names.IP_EPISODES_STORE);
        this.counters = LookoutCounters.from(context.appConfigs());
        context.schedule(Duration.ofMillis(rules.windowMs()), PunctuationType.STREAM_TIME,
                ignored -> expireIdleAddresses());
    }

    @Override
    public void process(final Record<String, IpFeed> record) {
        final IpFeed feed = record.value();
        final long before = watermarks.watermark();
        watermarks.update(feed.getSourcePartition(), feed.getWatermark(), feed.getIdle());
        final AuthEnvelope failure = feed.getFailure();
        if (failure != null) {
            final AuthEvent event = failure.getEvent();
            if (event.getOccurredAt().toEpochMilli() < before) {
                counters.increment(LookoutCounters.Kind.LATE_EVENTS, Names.STUFFING_DETECTOR);
                DeadLetters.forward(context, counters, deadLetters.of(event, failure.getOrigin(),
                        Names.STUFFING_DETECTOR, Reasons.LATE, "failure " + event.getEventId() + " of partition "
                                + feed.getSourcePartition() + " reached the credential-stuffing detector after its "
                                + "watermark " + before + " (the partition had been idle)"));
                return;
            }
            buffer.add(failure);
        }
        buffer.releaseBefore(watermarks.watermark(), this::detect);
    }

    private void detect(final AuthEnvelope envelope) {
        final AuthEvent event = envelope.getEvent();
        final String ip = event.getSourceIp();
        final IpEpisodes.Outcome outcome = IpEpisodes.apply(episodes.get(ip), event, rules);
        episodes.put(ip, outcome.state());
        if (outcome.alert() != null) {
            counters.increment(LookoutCounters.Kind.ALERTS, outcome.alert().getKind().name());
            context.forward(new Record<>(ip, new Emitted.Alert(outcome.alert()),
                    event.getOccurredAt().toEpochMilli()));
        }
    }

    private void expireIdleAddresses() {
        final long watermark = watermarks.watermark();
        final List<String> expired = new ArrayList<>();
        try (KeyValueIterator<String, IpState> all = episodes.all()) {
            while (all.hasNext()) {
                final KeyValue<String, IpState> entry = all.next();
                if (IpEpisodes.isExpired(entry.value, watermark, rules)) {
                    expired.add(entry.key);
                }
            }
        }
        expired.forEach(episodes::delete);
    }
}
