package dev.lookout.topology.ingest;

import dev.lookout.events.AuthEvent;
import dev.lookout.events.CommentAdded;
import dev.lookout.events.ContentEvent;
import dev.lookout.events.PostPublished;
import dev.lookout.events.UserEvent;

/**
 * What ingest needs to know about an input event type: its id, its event time, and the key it
 * must be published under.
 *
 * @param <V> the event type
 */
public interface EventShape<V> {

    String eventId(V event);

    long eventTime(V event);

    /** The record key the event must carry: its user_id or post_id. */
    String expectedKey(V event);

    /** The field the key must equal, for messages. */
    String keyField();

    EventShape<UserEvent> USER = new EventShape<>() {
        @Override
        public String eventId(final UserEvent event) {
            return event.getEventId();
        }

        @Override
        public long eventTime(final UserEvent event) {
            return event.getOccurredAt().toEpochMilli();
        }

        @Override
        public String expectedKey(final UserEvent event) {
            return event.getUserId();
        }

        @Override
        public String keyField() {
            return "user_id";
        }
    };

    EventShape<ContentEvent> CONTENT = new EventShape<>() {
        @Override
        public String eventId(final ContentEvent event) {
            return event.getEventId();
        }

        @Override
        public long eventTime(final ContentEvent event) {
            return event.getOccurredAt().toEpochMilli();
        }

        @Override
        public String expectedKey(final ContentEvent event) {
            return postId(event);
        }

        @Override
        public String keyField() {
            return "post_id";
        }
    };

    EventShape<AuthEvent> AUTH = new EventShape<>() {
        @Override
        public String eventId(final AuthEvent event) {
            return event.getEventId();
        }

        @Override
        public long eventTime(final AuthEvent event) {
            return event.getOccurredAt().toEpochMilli();
        }

        @Override
        public String expectedKey(final AuthEvent event) {
            return event.getUserId();
        }

        @Override
        public String keyField() {
            return "user_id";
        }
    };

    /** The post a content event is about. */
    static String postId(final ContentEvent event) {
        final Object payload = event.getPayload();
        if (payload instanceof PostPublished published) {
            return published.getPostId();
        }
        if (payload instanceof CommentAdded comment) {
            return comment.getPostId();
        }
        return null;
    }
}
