package dev.lookout.topology.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import dev.lookout.events.AuthEvent;
import dev.lookout.internal.AuthEnvelope;
import dev.lookout.internal.LoginState;
import dev.lookout.topology.Emitted;
import dev.lookout.topology.Events;
import dev.lookout.topology.MockTaskStores;
import dev.lookout.topology.Names;
import dev.lookout.topology.TopologyFixture;
import dev.lookout.topology.TopologySettings;
import dev.lookout.topology.deadletter.RejectedRecordException;
import dev.lookout.topology.reference.AuthTraffic;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Test;

/**
 * What the login detector keeps in memory (the reorder buffer's index of buffered times, the
 * clock) comes back from its stores: a new processor instance on the same stores, as after a
 * restart or a rebalance, carries on exactly as the old one would have.
 */
class LoginDetectorRestartTest {

    private static final TopologySettings SETTINGS = TopologyFixture.testSettings();

    /** The detector's stores, in memory, outliving the processor instances that use them. */
    private static final class DetectorStores {
        private final MockTaskStores task = new MockTaskStores("restart-test");
        final KeyValueStore<Bytes, AuthEnvelope> buffer = task.add(Names.LOGIN_BUFFER_STORE, Serdes.Bytes(),
                task.serdes("buffer").internal(AuthEnvelope.class));
        final KeyValueStore<String, Long> clock = task.add(Names.LOGIN_CLOCK_STORE, Serdes.String(), Serdes.Long());
        final KeyValueStore<String, LoginState> episodes = task.add(Names.LOGIN_EPISODES_STORE, Serdes.String(),
                task.serdes("episodes").internal(LoginState.class));

        /** A new detector instance on these stores. */
        Instance start() {
            final MockProcessorContext<String, Emitted> context = task.context();
            final LoginDetector detector = new LoginDetector(SETTINGS);
            detector.init(context);
            return new Instance(context, detector);
        }
    }

    /** One processor instance and what it forwarded. */
    private record Instance(MockProcessorContext<String, Emitted> context, LoginDetector detector) {

        void process(final AuthEvent event, final long offset) {
            final long at = event.getOccurredAt().toEpochMilli();
            context.setRecordMetadata(Names.AUTH_EVENTS, 0, offset);
            context.setCurrentStreamTimeMs(Math.max(context.currentStreamTimeMs(), at));
            detector.process(new Record<>(event.getUserId(), event, at));
        }

        /** Runs the wall-clock punctuators as the stream thread would at wall-clock time {@code now}. */
        void tick(final Duration now) {
            context.setCurrentSystemTimeMs(now.toMillis());
            for (final MockProcessorContext.CapturedPunctuator punctuator : context.scheduledPunctuators()) {
                if (punctuator.getType() == PunctuationType.WALL_CLOCK_TIME) {
                    punctuator.getPunctuator().punctuate(now.toMillis());
                }
            }
        }

        /** Alerts and failures for the stuffing detector, in order; progress markers left out. */
        List<String> drain() {
            final List<String> out = new ArrayList<>();
            for (final MockProcessorContext.CapturedForward<? extends String, ? extends Emitted> forward
                    : context.forwarded()) {
                if (forward.record().value() instanceof Emitted.Alert alert) {
                    out.add("alert " + alert.alert());
                } else if (forward.record().value() instanceof Emitted.ToStuffing stuffing
                        && stuffing.feed().getFailure() != null) {
                    out.add("failure " + forward.record().key() + " " + stuffing.feed().getFailure().getEvent()
                            .getEventId() + " at " + forward.record().timestamp());
                }
            }
            context.resetForwards();
            return out;
        }
    }

    /** Runs the events through the detector, starting a new instance on the same stores every {@code every}. */
    private static List<String> run(final List<AuthEvent> events, final int every) {
        final DetectorStores stores = new DetectorStores();
        Instance instance = stores.start();
        final List<String> out = new ArrayList<>();
        for (int i = 0; i < events.size(); i++) {
            if (every > 0 && i > 0 && i % every == 0) {
                instance = stores.start();
            }
            try {
                instance.process(events.get(i), i);
            } catch (final RejectedRecordException late) {
                out.add("late " + events.get(i).getEventId());
            }
            out.addAll(instance.drain());
        }
        return out;
    }

    @Test
    void shouldForwardTheSameAlertsFailuresAndRejectionsWhenRestartedFromItsStores() {
        // Deduplicated, as the detector sees them after ingest; with reordering and late events.
        final Set<String> seen = new HashSet<>();
        final List<AuthEvent> events = new ArrayList<>();
        for (final AuthEvent event : AuthTraffic.arrivals(AuthTraffic.Shape.mixed(11, 20_000, TopologyFixture.T0))) {
            if (seen.add(event.getEventId())) {
                events.add(event);
            }
        }
        final Instant last = events.get(events.size() - 1).getOccurredAt();
        events.add(Events.failed("flush", "flush-user", "192.0.2.1", last.plus(Duration.ofDays(1))));

        final List<String> uninterrupted = run(events, 0);
        final List<String> restarted = run(events, 997);

        assertThat(uninterrupted).anyMatch(line -> line.startsWith("alert "))
                .anyMatch(line -> line.startsWith("late "));
        assertThat(restarted).isEqualTo(uninterrupted);
    }

    @Test
    void aSuccessorReleasesWhatACrashedInstanceHeldOnceThePartitionIsQuiet() {
        final DetectorStores stores = new DetectorStores();
        final Instance crashed = stores.start();
        for (int i = 0; i < 3; i++) {
            crashed.process(Events.failed("f" + i, "u-1", "10.0.0.1", TopologyFixture.T0.plusSeconds(i)), i);
        }
        assertThat(crashed.drain()).as("inside the grace, held").isEmpty();

        final Instance successor = stores.start();
        successor.tick(SETTINGS.sourceIdleTimeout().minusSeconds(1));
        assertThat(successor.drain()).isEmpty();
        successor.tick(SETTINGS.sourceIdleTimeout());
        assertThat(successor.drain()).filteredOn(line -> line.startsWith("alert ")).hasSize(1);
        successor.tick(SETTINGS.sourceIdleTimeout().multipliedBy(3));
        assertThat(successor.drain()).as("released once").isEmpty();
    }

    @Test
    void aQuietReleaseIsNeitherRepeatedNorForgottenByASuccessor() {
        final DetectorStores stores = new DetectorStores();
        final Instance first = stores.start();
        for (int i = 0; i < 3; i++) {
            first.process(Events.failed("f" + i, "u-1", "10.0.0.1", TopologyFixture.T0.plusSeconds(i)), i);
        }
        first.tick(SETTINGS.sourceIdleTimeout());
        assertThat(first.drain()).filteredOn(line -> line.startsWith("alert ")).hasSize(1);

        final Instance successor = stores.start();
        successor.tick(SETTINGS.sourceIdleTimeout());
        assertThat(successor.drain()).as("nothing left to release").isEmpty();
        // Inside the grace of the newest event, but before what was released: late, after the restart too.
        assertThatThrownBy(() -> successor.process(Events.failed("f9", "u-1", "10.0.0.1",
                TopologyFixture.T0.plusSeconds(1)), 3)).isInstanceOf(RejectedRecordException.class);
    }

    @Test
    void shouldJudgeLatenessAgainstTheNewestEventAfterARestart() {
        final DetectorStores stores = new DetectorStores();
        final Instance before = stores.start();
        final Instant t = TopologyFixture.T0;
        before.process(Events.failed("a", "u-1", "10.0.0.1", t), 0);
        // Less than a second later: the clock store may not have it, the reorder buffer does.
        before.process(Events.failed("b", "u-2", "10.0.0.1", t.plusMillis(500)), 1);

        final Instance after = stores.start();
        final Instant edge = t.plusMillis(500).minus(SETTINGS.grace());

        assertThatThrownBy(() -> after.process(Events.failed("c", "u-3", "10.0.0.1", edge.minusMillis(1)), 2))
                .isInstanceOf(RejectedRecordException.class);
        after.process(Events.failed("d", "u-4", "10.0.0.1", edge), 3);
    }
}
