package dev.lookout.topology.views;

import java.time.Instant;

import dev.lookout.events.PostPublished;
import dev.lookout.internal.PostView;

/**
 * How events change a post view: pure functions, no Kafka. Like {@link UserFold}, independent of
 * the order events arrive in: author and title are last-writer-wins in event time, the comment
 * count only adds, {@code publishedAt} is a minimum and {@code lastCommentAt} a maximum.
 */
public final class PostFold {

    private PostFold() {
    }

    /** The view after a publication; {@code view} is null for a post not seen before. */
    public static PostView publish(final PostView view, final PostPublished published, final long at) {
        if (view == null) {
            return PostView.newBuilder()
                    .setPostId(published.getPostId())
                    .setAuthorId(published.getAuthorId())
                    .setTitle(published.getTitle())
                    .setPublishedAt(Instant.ofEpochMilli(at))
                    .setCommentCount(0)
                    .setLastCommentAt(null)
                    .setTitleAt(at)
                    .build();
        }
        final PostView next = PostView.newBuilder(view).build();
        if (at >= view.getTitleAt()) {
            next.setAuthorId(published.getAuthorId());
            next.setTitle(published.getTitle());
            next.setTitleAt(at);
        }
        if (at < view.getPublishedAt().toEpochMilli()) {
            next.setPublishedAt(Instant.ofEpochMilli(at));
        }
        return next;
    }

    /** The view after one more comment. */
    public static PostView comment(final PostView view, final long at) {
        final PostView next = PostView.newBuilder(view).build();
        next.setCommentCount(view.getCommentCount() + 1);
        if (view.getLastCommentAt() == null || at > view.getLastCommentAt().toEpochMilli()) {
            next.setLastCommentAt(Instant.ofEpochMilli(at));
        }
        return next;
    }
}
