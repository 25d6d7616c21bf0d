package dev.lookout.topology;

import java.time.Instant;

import dev.lookout.events.AuthEvent;
import dev.lookout.events.CommentAdded;
import dev.lookout.events.ContentEvent;
import dev.lookout.events.FailureReason;
import dev.lookout.events.LoginFailed;
import dev.lookout.events.LoginSucceeded;
import dev.lookout.events.PostPublished;
import dev.lookout.events.UserDeactivated;
import dev.lookout.events.UserEmailChanged;
import dev.lookout.events.UserEvent;
import dev.lookout.events.UserProfileUpdated;
import dev.lookout.events.UserRegistered;

/** Test events with explicit ids and event times. */
public final class Events {

    private Events() {
    }

    public static UserEvent registered(final String eventId, final String userId, final String email,
                                       final String name, final Instant at) {
        return new UserEvent(eventId, userId, at, new UserRegistered(email, name));
    }

    public static UserEvent renamed(final String eventId, final String userId, final String name, final Instant at) {
        return new UserEvent(eventId, userId, at, new UserProfileUpdated(name));
    }

    public static UserEvent emailChanged(final String eventId, final String userId, final String from,
                                         final String to, final Instant at) {
        return new UserEvent(eventId, userId, at, new UserEmailChanged(from, to));
    }

    public static UserEvent deactivated(final String eventId, final String userId, final Instant at) {
        return new UserEvent(eventId, userId, at, new UserDeactivated("requested"));
    }

    public static ContentEvent post(final String eventId, final String postId, final String authorId,
                                    final String title, final Instant at) {
        return new ContentEvent(eventId, at, new PostPublished(postId, authorId, title));
    }

    public static ContentEvent comment(final String eventId, final String commentId, final String postId,
                                       final String authorId, final Instant at) {
        return new ContentEvent(eventId, at, new CommentAdded(commentId, postId, authorId));
    }

    public static AuthEvent failed(final String eventId, final String userId, final String ip, final Instant at) {
        return new AuthEvent(eventId, userId, at, ip, new LoginFailed(FailureReason.BAD_PASSWORD));
    }

    public static AuthEvent succeeded(final String eventId, final String userId, final String ip, final Instant at) {
        return new AuthEvent(eventId, userId, at, ip, new LoginSucceeded("password"));
    }
}
