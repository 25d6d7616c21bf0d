package dev.lookout.topology.views;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

import dev.lookout.events.ContentEvent;
import dev.lookout.events.UserEvent;
import dev.lookout.internal.EmailOwner;
import dev.lookout.internal.PostView;
import dev.lookout.internal.UserHistoryEntry;
import dev.lookout.internal.UserView;
import dev.lookout.topology.Keys;
import dev.lookout.topology.Names;
import dev.lookout.topology.TopologyFixture;
import dev.lookout.topology.TopologySettings;
import dev.lookout.topology.ingest.EventShape;
import dev.lookout.topology.reference.ReferenceViews;
import dev.lookout.topology.reference.ViewTraffic;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The read model equals a plain sequential fold of the same events, for a few thousand seeded
 * user and content events with duplicates, reorderings, late events, updates before
 * registration, users who never register and posts never published; also "as of" past times.
 */
class ViewsDifferentialTest {

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {3L, 17L})
    void shouldEqualTheReferenceFold(final long seed) {
        final TopologySettings settings = TopologySettings.defaults();
        final List<ViewTraffic.Arrival> arrivals = ViewTraffic.arrivals(seed, 400, 500, TopologyFixture.T0,
                settings.grace().toMillis());
        final ReferenceViews.Result expected = ReferenceViews.fold(arrivals, settings.grace().toMillis());
        assertThat(arrivals).hasSizeGreaterThan(2_000);
        assertThat(expected.lateUserEvents()).isPositive();

        try (TopologyFixture fixture = new TopologyFixture(settings)) {
            for (final ViewTraffic.Arrival arrival : arrivals) {
                if (arrival.userEvent()) {
                    fixture.userEvents.pipeInput(arrival.user().getUserId(), arrival.user());
                } else {
                    fixture.contentEvents.pipeInput(EventShape.postId(arrival.content()), arrival.content());
                }
            }

            final Map<String, ReferenceViews.User> actualUsers = new TreeMap<>();
            for (int u = 0; u < 400; u++) {
                final UserView latest = fixture.user("user-" + u);
                if (latest != null) {
                    actualUsers.put("user-" + u, user(latest));
                }
            }
            assertThat(actualUsers).isEqualTo(expected.users());

            final KeyValueStore<String, PostView> posts = fixture.driver.getKeyValueStore(Names.POSTS_STORE);
            final Map<String, ReferenceViews.Post> actualPosts = new TreeMap<>();
            try (KeyValueIterator<String, PostView> all = posts.all()) {
                all.forEachRemaining(entry -> actualPosts.put(entry.key, post(entry.value)));
            }
            assertThat(actualPosts).isEqualTo(expected.posts());

            final KeyValueStore<String, EmailOwner> index = fixture.driver.getKeyValueStore(Names.EMAIL_INDEX_STORE);
            final Map<String, String> actualIndex = new TreeMap<>();
            try (KeyValueIterator<String, EmailOwner> all = index.all()) {
                all.forEachRemaining(entry -> actualIndex.put(entry.key, entry.value.getUserId()));
            }
            assertThat(actualIndex).isEqualTo(expected.emailIndex());

            assertAsOf(fixture, expected, new SplittableRandom(seed));
            assertHistory(fixture, expected);
            assertRecent(fixture, expected, settings.recentRegistrations());
        }
    }

    private static void assertAsOf(final TopologyFixture fixture, final ReferenceViews.Result expected,
                                   final SplittableRandom random) {
        int checked = 0;
        for (final ReferenceViews.User user : expected.users().values()) {
            for (int i = 0; i < 3; i++) {
                final long time = user.registeredAt() - 60_000 + random.nextLong(user.updatedAt() - user.registeredAt() + 120_000);
                final UserView version = fixture.userAsOf(user.userId(), time);
                assertThat(version == null ? null : user(version))
                        .as("%s as of %d", user.userId(), time)
                        .isEqualTo(expected.asOf(user.userId(), time));
                checked++;
            }
        }
        assertThat(checked).isGreaterThan(300);
    }

    /** Every user's history holds exactly the events the reference applied, in event-time order. */
    private static void assertHistory(final TopologyFixture fixture, final ReferenceViews.Result expected) {
        final KeyValueStore<Bytes, UserHistoryEntry> history = fixture.driver.getKeyValueStore(Names.USER_HISTORY_STORE);
        for (final String userId : expected.users().keySet()) {
            final List<String> actual = new ArrayList<>();
            final Bytes user = Keys.entity(userId);
            try (KeyValueIterator<Bytes, UserHistoryEntry> range = history.range(user, Keys.entityEnd(user))) {
                range.forEachRemaining(entry -> {
                    final Object event = entry.value.getEvent();
                    final String id = event instanceof UserEvent u ? u.getEventId() : ((ContentEvent) event).getEventId();
                    final long at = Keys.timeOfOldestFirst(Keys.withinEntity(entry.key));
                    actual.add(String.format("%020d %s", at, id));
                });
            }
            assertThat(actual).as("history of %s", userId).isEqualTo(expected.appliedEvents(userId));
        }
    }

    private static void assertRecent(final TopologyFixture fixture, final ReferenceViews.Result expected,
                                     final int limit) {
        final List<String> newest = expected.users().values().stream()
                .sorted((a, b) -> a.registeredAt() != b.registeredAt() ? Long.compare(b.registeredAt(), a.registeredAt())
                        : a.userId().compareTo(b.userId()))
                .limit(limit).map(ReferenceViews.User::userId).toList();
        final KeyValueStore<Bytes, String> recent = fixture.driver.getKeyValueStore(Names.RECENT_REGISTRATIONS_STORE);
        final List<String> actual = new ArrayList<>();
        try (KeyValueIterator<Bytes, String> all = recent.all()) {
            all.forEachRemaining(entry -> actual.add(entry.value));
        }
        assertThat(actual).isEqualTo(newest);
    }

    private static ReferenceViews.User user(final UserView view) {
        return new ReferenceViews.User(view.getUserId(), view.getEmail(), view.getDisplayName(), view.getStatus().name(),
                view.getRegisteredAt().toEpochMilli(), view.getUpdatedAt().toEpochMilli(), view.getPostCount(),
                view.getCommentCount(), view.getEventsApplied());
    }

    private static ReferenceViews.Post post(final PostView view) {
        return new ReferenceViews.Post(view.getPostId(), view.getAuthorId(), view.getTitle(),
                view.getPublishedAt().toEpochMilli(), view.getCommentCount(),
                view.getLastCommentAt() == null ? null : view.getLastCommentAt().toEpochMilli());
    }
}
