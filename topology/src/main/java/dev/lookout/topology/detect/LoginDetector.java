package dev.lookout.topology.detect;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.lookout.events.AuthEvent;
import dev.lookout.events.LoginFailed;
import dev.lookout.internal.AuthEnvelope;
import dev.lookout.internal.IpFeed;
import dev.lookout.internal.LoginState;
import dev.lookout.topology.Emitted;
import dev.lookout.topology.LookoutCounters;
import dev.lookout.topology.Names;
import dev.lookout.topology.Origins;
import dev.lookout.topology.TopologySettings;
import dev.lookout.topology.deadletter.Reasons;
import dev.lookout.topology.deadletter.Redelivery;
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
 * {@link ReorderBuffer} at the watermark of this partition's {@link EventClock}. Forwards alerts
 * (keyed by user) and, for the credential-stuffing detector, every released failure (keyed by
 * source address) plus progress markers (to every partition) saying how far this partition has
 * released — see {@link SourceWatermarks}.
 *
 * <p>The Processor API, because the DSL's sliding windows cannot express episodes: a windowed
 * count raises a result for every window over the threshold, not one per episode, and cannot
 * re-arm on a success. State per user is not kept when it acts as none (nothing pending, see
 * {@link LoginEpisodes#isInert}) and expires on a stream-time schedule once it can no longer
 * change an outcome.
 */
public final class LoginDetector implements Processor<String, AuthEvent, String, Emitted> {

    /** Key of progress markers; the partitioner sends them to every partition. */
    static final String MARKER_KEY = "*";
    /** How far the watermark moves between two progress markers. */
    private static final long MARKER_STEP_MS = 1_000;

    private final TopologySettings settings;
    private final LoginEpisodes.Rules rules;
    private ProcessorContext<String, Emitted> context;
    private ReorderBuffer buffer;
    private EventClock clock;
    private KeyValueStore<String, LoginState> episodes;
    private LookoutCounters counters;
    private int source;
    private long markedWatermark = EventClock.NONE;
    /** Wall-clock time of the last event that reached this task. */
    private long lastArrivalMs;
    /** Nothing has arrived for the idle timeout, and everything held was released. */
    private boolean quiet;

    public LoginDetector(final TopologySettings settings) {
        this.settings = settings;
        this.rules = new LoginEpisodes.Rules(settings.failureThreshold(), settings.failureWindow().toMillis(),
                settings.takeoverWindow().toMillis());
    }

    @Override
    public void init(final ProcessorContext<String, Emitted> context) {
        this.context = context;
        this.buffer = new ReorderBuffer(context.getStateStore(Names.LOGIN_BUFFER_STORE));
        this.clock = new EventClock(context.getStateStore(Names.LOGIN_CLOCK_STORE), settings.grace().toMillis(),
                buffer.newestTime());
        this.episodes = context.getStateStore(Names.LOGIN_EPISODES_STORE);
        this.counters = LookoutCounters.from(context.appConfigs());
        this.source = context.taskId().partition();
        // A restarted task counts the idle timeout from its start: what it holds is released then.
        this.lastArrivalMs = context.currentSystemTimeMs();
        final long expiry = Math.max(rules.windowMs(), rules.takeoverMs());
        context.schedule(Duration.ofMillis(expiry), PunctuationType.STREAM_TIME, ignored -> expireIdleUsers());
        context.schedule(idleTick(settings.sourceIdleTimeout()), PunctuationType.WALL_CLOCK_TIME, this::checkQuiet);
    }

    /** How often quietness is checked: a tenth of the idle timeout, between 100 ms and a second. */
    static Duration idleTick(final Duration idleTimeout) {
        final Duration tenth = idleTimeout.dividedBy(10);
        if (tenth.compareTo(Duration.ofMillis(100)) < 0) {
            return Duration.ofMillis(100);
        }
        return tenth.compareTo(Duration.ofSeconds(1)) > 0 ? Duration.ofSeconds(1) : tenth;
    }

    @Override
    public void process(final Record<String, AuthEvent> record) {
        if (Redelivery.skips(record.headers(), Names.LOGIN_DETECTOR)) {
            return;
        }
        final AuthEvent event = record.value();
        final long at = event.getOccurredAt().toEpochMilli();
        if (clock.isLate(at)) {
            throw new RejectedRecordException(Names.LOGIN_DETECTOR, Reasons.LATE,
                    "event " + event.getEventId() + " is older than the detector's watermark " + clock.watermark());
        }
        lastArrivalMs = context.currentSystemTimeMs();
        buffer.add(new AuthEnvelope(event, Origins.of(context, record)));
        clock.observe(at);
        buffer.releaseBefore(clock.watermark(), this::detect);
        final long watermark = clock.watermark();
        // NONE is Long.MIN_VALUE: subtracting it would overflow, so the first marker is tested apart.
        if (quiet || markedWatermark == EventClock.NONE || watermark - markedWatermark >= MARKER_STEP_MS) {
            quiet = false;
            mark(watermark, false);
        }
    }

    private void detect(final AuthEnvelope envelope) {
        final AuthEvent event = envelope.getEvent();
        final long at = event.getOccurredAt().toEpochMilli();
        final String userId = event.getUserId();
        final LoginState stored = episodes.get(userId);
        final LoginEpisodes.Outcome outcome = LoginEpisodes.apply(stored, event, rules);
        // Most events are successes of users with nothing pending: they leave no state to keep.
        if (!LoginEpisodes.isInert(outcome.state(), at, rules)) {
            episodes.put(userId, outcome.state());
        } else if (stored != null) {
            episodes.put(userId, null); // a delete that does not read back the old value
        }
        if (outcome.alert() != null) {
            counters.increment(LookoutCounters.Kind.ALERTS, outcome.alert().getKind().name());
            context.forward(new Record<>(userId, new Emitted.Alert(outcome.alert()), at));
        }
        if (event.getPayload() instanceof LoginFailed) {
            // Released in order: once this one is sent, every failure before its time has been sent.
            context.forward(new Record<>(event.getSourceIp(),
                    new Emitted.ToStuffing(new IpFeed(source, at, false, envelope)), at));
        }
    }

    /** Tells every stuffing partition how far this partition has released. */
    private void mark(final long watermark, final boolean quiet) {
        markedWatermark = watermark;
        // A partition that has never seen an event has no stream time (-1) either; a record needs a
        // timestamp of 0 or more, and the stuffing detector reads the watermark from the value.
        final long timestamp = Math.max(0, watermark == EventClock.NONE ? context.currentStreamTimeMs() : watermark);
        context.forward(new Record<>(MARKER_KEY, new Emitted.ToStuffing(new IpFeed(source, watermark, quiet, null)),
                timestamp));
    }

    /**
     * The quiet release: once nothing has arrived for the idle timeout of wall-clock time, the
     * partition releases everything it holds as if the grace had passed, its watermark moves past
     * its newest event time, and it tells the stuffing detector not to wait for it. An alert whose
     * crossing event was the last one then comes out without waiting for unrelated traffic.
     */
    private void checkQuiet(final long now) {
        if (!quiet && now - lastArrivalMs >= settings.sourceIdleTimeout().toMillis()) {
            quiet = true;
            final long watermark = clock.releaseAll();
            buffer.releaseBefore(watermark == EventClock.NONE ? Long.MIN_VALUE : watermark, this::detect);
            mark(watermark, true);
        }
    }

    private void expireIdleUsers() {
        final long watermark = clock.watermark();
        final List<String> expired = new ArrayList<>();
        try (KeyValueIterator<String, LoginState> all = episodes.all()) {
            while (all.hasNext()) {
                final KeyValue<String, LoginState> entry = all.next();
                if (LoginEpisodes.isExpired(entry.value, watermark, rules)) {
                    expired.add(entry.key);
                }
            }
        }
        expired.forEach(episodes::delete);
    }
}
