package dev.lookout.topology.views;

import static dev.lookout.topology.Events.registered;
import static dev.lookout.topology.Events.renamed;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import dev.lookout.events.UserEvent;
import dev.lookout.internal.ParkedEvents;
import dev.lookout.internal.UserHistoryEntry;
import dev.lookout.internal.UserView;
import dev.lookout.topology.Emitted;
import dev.lookout.topology.Keys;
import dev.lookout.topology.MockTaskStores;
import dev.lookout.topology.Names;
import dev.lookout.topology.TopologyFixture;
import dev.lookout.topology.TopologySettings;
import dev.lookout.topology.Topics;
import dev.lookout.topology.deadletter.DeadLetters;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Test;

/**
 * The user view's history prune reads the whole history, and its stream-time schedule fires again
 * whenever the task starts: a new processor instance on the same stores, as after a restart or a
 * rebalance, prunes only once the retention's start has moved on since the last prune.
 */
class UserViewRestartTest {

    private static final TopologySettings SETTINGS = TopologyFixture.testSettings();
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    /** The user view's stores, in memory, outliving the processor instances that use them. */
    private static final class ViewStores {
        private final MockTaskStores task = new MockTaskStores("user-view-restart-test");
        final KeyValueStore<String, UserView> users = task.add(Names.USERS_STORE, Serdes.String(),
                task.serdes("users").internal(UserView.class));
        final KeyValueStore<Bytes, UserHistoryEntry> history = task.add(Names.USER_HISTORY_STORE, Serdes.Bytes(),
                task.serdes("history").internal(UserHistoryEntry.class));
        final KeyValueStore<Bytes, String> recent = task.add(Names.RECENT_REGISTRATIONS_STORE, Serdes.Bytes(),
                Serdes.String());
        final KeyValueStore<String, ParkedEvents> parking = task.add(Names.USER_PARKING_STORE, Serdes.String(),
                task.serdes("parking").internal(ParkedEvents.class));
        final KeyValueStore<String, Long> clock = task.add(Names.USERS_CLOCK_STORE, Serdes.String(), Serdes.Long());
        private final DeadLetters deadLetters = new DeadLetters(Topics.of(task.serdes("topics")));

        /** A new user view instance on these stores, at the stream time its task starts with. */
        Instance start(final Instant streamTime) {
            final MockProcessorContext<String, Emitted> context = task.context();
            context.setCurrentStreamTimeMs(streamTime.toEpochMilli());
            final UserViewProcessor processor = new UserViewProcessor(SETTINGS, deadLetters);
            processor.init(context);
            return new Instance(context, processor);
        }

        int historyOf(final String userId) {
            final Bytes user = Keys.entity(userId);
            final List<Bytes> keys = new ArrayList<>();
            try (KeyValueIterator<Bytes, UserHistoryEntry> range = history.range(user, Keys.entityEnd(user))) {
                range.forEachRemaining(entry -> keys.add(entry.key));
            }
            return keys.size();
        }
    }

    /** One processor instance. */
    private record Instance(MockProcessorContext<String, Emitted> context, UserViewProcessor processor) {

        void process(final UserEvent event) {
            final long at = event.getOccurredAt().toEpochMilli();
            context.setRecordMetadata(Names.USER_EVENTS, 0, at);
            context.setCurrentStreamTimeMs(Math.max(context.currentStreamTimeMs(), at));
            processor.process(new Record<String, Object>(event.getUserId(), event, at));
        }

        /** Runs the stream-time punctuators, as the stream thread does once stream time reaches them. */
        void punctuate() {
            for (final MockProcessorContext.CapturedPunctuator punctuator : context.scheduledPunctuators()) {
                if (punctuator.getType() == PunctuationType.STREAM_TIME) {
                    punctuator.getPunctuator().punctuate(context.currentStreamTimeMs());
                }
            }
        }
    }

    private static Instant day(final int days) {
        return T0.plus(Duration.ofDays(days));
    }

    @Test
    void aTaskStartingAgainPrunesTheHistoryOnlyOnceItsRetentionHasMovedOn() {
        assertThat(SETTINGS.userHistoryRetention()).isEqualTo(Duration.ofDays(30));
        assertThat(UserViewProcessor.pruneInterval(SETTINGS.userHistoryRetention())).isEqualTo(Duration.ofHours(180));
        final ViewStores stores = new ViewStores();
        final Instance first = stores.start(day(0));
        first.process(registered("e-1", "u-1", "ada@example.com", "Ada", day(0)));
        first.process(renamed("e-2", "u-1", "Ada L.", day(1)));
        first.process(registered("e-3", "u-2", "bob@example.com", "Bob", day(40)));
        first.punctuate();
        // Pruned to day 10: u-1 keeps its view as of then.
        assertThat(stores.historyOf("u-1")).isEqualTo(1);

        // u-3's two entries, at days 11 and 12, are due once the retention starts after day 12.
        first.process(registered("e-4", "u-3", "cy@example.com", "Cy", day(11)));
        first.process(renamed("e-5", "u-3", "Cyrus", day(12)));
        first.process(renamed("e-6", "u-2", "Bob B.", day(43)));
        assertThat(stores.historyOf("u-3")).isEqualTo(2);

        // The task starts again with its retention starting at day 13: three days after the last
        // prune, less than half the prune interval (7.5 days). The first punctuation reads nothing.
        final Instance second = stores.start(day(43));
        second.punctuate();
        assertThat(stores.historyOf("u-3")).as("not pruned again within half an interval").isEqualTo(2);

        // Four days later the retention's start has moved on by seven days since the last prune.
        second.process(renamed("e-7", "u-2", "Bob Brown", day(47)));
        second.punctuate();
        assertThat(stores.historyOf("u-3")).as("pruned to day 17: the view as of then stays").isEqualTo(1);
        assertThat(stores.clock.get(Names.USERS_PRUNED_KEY)).isEqualTo(day(17).toEpochMilli());
    }
}
