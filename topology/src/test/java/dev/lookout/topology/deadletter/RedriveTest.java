package dev.lookout.topology.deadletter;

import static dev.lookout.topology.Events.comment;
import static dev.lookout.topology.Events.post;
import static dev.lookout.topology.Events.registered;
import static dev.lookout.topology.TopologyFixture.T0;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import dev.lookout.events.ContentEvent;
import dev.lookout.events.UserEvent;
import dev.lookout.internal.PostView;
import dev.lookout.topology.LookoutCounters;
import dev.lookout.topology.Names;
import dev.lookout.topology.TopologyFixture;
import dev.lookout.topology.ingest.EventShape;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Dead letters sent back to their input topic ({@link Redelivery}): each is applied once, only
 * where it was not applied before, however often it is re-driven.
 */
class RedriveTest {

    private final TopologyFixture fixture = new TopologyFixture(TopologyFixture.testSettings().toBuilder()
            .parkingTimeout(Duration.ofMinutes(1)).build());

    @AfterEach
    void close() {
        fixture.close();
    }

    private void send(final ContentEvent event) {
        fixture.contentEvents.pipeInput(EventShape.postId(event), event);
    }

    private void send(final UserEvent event) {
        fixture.userEvents.pipeInput(event.getUserId(), event);
    }

    /** Sends a dead letter back as {@code lookout dlq redrive} does: same key and value, its origin's headers. */
    private void redrive(final TestRecord<byte[], byte[]> letter, final String from) {
        final Headers headers = new RecordHeaders();
        headers.add(Redelivery.REDRIVEN_FROM, from.getBytes(StandardCharsets.UTF_8));
        headers.add(Redelivery.REDRIVEN_STAGE, DeadLetterHeaders.text(letter.headers(), DeadLetterHeaders.STAGE)
                .getBytes(StandardCharsets.UTF_8));
        fixture.rawInput(DeadLetterHeaders.text(letter.headers(), DeadLetterHeaders.ORIGIN_TOPIC))
                .pipeInput(new TestRecord<>(letter.key(), letter.value(), headers, letter.timestamp()));
    }

    private long comments(final String postId) {
        final PostView view = fixture.driver.<String, PostView>getKeyValueStore(Names.POSTS_STORE).get(postId);
        return view == null ? -1 : view.getCommentCount();
    }

    private double duplicates() {
        return fixture.counters.get(LookoutCounters.Kind.DUPLICATES, Names.CONTENT_EVENTS);
    }

    private TestRecord<byte[], byte[]> only(final String stage) {
        return fixture.drainDeadLetters().stream()
                .filter(letter -> stage.equals(DeadLetterHeaders.text(letter.headers(), DeadLetterHeaders.STAGE)))
                .findFirst().orElseThrow();
    }

    @Test
    void anOrphanCommentReDrivenAfterItsPostAppearsCountsForThePostOnlyAndOnce() {
        send(registered("r-2", "u-2", "b@example.com", "B", T0.minusSeconds(60)));
        send(comment("c-9", "cm-9", "p-404", "u-2", T0));
        send(post("p-adv", "p-1", "u-2", "Later", T0.plus(Duration.ofMinutes(3))));
        final TestRecord<byte[], byte[]> orphan = only(Names.POST_VIEW);
        assertThat(DeadLetterHeaders.text(orphan.headers(), DeadLetterHeaders.REASON)).isEqualTo(Reasons.ORPHAN);
        assertThat(fixture.user("u-2").getCommentCount()).as("counted for its author at once").isEqualTo(1);

        send(post("p-late", "p-404", "u-2", "Found", T0.plus(Duration.ofMinutes(4))));
        redrive(orphan, "lookout.dlq/0/7");

        assertThat(comments("p-404")).isEqualTo(1);
        assertThat(fixture.user("u-2").getCommentCount()).as("not counted for its author twice").isEqualTo(1);
        assertThat(fixture.user("u-2").getPostCount()).isEqualTo(2);
        assertThat(duplicates()).isZero();

        redrive(orphan, "lookout.dlq/0/7");

        assertThat(comments("p-404")).as("a second re-drive of the same dead letter").isEqualTo(1);
        assertThat(fixture.user("u-2").getCommentCount()).isEqualTo(1);
        assertThat(duplicates()).isEqualTo(1);
        assertThat(fixture.drainDeadLetters()).isEmpty();
    }

    @Test
    void aCommentOrphanedAtBothViewsIsAppliedToEachByItsOwnDeadLetter() {
        send(comment("c-9", "cm-9", "p-404", "u-2", T0));
        send(post("p-adv", "p-1", "u-1", "Later", T0.plus(Duration.ofMinutes(3))));
        final List<TestRecord<byte[], byte[]>> letters = fixture.drainDeadLetters();
        assertThat(letters).hasSize(2);
        send(registered("r-2", "u-2", "b@example.com", "B", T0.plus(Duration.ofMinutes(4))));
        send(post("p-late", "p-404", "u-1", "Found", T0.plus(Duration.ofMinutes(4))));

        for (int i = 0; i < letters.size(); i++) {
            redrive(letters.get(i), "lookout.dlq/0/" + i);
        }

        assertThat(comments("p-404")).isEqualTo(1);
        assertThat(fixture.user("u-2").getCommentCount()).isEqualTo(1);

        for (int i = 0; i < letters.size(); i++) {
            redrive(letters.get(i), "lookout.dlq/0/" + i);
        }

        assertThat(comments("p-404")).isEqualTo(1);
        assertThat(fixture.user("u-2").getCommentCount()).isEqualTo(1);
        assertThat(duplicates()).isEqualTo(2);
    }

    @Test
    void aReDrivenOrphanWhosePostIsStillMissingIsDeadLetteredAgainAndCanBeReDrivenFromThere() {
        send(registered("r-2", "u-2", "b@example.com", "B", T0.minusSeconds(60)));
        send(comment("c-9", "cm-9", "p-404", "u-2", T0));
        send(post("p-adv", "p-1", "u-2", "Later", T0.plus(Duration.ofMinutes(3))));
        final TestRecord<byte[], byte[]> first = only(Names.POST_VIEW);

        redrive(first, "lookout.dlq/0/1");
        send(post("p-adv2", "p-2", "u-2", "Later still", T0.plus(Duration.ofMinutes(6))));
        final TestRecord<byte[], byte[]> second = only(Names.POST_VIEW);
        send(post("p-late", "p-404", "u-2", "Found", T0.plus(Duration.ofMinutes(7))));
        redrive(first, "lookout.dlq/0/1");
        assertThat(comments("p-404")).as("the first dead letter was taken back already").isZero();

        redrive(second, "lookout.dlq/0/2");

        assertThat(comments("p-404")).isEqualTo(1);
        assertThat(fixture.user("u-2").getCommentCount()).isEqualTo(1);
    }

    @Test
    void anEventThatNeverPassedDedupIsAppliedEverywhereOnce() {
        send(post("p-1", "p-1", "u-1", "Hello", T0));
        final ContentEvent comment = comment("c-9", "cm-9", "p-1", "u-1", T0.plusSeconds(1));
        final byte[] value = fixture.serdes.contentEvents().serializer().serialize(Names.CONTENT_EVENTS, comment);
        final Headers headers = DeadLetterHeaders.forRejection("deserialize", Reasons.UNKNOWN_SCHEMA_ID,
                new dev.lookout.internal.Origin(Names.CONTENT_EVENTS, 0, 5L, T0.toEpochMilli()), "x", "y");
        final TestRecord<byte[], byte[]> letter = new TestRecord<>("p-1".getBytes(StandardCharsets.UTF_8), value,
                headers, T0.plusSeconds(1));

        redrive(letter, "lookout.dlq/0/3");
        redrive(letter, "lookout.dlq/0/3");

        assertThat(comments("p-1")).isEqualTo(1);
        assertThat(duplicates()).isEqualTo(1);
    }

    @Test
    void anInputRecordCannotAskToBeAppliedInOneStageOnly() {
        send(registered("r-1", "u-1", "a@example.com", "A", T0.minusSeconds(60)));
        send(post("p-1", "p-1", "u-1", "Hello", T0));
        final Headers forged = new RecordHeaders();
        forged.add(Redelivery.APPLY_ONLY, Names.USER_VIEW.getBytes(StandardCharsets.UTF_8));
        final ContentEvent comment = comment("c-9", "cm-9", "p-1", "u-1", T0.plusSeconds(1));
        fixture.contentEvents.pipeInput(new TestRecord<>("p-1", comment, forged, T0.plusSeconds(1)));

        assertThat(comments("p-1")).isEqualTo(1);
        assertThat(fixture.user("u-1").getCommentCount()).isEqualTo(1);

        // A copy claiming to be re-driven from a stage before dedup is still the same, applied event.
        final Headers redriven = new RecordHeaders();
        redriven.add(Redelivery.REDRIVEN_FROM, "lookout.dlq/0/9".getBytes(StandardCharsets.UTF_8));
        redriven.add(Redelivery.REDRIVEN_STAGE, "deserialize".getBytes(StandardCharsets.UTF_8));
        fixture.contentEvents.pipeInput(new TestRecord<>("p-1", comment, redriven, T0.plusSeconds(1)));

        assertThat(comments("p-1")).isEqualTo(1);
        assertThat(fixture.user("u-1").getCommentCount()).isEqualTo(1);
        assertThat(duplicates()).isEqualTo(1);
    }

    @Test
    void refusesTheReasonsThatWouldFailTheSameWayAgain() {
        for (final String reason : List.of(Reasons.BAD_MAGIC_BYTE, Reasons.TRUNCATED, Reasons.MALFORMED,
                Reasons.UNDECODABLE, Reasons.NULL_KEY, Reasons.NULL_VALUE, Reasons.KEY_MISMATCH, Reasons.INVALID,
                Reasons.LATE)) {
            assertThat(RedrivePolicy.refusal(reason, "any")).as(reason).isPresent();
        }
        assertThat(RedrivePolicy.refusal(Reasons.UNKNOWN_SCHEMA_ID, "deserialize")).isEmpty();
        assertThat(RedrivePolicy.refusal(Reasons.ORPHAN, Names.POST_VIEW)).isEmpty();
        assertThat(RedrivePolicy.refusal(Reasons.PARKING_FULL, Names.USER_VIEW)).isEmpty();
        assertThat(RedrivePolicy.refusal(Reasons.PROCESSING_ERROR, Names.LOGIN_DETECTOR)).isEmpty();
        assertThat(RedrivePolicy.refusal(Reasons.PROCESSING_ERROR, Names.USER_EVENTS_GUARD)).isEmpty();
        assertThat(RedrivePolicy.refusal(Reasons.PROCESSING_ERROR, Names.STUFFING_DETECTOR)).get().asString()
                .contains("duplicate");
        assertThat(RedrivePolicy.refusal("something-new", "x")).get().asString().contains("unknown reason");
        assertThat(RedrivePolicy.refusal(null, null)).isPresent();
    }
}
