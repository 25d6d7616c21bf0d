package dev.lookout.topology.detect;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.lookout.events.AuthEvent;
import dev.lookout.events.LoginFailed;
import dev.lookout.internal.AuthEnvelope;
import dev.lookout.internal.LoginState;
import dev.lookout.topology.Emitted;
import dev.lookout.topology.LookoutCounters;
import dev.lookout.topology.Names;
import dev.lookout.topology.Origins;
import dev.lookout.topology.TopologySettings;
import dev.lookout.topology.deadletter.Reasons;
import dev.lookout.topology.deadletter.RejectedRecordException;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Runs {@link LoginEpisodes} per user over auth events released in order by a
 * {@link ReorderBuffer}. Forwards alerts (keyed by user) and every released failure (keyed by
 * source address, for the credential-stuffing detector).
 *
 * <p>The Processor API, because the DSL's sliding windows cannot express episodes: a windowed
 * count raises a result for every window over the threshold, not one per episode, and cannot
 * re-arm on a success. State per user expires on a stream-time schedule once it can no longer
 * change an outcome.
 */
public final class LoginDetector implements Processor<String, AuthEvent, String, Emitted> {

    private final TopologySettings settings;
    private final LoginEpisodes.Rules rules;
    private ProcessorContext<String, Emitted> context;
    private ReorderBuffer buffer;
    private KeyValueStore<String, LoginState> episodes;
    private LookoutCounters counters;

    public LoginDetector(final TopologySettings settings) {
        this.settings = settings;
        this.rules = new LoginEpisodes.Rules(settings.failureThreshold(), settings.failureWindow().toMillis(),
                settings.takeoverWindow().toMillis());
    }

    @Override
    public void init(final ProcessorContext<String, Emitted> context) {
        this.context = context;
        this.buffer = new ReorderBuffer(context.getStateStore(Names.LOGIN_BUFFER_STORE),
                context.getStateStore(Names.LOGIN_CLOCK_STORE), settings.grace().toMillis());
        this.episodes = context.getStateStore(Names.LOGIN_EPISODES_STORE);
        this.counters = LookoutCounters.from(context.appConfigs());
        final long expiry = Math.max(rules.windowMs(), rules.takeoverMs());
        context.schedule(Duration.ofMillis(expiry), PunctuationType.STREAM_TIME, ignored -> expireIdleUsers());
    }

    @Override
    public void process(final Record<String, AuthEvent> record) {
        final AuthEvent event = record.value();
        if (buffer.isLate(event.getOccurredAt().toEpochMilli())) {
            throw new RejectedRecordException(Names.LOGIN_DETECTOR, Reasons.LATE,
                    "event " + event.getEventId() + " is older than the detector's watermark " + buffer.watermark());
        }
        buffer.add(new AuthEnvelope(event, Origins.of(context, record)));
        buffer.release(this::detect);
    }

    private void detect(final AuthEnvelope envelope) {
        final AuthEvent event = envelope.getEvent();
        final long at = event.getOccurredAt().toEpochMilli();
        final String userId = event.getUserId();
        final LoginEpisodes.Outcome outcome = LoginEpisodes.apply(episodes.get(userId), event, rules);
        episodes.put(userId, outcome.state());
        if (outcome.alert() != null) {
            counters.increment(LookoutCounters.Kind.ALERTS, outcome.alert().getKind().name());
            context.forward(new Record<>(userId, new Emitted.Alert(outcome.alert()), at));
        }
        if (event.getPayload() instanceof LoginFailed) {
            context.forward(new Record<>(event.getSourceIp(), new Emitted.Failure(envelope), at));
        }
    }

    private void expireIdleUsers() {
        final long watermark = buffer.watermark();
        final List<String> idle = new ArrayList<>();
        try (KeyValueIterator<String, LoginState> all = episodes.all()) {
            while (all.hasNext()) {
                final KeyValue<String, LoginState> entry = all.next();
                if (LoginEpisodes.isExpired(entry.value, watermark, rules)) {
                    idle.add(entry.key);
                }
            }
        }
        idle.forEach(episodes::delete);
    }
}
