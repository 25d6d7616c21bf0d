package dev.lookout.topology.views;

import java.util.List;

import dev.lookout.events.CommentAdded;
import dev.lookout.events.ContentEvent;
import dev.lookout.events.PostPublished;
import dev.lookout.internal.AuthorActivity;
import dev.lookout.internal.Origin;
import dev.lookout.internal.Parked;
import dev.lookout.internal.PostView;
import dev.lookout.topology.Emitted;
import dev.lookout.topology.LookoutCounters;
import dev.lookout.topology.Names;
import dev.lookout.topology.Origins;
import dev.lookout.topology.TopologySettings;
import dev.lookout.topology.deadletter.DeadLetter;
import dev.lookout.topology.deadletter.DeadLetters;
import dev.lookout.topology.deadletter.Reasons;
import dev.lookout.topology.deadletter.Redelivery;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Writes the post view from content events, and forwards every post and comment, re-keyed by its
 * author, for the author's counts in the user view.
 *
 * <p>A comment on a post that has not been published yet waits in the {@code post-parking} store
 * and is counted when the post appears; after the parking timeout it becomes a dead letter with
 * reason {@code orphan}. The comment still counts for its author at once: the author wrote it.
 *
 * <p>A re-driven event that dedup marks for one stage only ({@link Redelivery}) updates the post
 * view only if that stage is this one, and goes on to the author's view only if it is that one.
 */
final class PostViewProcessor implements Processor<String, ContentEvent, String, Emitted> {

    private final TopologySettings settings;
    private final DeadLetters deadLetters;
    private ProcessorContext<String, Emitted> context;
    private KeyValueStore<String, PostView> posts;
    private Parking parking;
    private LookoutCounters counters;

    PostViewProcessor(final TopologySettings settings, final DeadLetters deadLetters) {
        this.settings = settings;
        this.deadLetters = deadLetters;
    }

    @Override
    public void init(final ProcessorContext<String, Emitted> context) {
        this.context = context;
        this.posts = context.getStateStore(Names.POSTS_STORE);
        this.parking = new Parking(context.getStateStore(Names.POST_PARKING_STORE), settings.parkingLimit());
        this.counters = LookoutCounters.from(context.appConfigs());
        context.schedule(UserViewProcessor.expiryInterval(settings.parkingTimeout()), PunctuationType.STREAM_TIME,
                this::expireParked);
    }

    @Override
    public void process(final Record<String, ContentEvent> record) {
        final ContentEvent event = record.value();
        final Origin origin = Origins.of(context, record);
        final long at = event.getOccurredAt().toEpochMilli();
        final Object payload = event.getPayload();
        final boolean applyHere = !Redelivery.skips(record.headers(), Names.POST_VIEW);
        final String authorId;
        if (payload instanceof PostPublished published) {
            authorId = published.getAuthorId();
            if (applyHere) {
                publish(record.key(), published, at);
            }
        } else {
            final CommentAdded comment = (CommentAdded) payload;
            authorId = comment.getAuthorId();
            if (applyHere) {
                comment(record.key(), event, origin, at);
            }
        }
        if (!Redelivery.skips(record.headers(), Names.USER_VIEW)) {
            context.forward(new Record<>(authorId, new Emitted.Activity(new AuthorActivity(event, origin)), at,
                    Redelivery.carry(record.headers())));
        }
    }

    private void publish(final String postId, final PostPublished published, final long at) {
        PostView view = PostFold.publish(posts.get(postId), published, at);
        final List<Parked> waiting = parking.release(postId);
        for (final Parked parked : waiting) {
            view = PostFold.comment(view, Parking.eventTime(parked.getEvent()));
        }
        posts.put(postId, view);
    }

    private void comment(final String postId, final ContentEvent event, final Origin origin, final long at) {
        final PostView view = posts.get(postId);
        if (view != null) {
            posts.put(postId, PostFold.comment(view, at));
        } else if (!parking.park(postId, event, origin, context.currentStreamTimeMs())) {
            deadLetter(deadLetters.of(event, origin, Names.POST_VIEW, Reasons.PARKING_FULL,
                    "post " + postId + " is not published and already has the maximum of comments waiting"));
        }
    }

    private void expireParked(final long streamTime) {
        final long timeout = settings.parkingTimeout().toMillis();
        for (final KeyValue<String, List<Parked>> expired : parking.expire(streamTime, timeout)) {
            for (final Parked parked : expired.value) {
                deadLetter(deadLetters.of(parked.getEvent(), parked.getOrigin(), Names.POST_VIEW, Reasons.ORPHAN,
                        "post " + expired.key + " was not published within the parking timeout "
                                + settings.parkingTimeout()));
            }
        }
    }

    private void deadLetter(final DeadLetter letter) {
        DeadLetters.forward(context, counters, letter);
    }
}
