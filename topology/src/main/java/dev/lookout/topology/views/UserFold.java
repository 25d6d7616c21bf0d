package dev.lookout.topology.views;

import java.time.Instant;

import dev.lookout.events.UserDeactivated;
import dev.lookout.events.UserEmailChanged;
import dev.lookout.events.UserEvent;
import dev.lookout.events.UserProfileUpdated;
import dev.lookout.events.UserRegistered;
import dev.lookout.internal.UserStatus;
import dev.lookout.internal.UserView;

/**
 * How events change a user view: pure functions, no Kafka.
 *
 * <p>The fold does not depend on the order events are applied in. Each field that an event sets
 * (email, display name, status) carries the event time that set it, and an event only overwrites a
 * field it is not older than (last writer wins in event time; on a tie the event applied later
 * wins, as it would in arrival order). Counters only add, {@code updatedAt} is a maximum and
 * {@code registeredAt} a minimum. So applying an event that arrived late gives the same view as
 * applying all events in event-time order — which is what lets the user view amend its history
 * instead of buffering events for the grace period.
 */
public final class UserFold {

    private UserFold() {
    }

    /** The view a registration creates. */
    public static UserView register(final String userId, final UserRegistered registered, final long at) {
        return UserView.newBuilder()
                .setUserId(userId)
                .setEmail(registered.getEmail())
                .setDisplayName(registered.getDisplayName())
                .setStatus(UserStatus.ACTIVE)
                .setRegisteredAt(Instant.ofEpochMilli(at))
                .setUpdatedAt(Instant.ofEpochMilli(at))
                .setPostCount(0)
                .setCommentCount(0)
                .setEventsApplied(1)
                .setEmailAt(at)
                .setDisplayNameAt(at)
                .setStatusAt(at)
                .build();
    }

    /** The view after one more user event. */
    public static UserView apply(final UserView view, final UserEvent event) {
        final long at = event.getOccurredAt().toEpochMilli();
        final UserView next = touched(view, at);
        final Object payload = event.getPayload();
        if (payload instanceof UserRegistered registered) {
            setEmail(next, registered.getEmail(), at);
            setDisplayName(next, registered.getDisplayName(), at);
            setStatus(next, UserStatus.ACTIVE, at);
            if (at < next.getRegisteredAt().toEpochMilli()) {
                next.setRegisteredAt(Instant.ofEpochMilli(at));
            }
        } else if (payload instanceof UserProfileUpdated updated) {
            setDisplayName(next, updated.getDisplayName(), at);
        } else if (payload instanceof UserEmailChanged changed) {
            setEmail(next, changed.getNewEmail(), at);
        } else if (payload instanceof UserDeactivated) {
            setStatus(next, UserStatus.DEACTIVATED, at);
        }
        return next;
    }

    /** The view after one more post or comment written by the user. */
    public static UserView applyActivity(final UserView view, final boolean post, final long at) {
        final UserView next = touched(view, at);
        if (post) {
            next.setPostCount(next.getPostCount() + 1);
        } else {
            next.setCommentCount(next.getCommentCount() + 1);
        }
        return next;
    }

    private static UserView touched(final UserView view, final long at) {
        final UserView next = UserView.newBuilder(view).build();
        next.setEventsApplied(view.getEventsApplied() + 1);
        if (at > view.getUpdatedAt().toEpochMilli()) {
            next.setUpdatedAt(Instant.ofEpochMilli(at));
        }
        return next;
    }

    private static void setEmail(final UserView view, final String email, final long at) {
        if (at >= view.getEmailAt()) {
            view.setEmail(email);
            view.setEmailAt(at);
        }
    }

    private static void setDisplayName(final UserView view, final String displayName, final long at) {
        if (at >= view.getDisplayNameAt()) {
            view.setDisplayName(displayName);
            view.setDisplayNameAt(at);
        }
    }

    private static void setStatus(final UserView view, final UserStatus status, final long at) {
        if (at >= view.getStatusAt()) {
            view.setStatus(status);
            view.setStatusAt(at);
        }
    }
}
