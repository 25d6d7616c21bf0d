package dev.lookout.topology.detect;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.lookout.events.AuthEvent;
import dev.lookout.internal.AuthEnvelope;
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
 * Runs {@link IpEpisodes} per source address over the failures the login detector released,
 * re-keyed by address. They come from every user partition, so they are put back in order by a
 * second {@link ReorderBuffer}; a failure older than its watermark (partitions running more than
 * the grace apart) becomes a dead letter with reason {@code late}.
 */
public final class StuffingDetector implements Processor<String, AuthEnvelope, String, Emitted> {

    private final TopologySettings settings;
    private final IpEpisodes.Rules rules;
    private final DeadLetters deadLetters;
    private ProcessorContext<String, Emitted> context;
    private ReorderBuffer buffer;
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
        this.buffer = new ReorderBuffer(context.getStateStore(Names.IP_BUFFER_STORE),
                context.getStateStore(Names.IP_CLOCK_STORE), settings.grace().toMillis());
        this.episodes = context.getStateStore(Names.IP_EPISODES_STORE);
        this.counters = LookoutCounters.from(context.appConfigs());
        context.schedule(Duration.ofMillis(rules.windowMs()), PunctuationType.STREAM_TIME,
                ignored -> expireIdleAddresses());
    }

    @Override
    public void process(final Record<String, AuthEnvelope> record) {
        final AuthEnvelope envelope = record.value();
        final AuthEvent event = envelope.getEvent();
        if (buffer.isLate(event.getOccurredAt().toEpochMilli())) {
            counters.increment(LookoutCounters.Kind.LATE_EVENTS, Names.STUFFING_DETECTOR);
            DeadLetters.forward(context, counters, deadLetters.of(event, envelope.getOrigin(),
                    Names.STUFFING_DETECTOR, Reasons.LATE, "failure " + event.getEventId() + " reached the "
                            + "credential-stuffing detector after its watermark " + buffer.watermark()));
            return;
        }
        buffer.add(envelope);
        buffer.release(this::detect);
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
        final long watermark = buffer.watermark();
        final List<String> idle = new ArrayList<>();
        try (KeyValueIterator<String, IpState> all = episodes.all()) {
            while (all.hasNext()) {
                final KeyValue<String, IpState> entry = all.next();
                if (IpEpisodes.isExpired(entry.value, watermark, rules)) {
                    idle.add(entry.key);
                }
            }
        }
        idle.forEach(episodes::delete);
    }
}
