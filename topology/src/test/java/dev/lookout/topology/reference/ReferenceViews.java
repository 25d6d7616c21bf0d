package dev.lookout.topology.reference;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import dev.lookout.events.CommentAdded;
import dev.lookout.events.ContentEvent;
import dev.lookout.events.PostPublished;
import dev.lookout.events.UserDeactivated;
import dev.lookout.events.UserEmailChanged;
import dev.lookout.events.UserEvent;
import dev.lookout.events.UserProfileUpdated;
import dev.lookout.events.UserRegistered;

/**
 * A plain sequential fold of the read model, written independently of the topology: apply the
 * ingest rules, sort each user's events by event time, and apply them one by one. Events before a
 * user's registration only count; events for users who never register make no view.
 */
public final class ReferenceViews {

    /** The expected user view. */
    public record User(String userId, String email, String displayName, String status, long registeredAt,
                       long updatedAt, long postCount, long commentCount, long eventsApplied) {
    }

    /** The expected post view. */
    public record Post(String postId, String authorId, String title, long publishedAt, long commentCount,
                       Long lastCommentAt) {
    }

    /** Everything the reference computed. */
    public static final class Result {
        private final Map<String, User> users;
        private final Map<String, Post> posts;
        private final Map<String, String> emailIndex;
        private final int lateUserEvents;
        private final Map<String, List<Step>> stepsByUser;

        private Result(final Map<String, User> users, final Map<String, Post> posts,
                       final Map<String, String> emailIndex, final int lateUserEvents,
                       final Map<String, List<Step>> stepsByUser) {
            this.users = users;
            this.posts = posts;
            this.emailIndex = emailIndex;
            this.lateUserEvents = lateUserEvents;
            this.stepsByUser = stepsByUser;
        }

        public Map<String, User> users() {
            return users;
        }

        public Map<String, Post> posts() {
            return posts;
        }

        public Map<String, String> emailIndex() {
            return emailIndex;
        }

        public int lateUserEvents() {
            return lateUserEvents;
        }

        /**
         * The events applied to a registered user — user events and the posts and comments the user
         * wrote — in event-time order, ties by event id, as "time event-id" strings.
         */
        public List<String> appliedEvents(final String userId) {
            if (!users.containsKey(userId)) {
                return List.of();
            }
            return stepsByUser.get(userId).stream()
                    .map(step -> String.format("%020d %s", step.at(), step.event() instanceof UserEvent user
                            ? user.getEventId() : ((ContentEvent) step.event()).getEventId()))
                    .sorted().toList();
        }

        /** The user as of an event time: the same fold over the events up to it. */
        public User asOf(final String userId, final long time) {
            final List<Step> steps = stepsByUser.get(userId);
            return steps == null ? null : foldUser(userId, steps, time);
        }
    }

    private record Step(long at, long arrival, Object event) {
    }

    private ReferenceViews() {
    }

    public static Result fold(final List<ViewTraffic.Arrival> arrivals, final long graceMs) {
        final Map<String, List<Step>> stepsByUser = new HashMap<>();
        final Map<String, List<ContentEvent>> byPost = new TreeMap<>();
        long clock = Long.MIN_VALUE;
        int late = 0;
        final Set<String> seenUsers = new HashSet<>();
        final Set<String> seenContent = new HashSet<>();
        long arrival = 0;
        for (final ViewTraffic.Arrival record : arrivals) {
            arrival++;
            if (record.userEvent()) {
                final UserEvent event = record.user();
                final long at = event.getOccurredAt().toEpochMilli();
                if (clock != Long.MIN_VALUE && at < clock - graceMs) {
                    late++;
                    continue;
                }
                clock = Math.max(clock, at);
                if (seenUsers.add(event.getEventId())) {
                    stepsByUser.computeIfAbsent(event.getUserId(), k -> new ArrayList<>()).add(new Step(at, arrival, event));
                }
            } else {
                final ContentEvent event = record.content();
                if (!seenContent.add(event.getEventId())) {
                    continue;
                }
                final long at = event.getOccurredAt().toEpochMilli();
                final String author;
                final String post;
                if (event.getPayload() instanceof PostPublished published) {
                    author = published.getAuthorId();
                    post = published.getPostId();
                } else {
                    final CommentAdded comment = (CommentAdded) event.getPayload();
                    author = comment.getAuthorId();
                    post = comment.getPostId();
                }
                stepsByUser.computeIfAbsent(author, k -> new ArrayList<>()).add(new Step(at, arrival, event));
                byPost.computeIfAbsent(post, k -> new ArrayList<>()).add(event);
            }
        }
        final Map<String, User> users = new TreeMap<>();
        final Map<String, String> emailIndex = new TreeMap<>();
        stepsByUser.forEach((userId, steps) -> {
            steps.sort(Comparator.comparingLong(Step::at).thenComparingLong(Step::arrival));
            final User user = foldUser(userId, steps, Long.MAX_VALUE);
            if (user != null) {
                users.put(userId, user);
                emailIndex.put(user.email().trim().toLowerCase(Locale.ROOT), userId);
            }
        });
        final Map<String, Post> posts = new TreeMap<>();
        byPost.forEach((postId, events) -> {
            final Post post = foldPost(postId, events);
            if (post != null) {
                posts.put(postId, post);
            }
        });
        return new Result(users, posts, emailIndex, late, stepsByUser);
    }

    private static User foldUser(final String userId, final List<Step> steps, final long until) {
        String email = null;
        String name = null;
        String status = null;
        long registeredAt = 0;
        long updatedAt = 0;
        long posts = 0;
        long comments = 0;
        long applied = 0;
        boolean registered = false;
        for (final Step step : steps) {
            if (step.at() > until) {
                break;
            }
            final Object payload = step.event() instanceof UserEvent user ? user.getPayload()
                    : ((ContentEvent) step.event()).getPayload();
            applied++;
            updatedAt = Math.max(updatedAt, step.at());
            if (payload instanceof PostPublished) {
                posts++;
            } else if (payload instanceof CommentAdded) {
                comments++;
            } else if (payload instanceof UserRegistered registration) {
                email = registration.getEmail();
                name = registration.getDisplayName();
                status = "ACTIVE";
                registeredAt = registered ? Math.min(registeredAt, step.at()) : step.at();
                registered = true;
            } else if (!registered) {
                continue;
            } else if (payload instanceof UserProfileUpdated update) {
                name = update.getDisplayName();
            } else if (payload instanceof UserEmailChanged change) {
                email = change.getNewEmail();
            } else if (payload instanceof UserDeactivated) {
                status = "DEACTIVATED";
            }
        }
        return registered ? new User(userId, email, name, status, registeredAt, updatedAt, posts, comments, applied)
                : null;
    }

    private static Post foldPost(final String postId, final List<ContentEvent> events) {
        final List<ContentEvent> sorted = new ArrayList<>(events);
        sorted.sort(Comparator.comparing(ContentEvent::getOccurredAt));
        String author = null;
        String title = null;
        long publishedAt = Long.MAX_VALUE;
        long comments = 0;
        Long lastComment = null;
        for (final ContentEvent event : sorted) {
            final long at = event.getOccurredAt().toEpochMilli();
            if (event.getPayload() instanceof PostPublished published) {
                author = published.getAuthorId();
                title = published.getTitle();
                publishedAt = Math.min(publishedAt, at);
            } else {
                comments++;
                lastComment = lastComment == null ? at : Math.max(lastComment, at);
            }
        }
        return author == null ? null : new Post(postId, author, title, publishedAt, comments, lastComment);
    }
}
