package dev.lookout.topology.views;

import static dev.lookout.topology.Events.comment;
import static dev.lookout.topology.Events.post;
import static dev.lookout.topology.TopologyFixture.T0;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import dev.lookout.events.ContentEvent;
import dev.lookout.internal.PostView;
import dev.lookout.topology.Names;
import dev.lookout.topology.TopologyFixture;
import dev.lookout.topology.deadletter.DeadLetterHeaders;
import dev.lookout.topology.ingest.EventShape;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PostViewTest {

    private final TopologyFixture fixture = new TopologyFixture(TopologyFixture.testSettings().toBuilder()
            .parkingTimeout(Duration.ofMinutes(1)).build());

    @AfterEach
    void close() {
        fixture.close();
    }

    private PostView view(final String id) {
        final KeyValueStore<String, PostView> posts = fixture.driver.getKeyValueStore(Names.POSTS_STORE);
        return posts.get(id);
    }

    private void send(final ContentEvent event) {
        fixture.contentEvents.pipeInput(EventShape.postId(event), event);
    }

    @Test
    void shouldCountCommentsAndKeepTheLatestCommentTime() {
        send(post("c-1", "p-1", "u-1", "Hello", T0));
        send(comment("c-3", "cm-2", "p-1", "u-3", T0.plusSeconds(20)));
        send(comment("c-2", "cm-1", "p-1", "u-2", T0.plusSeconds(10)));

        final PostView view = view("p-1");
        assertThat(view.getAuthorId()).isEqualTo("u-1");
        assertThat(view.getTitle()).isEqualTo("Hello");
        assertThat(view.getPublishedAt()).isEqualTo(T0);
        assertThat(view.getCommentCount()).isEqualTo(2);
        assertThat(view.getLastCommentAt()).isEqualTo(T0.plusSeconds(20));
    }

    @Test
    void shouldCountCommentsThatArriveBeforeTheirPost() {
        send(comment("c-2", "cm-1", "p-1", "u-2", T0.plusSeconds(10)));
        assertThat(view("p-1")).as("no post without its publication").isNull();

        send(post("c-1", "p-1", "u-1", "Hello", T0));

        assertThat(view("p-1").getCommentCount()).isEqualTo(1);
        assertThat(view("p-1").getLastCommentAt()).isEqualTo(T0.plusSeconds(10));
    }

    @Test
    void shouldDeadLetterCommentsWhosePostNeverAppears() {
        send(comment("c-2", "cm-1", "p-404", "u-2", T0));
        send(post("c-1", "p-1", "u-1", "Hello", T0.plus(Duration.ofMinutes(3))));

        // The comment waits for its post, and, since its author u-2 never registered either, for its author.
        assertThat(fixture.drainDeadLetters())
                .extracting(record -> DeadLetterHeaders.text(record.headers(), DeadLetterHeaders.STAGE)
                        + "/" + DeadLetterHeaders.text(record.headers(), DeadLetterHeaders.REASON)
                        + "/" + new String(record.key()))
                .containsExactlyInAnyOrder(Names.POST_VIEW + "/orphan/p-404", Names.USER_VIEW + "/orphan/p-404");
    }

    @Test
    void shouldIgnoreADuplicateComment() {
        send(post("c-1", "p-1", "u-1", "Hello", T0));
        final ContentEvent comment = comment("c-2", "cm-1", "p-1", "u-2", T0.plusSeconds(1));
        send(comment);
        send(comment);

        assertThat(view("p-1").getCommentCount()).isEqualTo(1);
    }
}
