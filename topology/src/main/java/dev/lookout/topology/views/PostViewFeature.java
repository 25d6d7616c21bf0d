package dev.lookout.topology.views;

import java.util.Map;

import dev.lookout.events.ContentEvent;
import dev.lookout.internal.AuthorActivity;
import dev.lookout.internal.ParkedEvents;
import dev.lookout.internal.PostView;
import dev.lookout.topology.Emitted;
import dev.lookout.topology.EventSerdes;
import dev.lookout.topology.Names;
import dev.lookout.topology.StateStores;
import dev.lookout.topology.Topics;
import dev.lookout.topology.TopologySettings;
import dev.lookout.topology.deadletter.DeadLetters;
import dev.lookout.topology.ingest.EventShape;
import dev.lookout.topology.ingest.Ingest;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Repartitioned;

/**
 * The post view.
 *
 * <ul>
 *   <li>Input: {@code content-events} (keyed by {@code post_id}), through {@link Ingest}
 *       (validation and dedup; order does not matter, the fold is commutative).</li>
 *   <li>Stores: {@code posts} (post_id → view), {@code post-parking} (comments waiting for their
 *       post, up to the parking timeout in stream time).</li>
 *   <li>Outputs: every post and comment re-keyed by author through the {@code author-activity}
 *       repartition (returned, for the user view); expired comments to {@code lookout.dlq}.</li>
 * </ul>
 */
public final class PostViewFeature {

    private final TopologySettings settings;
    private final EventSerdes serdes;
    private final Topics topics;

    public PostViewFeature(final TopologySettings settings, final EventSerdes serdes, final Topics topics) {
        this.settings = settings;
        this.serdes = serdes;
        this.topics = topics;
    }

    /** Adds the post view; returns author activity, partitioned by author. */
    public KStream<String, AuthorActivity> addTo(final StreamsBuilder builder) {
        builder.addStateStore(StateStores.keyValue(Names.POSTS_STORE, Serdes.String(), serdes.internal(PostView.class)));
        builder.addStateStore(StateStores.keyValue(Names.POST_PARKING_STORE, Serdes.String(),
                serdes.internal(ParkedEvents.class)));
        final KStream<String, ContentEvent> events = Ingest.read(builder, topics.contentEvents(), EventShape.CONTENT,
                new Ingest.Steps(Names.CONTENT_EVENTS_SOURCE, Names.CONTENT_EVENTS_GUARD, Names.CONTENT_EVENTS_DEDUP,
                        null, Names.CONTENT_EVENT_IDS_STORE), settings);
        final DeadLetters deadLetters = new DeadLetters(topics);
        final Map<String, KStream<String, Emitted>> outputs = events
                .process(() -> new PostViewProcessor(settings, deadLetters), Named.as(Names.POST_VIEW),
                        Names.POSTS_STORE, Names.POST_PARKING_STORE)
                .split(Named.as(Names.POST_VIEW_BRANCH))
                .branch((key, emitted) -> emitted instanceof Emitted.Dead, Branched.as(Names.BRANCH_DEAD_LETTERS))
                .defaultBranch(Branched.as(Names.BRANCH_AUTHOR_ACTIVITY));
        DeadLetters.sink(outputs.get(Names.POST_VIEW_BRANCH + Names.BRANCH_DEAD_LETTERS), Names.POST_VIEW_BRANCH, topics);
        // Author counts live with the author's user view, which is partitioned by user_id.
        return outputs.get(Names.POST_VIEW_BRANCH + Names.BRANCH_AUTHOR_ACTIVITY)
                .mapValues(emitted -> ((Emitted.Activity) emitted).activity(),
                        Named.as(Names.unwrap(Names.POST_VIEW_BRANCH, Names.BRANCH_AUTHOR_ACTIVITY)))
                .repartition(Repartitioned.<String, AuthorActivity>as(Names.AUTHOR_ACTIVITY_REPARTITION)
                        .withKeySerde(Serdes.String())
                        .withValueSerde(serdes.internal(AuthorActivity.class))
                        .withNumberOfPartitions(settings.partitions()));
    }
}
