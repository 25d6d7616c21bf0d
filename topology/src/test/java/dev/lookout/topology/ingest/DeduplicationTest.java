package dev.lookout.topology.ingest;

import static dev.lookout.topology.Events.comment;
import static dev.lookout.topology.Events.failed;
import static dev.lookout.topology.Events.post;
import static dev.lookout.topology.TopologyFixture.T0;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import dev.lookout.events.ContentEvent;
import dev.lookout.topology.LookoutCounters;
import dev.lookout.topology.Names;
import dev.lookout.topology.TopologyFixture;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Deduplication by {@code event_id} ({@link Deduplicator}), on content events (no lateness check
 * in front of it), with a one-hour horizon. T0 is on an hour boundary, which is where the store's
 * generations change.
 */
class DeduplicationTest {

    private static final Duration HORIZON = Duration.ofHours(1);

    private final TopologyFixture fixture = new TopologyFixture(TopologyFixture.testSettings().toBuilder()
            .dedupHorizon(HORIZON).build());

    @AfterEach
    void close() {
        fixture.close();
    }

    private void send(final ContentEvent event) {
        fixture.contentEvents.pipeInput(EventShape.postId(event), event);
    }

    private double duplicates() {
        return fixture.counters.get(LookoutCounters.Kind.DUPLICATES, Names.CONTENT_EVENTS);
    }

    private long comments(final String postId) {
        return fixture.driver.<String, dev.lookout.internal.PostView>getKeyValueStore(Names.POSTS_STORE).get(postId)
                .getCommentCount();
    }

    private List<Long> idTimes() {
        return idTimes(Names.CONTENT_EVENT_IDS_STORE);
    }

    private List<Long> idTimes(final String store) {
        final KeyValueStore<Bytes, Long> ids = fixture.driver.getKeyValueStore(store);
        final List<Long> times = new ArrayList<>();
        try (KeyValueIterator<Bytes, Long> all = ids.all()) {
            all.forEachRemaining(entry -> times.add(entry.value));
        }
        return times;
    }

    @Test
    void shouldDropACopyWhateverSideOfAGenerationBoundaryItFallsOn() {
        send(post("p", "p-1", "u-1", "Notes", T0.minusSeconds(3_600)));
        final Instant justBefore = T0.minusSeconds(1);
        send(comment("c-1", "m-1", "p-1", "u-2", justBefore));
        send(comment("c-1", "m-1", "p-1", "u-2", justBefore));
        // The same id stamped two seconds later lands in the next generation; it is still the same event.
        send(comment("c-1", "m-1", "p-1", "u-2", T0.plusSeconds(1)));

        assertThat(duplicates()).isEqualTo(2);
        assertThat(comments("p-1")).isEqualTo(1);
    }

    @Test
    void shouldRememberAnIdForAtLeastTheHorizon() {
        send(post("p", "p-1", "u-1", "Notes", T0));
        send(comment("c-1", "m-1", "p-1", "u-2", T0.plusSeconds(60)));
        // Stream time moves on by just under the horizon past the comment, across a generation.
        send(comment("c-2", "m-2", "p-1", "u-2", T0.plus(HORIZON).plusSeconds(59)));
        send(comment("c-1", "m-1", "p-1", "u-2", T0.plusSeconds(60)));

        assertThat(duplicates()).isEqualTo(1);
        assertThat(comments("p-1")).isEqualTo(2);
    }

    @Test
    void shouldDeleteIdsOnceTheyAreOlderThanTwoHorizonsSoTheStoreAndItsChangelogStayBounded() {
        send(post("p", "p-1", "u-1", "Notes", T0));
        for (int i = 0; i < 10; i++) {
            send(comment("c-" + i, "m-" + i, "p-1", "u-2", T0.plusSeconds(i)));
        }
        assertThat(idTimes()).hasSize(11);
        // Three hours later, generations 0 and 1 are before the one before the newest: a few ids
        // go with each event, oldest first.
        for (int i = 0; i < 4; i++) {
            send(comment("late-" + i, "n-" + i, "p-1", "u-2", T0.plus(Duration.ofHours(3)).plusSeconds(i)));
        }

        assertThat(idTimes()).as("only the ids of the last hour are left")
                .allMatch(time -> time >= T0.plus(Duration.ofHours(3)).toEpochMilli()).hasSize(4);
        // An id older than that is no longer known: its event counts again, as the horizon says.
        send(comment("c-0", "m-0", "p-1", "u-2", T0));
        assertThat(duplicates()).isZero();
        assertThat(comments("p-1")).isEqualTo(15);
    }

    /**
     * The ids due are listed a scan at a time ({@link Deduplicator#EXPIRE_SCAN}) and deleted a few
     * per event; the newest generation moving on in the middle of that deletes the generations
     * that became due as well.
     */
    @Test
    void shouldDeleteEveryDueIdAcrossSeveralScansWhileTheNewestGenerationMovesOn() {
        send(post("p", "p-1", "u-1", "Notes", T0));
        // One full scan and one that reaches the end, before the newest generation moves on again.
        final int first = Deduplicator.EXPIRE_SCAN * 3 / 2;
        for (int i = 0; i < first; i++) {
            send(comment("c-" + i, "m-" + i, "p-1", "u-2", T0.plusSeconds(i)));
        }
        final int second = 20;
        for (int i = 0; i < second; i++) {
            send(comment("d-" + i, "n-" + i, "p-1", "u-2", T0.plus(Duration.ofHours(3)).plusSeconds(i)));
        }
        assertThat(idTimes()).as("a few ids went with each event, oldest first")
                .hasSize(first + 1 + second - second * Deduplicator.EXPIRE_PER_EVENT);

        final int third = 60;
        for (int i = 0; i < third; i++) {
            send(comment("e-" + i, "o-" + i, "p-1", "u-2", T0.plus(Duration.ofHours(6)).plusSeconds(i)));
        }
        assertThat(idTimes()).as("the first generation and the one after it are gone")
                .allMatch(time -> time >= T0.plus(Duration.ofHours(6)).toEpochMilli()).hasSize(third);
        send(comment("e-0", "o-0", "p-1", "u-2", T0.plus(Duration.ofHours(6))));
        assertThat(duplicates()).isEqualTo(1);
    }

    /**
     * Where the guard checks lateness (auth and user events), a copy more than the grace behind
     * the input's clock is refused as late before it reaches the deduplicator, so ids are kept for
     * the grace only (at least one, at most about two): the store holds the ids of a minute of
     * traffic, not of the dedup horizon.
     */
    @Test
    void shouldKeepAuthEventIdsForTheGraceSinceOlderCopiesAreLate() {
        final long graceSeconds = fixture.settings.grace().toSeconds();
        final int events = 600;
        for (int i = 0; i < events; i++) {
            fixture.authEvents.pipeInput("u-" + i % 7, failed("a-" + i, "u-" + i % 7, "192.0.2.1", T0.plusSeconds(i)));
        }
        final long newest = T0.plusSeconds(events - 1).toEpochMilli();
        assertThat(idTimes(Names.AUTH_EVENT_IDS_STORE))
                .as("ids within two graces of the newest event, and every id within one")
                .allMatch(time -> time >= newest - 2 * graceSeconds * 1_000 - 1_000)
                .hasSizeGreaterThanOrEqualTo((int) graceSeconds + 1);

        // A copy within the grace is a duplicate; a copy older than the grace is late.
        final int withinGrace = events - 1 - (int) graceSeconds;
        fixture.authEvents.pipeInput("u-" + withinGrace % 7, failed("a-" + withinGrace,
                "u-" + withinGrace % 7, "192.0.2.1", T0.plusSeconds(withinGrace)));
        fixture.authEvents.pipeInput("u-0", failed("a-0", "u-0", "192.0.2.1", T0));
        assertThat(fixture.counters.get(LookoutCounters.Kind.DUPLICATES, Names.AUTH_EVENTS)).isEqualTo(1);
        assertThat(fixture.counters.get(LookoutCounters.Kind.LATE_EVENTS, Names.AUTH_EVENTS)).isEqualTo(1);
    }
}
