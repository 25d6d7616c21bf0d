package dev.lookout.topology.views;

import static dev.lookout.topology.Events.comment;
import static dev.lookout.topology.Events.deactivated;
import static dev.lookout.topology.Events.emailChanged;
import static dev.lookout.topology.Events.post;
import static dev.lookout.topology.Events.registered;
import static dev.lookout.topology.Events.renamed;
import static dev.lookout.topology.TopologyFixture.T0;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.lookout.events.UserEvent;
import dev.lookout.events.UserProfileUpdated;
import dev.lookout.internal.EmailOwner;
import dev.lookout.internal.ParkedEvents;
import dev.lookout.internal.PostView;
import dev.lookout.internal.UserHistoryEntry;
import dev.lookout.internal.UserStatus;
import dev.lookout.internal.UserView;
import dev.lookout.topology.Keys;
import dev.lookout.topology.LookoutCounters;
import dev.lookout.topology.Names;
import dev.lookout.topology.TopologyFixture;
import dev.lookout.topology.TopologySettings;
import dev.lookout.topology.deadletter.DeadLetterHeaders;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class UserViewTest {

    private TopologyFixture fixture = new TopologyFixture(TopologyFixture.testSettings());

    @AfterEach
    void close() {
        fixture.close();
    }

    private UserView user(final String id) {
        return fixture.user(id);
    }

    private UserView userAsOf(final String id, final Duration sinceT0) {
        return fixture.userAsOf(id, T0.plus(sinceT0).toEpochMilli());
    }

    private List<UserHistoryEntry> historyOf(final String userId) {
        final KeyValueStore<Bytes, UserHistoryEntry> store = fixture.driver.getKeyValueStore(Names.USER_HISTORY_STORE);
        final List<UserHistoryEntry> entries = new ArrayList<>();
        final Bytes user = Keys.entity(userId);
        try (KeyValueIterator<Bytes, UserHistoryEntry> range = store.range(user, Keys.entityEnd(user))) {
            range.forEachRemaining(entry -> entries.add(entry.value));
        }
        return entries;
    }

    private String ownerOf(final String email) {
        final KeyValueStore<String, EmailOwner> index = fixture.driver.getKeyValueStore(Names.EMAIL_INDEX_STORE);
        final EmailOwner owner = index.get(email);
        return owner == null ? null : owner.getUserId();
    }

    private void send(final UserEvent event) {
        fixture.userEvents.pipeInput(event.getUserId(), event);
    }

    @Test
    void shouldCreateTheUserOnRegistration() {
        send(registered("e-1", "u-1", "ada@example.com", "Ada", T0));

        final UserView view = user("u-1");
        assertThat(view.getEmail()).isEqualTo("ada@example.com");
        assertThat(view.getDisplayName()).isEqualTo("Ada");
        assertThat(view.getStatus()).isEqualTo(UserStatus.ACTIVE);
        assertThat(view.getRegisteredAt()).isEqualTo(T0);
        assertThat(view.getUpdatedAt()).isEqualTo(T0);
        assertThat(view.getEventsApplied()).isEqualTo(1);
        assertThat(ownerOf("ada@example.com")).isEqualTo("u-1");
    }

    @Test
    void shouldCountEachChangeOfAUserForTheListsAndNothingElse() {
        send(registered("e-1", "u-1", "ada@example.com", "Ada", T0));
        assertThat(fixture.viewChanges.count()).isEqualTo(1);

        send(registered("e-1", "u-1", "ada@example.com", "Ada", T0));
        send(renamed("e-2", "u-2", "Bob", T0.plusSeconds(1)));
        assertThat(fixture.viewChanges.count()).as("a duplicate, and an event parked for a user not registered")
                .isEqualTo(1);

        send(registered("e-3", "u-2", "bob@example.com", "Bob", T0.plusSeconds(2)));
        assertThat(fixture.viewChanges.count()).as("the registration, then the parked event").isEqualTo(3);
    }

    @Test
    void shouldApplyProfileChangesEmailChangesAndDeactivation() {
        send(registered("e-1", "u-1", "ada@example.com", "Ada", T0));
        send(renamed("e-2", "u-1", "Ada Lovelace", T0.plusSeconds(1)));
        send(emailChanged("e-3", "u-1", "ada@example.com", "ada@lovelace.dev", T0.plusSeconds(2)));
        send(deactivated("e-4", "u-1", T0.plusSeconds(3)));

        final UserView view = user("u-1");
        assertThat(view.getDisplayName()).isEqualTo("Ada Lovelace");
        assertThat(view.getEmail()).isEqualTo("ada@lovelace.dev");
        assertThat(view.getStatus()).isEqualTo(UserStatus.DEACTIVATED);
        assertThat(view.getUpdatedAt()).isEqualTo(T0.plusSeconds(3));
        assertThat(view.getEventsApplied()).isEqualTo(4);
        assertThat(ownerOf("ada@lovelace.dev")).isEqualTo("u-1");
        assertThat(ownerOf("ada@example.com")).as("the old email no longer resolves").isNull();
    }

    @Test
    void shouldIndexEmailsCaseInsensitively() {
        send(registered("e-1", "u-1", "  Ada@Example.COM ", "Ada", T0));

        assertThat(ownerOf("ada@example.com")).isEqualTo("u-1");
        assertThat(user("u-1").getEmail()).as("the view keeps the address as given").isEqualTo("  Ada@Example.COM ");
    }

    @Test
    void shouldApplyOutOfOrderEventsAsIfInEventTimeOrderAndAmendTheHistory() {
        send(registered("e-1", "u-1", "ada@example.com", "Ada", T0));
        send(renamed("e-3", "u-1", "Third", T0.plusSeconds(20)));
        send(renamed("e-2", "u-1", "Second", T0.plusSeconds(10)));

        assertThat(user("u-1").getDisplayName()).as("the newer name wins").isEqualTo("Third");
        assertThat(user("u-1").getEventsApplied()).isEqualTo(3);
        assertThat(userAsOf("u-1", Duration.ofSeconds(5)).getDisplayName()).isEqualTo("Ada");
        assertThat(userAsOf("u-1", Duration.ofSeconds(15)).getDisplayName()).isEqualTo("Second");
        assertThat(userAsOf("u-1", Duration.ofSeconds(15)).getEventsApplied()).isEqualTo(2);
        assertThat(userAsOf("u-1", Duration.ofSeconds(25)).getEventsApplied())
                .as("the late event also counts in every later version").isEqualTo(3);
        assertThat(userAsOf("u-1", Duration.ofSeconds(-1))).as("before registration").isNull();
    }

    @Test
    void shouldKeepTheNewestVersionTimeInTheUsersClock() {
        final KeyValueStore<String, Long> clock = fixture.driver.getKeyValueStore(Names.USERS_CLOCK_STORE);
        send(registered("e-1", "u-1", "ada@example.com", "Ada", T0));
        send(renamed("e-3", "u-1", "Third", T0.plusSeconds(20)));
        send(renamed("e-2", "u-1", "Second", T0.plusSeconds(10)));

        assertThat(clock.get(Names.USERS_CLOCK_KEY)).as("an older event does not move it back")
                .isEqualTo(T0.plusSeconds(20).toEpochMilli());
    }

    @Test
    void shouldKeepOneUsersClockPerTaskWhicheverInputMovesIt() {
        final KeyValueStore<String, Long> clock = fixture.driver.getKeyValueStore(Names.USERS_CLOCK_STORE);
        send(registered("e-1", "u-1", "ada@example.com", "Ada", T0.plusSeconds(600)));
        // Author activity comes through the other input of the same task, and is older.
        fixture.contentEvents.pipeInput("p-1", post("c-1", "p-1", "u-1", "Notes", T0.plusSeconds(300)));

        assertThat(user("u-1").getPostCount()).isEqualTo(1);
        assertThat(clock.get(Names.USERS_CLOCK_KEY)).as("older activity does not move the clock back")
                .isEqualTo(T0.plusSeconds(600).toEpochMilli());
    }

    @Test
    void shouldCountActivityOlderThanTheHistoryInTheLatestView() {
        send(registered("e-1", "u-1", "ada@example.com", "Ada", T0));
        // Another user's event moves the task's clock past the history retention of u-1's events.
        send(registered("e-2", "u-2", "bob@example.com", "Bob", T0.plus(Duration.ofDays(40))));
        fixture.contentEvents.pipeInput("p-1", post("c-1", "p-1", "u-1", "Old notes", T0.plusSeconds(60)));
        fixture.contentEvents.pipeInput("p-1", comment("c-2", "m-1", "p-1", "u-1", T0.plusSeconds(120)));

        assertThat(user("u-1").getPostCount()).isEqualTo(1);
        assertThat(user("u-1").getCommentCount()).isEqualTo(1);
        assertThat(user("u-1").getEventsApplied()).isEqualTo(3);
    }

    @Test
    void shouldPruneTheHistoryBeyondItsRetentionButKeepTheUserAsOfItsStart() {
        send(registered("e-1", "u-1", "ada@example.com", "Ada", T0));
        send(renamed("e-2", "u-1", "Ada L.", T0.plus(Duration.ofDays(1))));
        send(renamed("e-3", "u-1", "Ada Lovelace", T0.plus(Duration.ofDays(2))));
        assertThat(historyOf("u-1")).hasSize(3);

        // 40 days later the retention (30 days) starts at day 10: the newest entry before it stays.
        send(registered("e-4", "u-2", "bob@example.com", "Bob", T0.plus(Duration.ofDays(40))));

        assertThat(historyOf("u-1")).extracting(entry -> entry.getView().getDisplayName())
                .containsExactly("Ada Lovelace");
        assertThat(userAsOf("u-1", Duration.ofDays(10)).getDisplayName()).isEqualTo("Ada Lovelace");
        assertThat(user("u-1").getEventsApplied()).isEqualTo(3);
    }

    @Test
    void shouldRecordEveryAppliedEventInTheHistoryInEventTimeOrder() {
        send(registered("e-1", "u-1", "ada@example.com", "Ada", T0));
        send(renamed("e-3", "u-1", "Third", T0.plusSeconds(20)));
        fixture.contentEvents.pipeInput("p-1", post("c-1", "p-1", "u-1", "Notes", T0.plusSeconds(5)));
        send(renamed("e-2", "u-1", "Second", T0.plusSeconds(10)));

        final List<UserHistoryEntry> history = historyOf("u-1");
        assertThat(history).extracting(entry -> entry.getView().getEventsApplied()).containsExactly(1L, 2L, 3L, 4L);
        assertThat(history).extracting(entry -> entry.getOrigin().getTopic())
                .containsExactly(Names.USER_EVENTS, Names.CONTENT_EVENTS, Names.USER_EVENTS, Names.USER_EVENTS);
        assertThat(history.get(3).getView().getDisplayName()).isEqualTo("Third");
        assertThat(history.get(3).getView()).isEqualTo(user("u-1"));
    }

    @Test
    void shouldSendUserEventsLaterThanTheGraceToTheDeadLetterTopic() {
        send(registered("e-1", "u-1", "ada@example.com", "Ada", T0.plusSeconds(60)));
        send(renamed("e-2", "u-1", "Too late", T0));

        assertThat(user("u-1").getDisplayName()).isEqualTo("Ada");
        final List<TestRecord<byte[], byte[]>> dead = fixture.drainDeadLetters();
        assertThat(dead).singleElement().satisfies(record -> {
            assertThat(DeadLetterHeaders.text(record.headers(), DeadLetterHeaders.REASON)).isEqualTo("late");
            assertThat(DeadLetterHeaders.text(record.headers(), DeadLetterHeaders.STAGE)).isEqualTo(Names.USER_EVENTS_GUARD);
            assertThat(DeadLetterHeaders.text(record.headers(), DeadLetterHeaders.ORIGIN_OFFSET)).isEqualTo("1");
            assertThat(fixture.serdes.userEvents().deserializer().deserialize(Names.USER_EVENTS, record.value()).getEventId())
                    .isEqualTo("e-2");
        });
        assertThat(fixture.counters.get(LookoutCounters.Kind.LATE_EVENTS, Names.USER_EVENTS)).isEqualTo(1);
    }

    @Test
    void shouldIgnoreDuplicatesIncludingOnesArrivingAfterOtherEvents() {
        final UserEvent registration = registered("e-1", "u-1", "ada@example.com", "Ada", T0);
        final UserEvent rename = renamed("e-2", "u-1", "Ada L.", T0.plusSeconds(1));
        send(registration);
        send(registration);
        send(rename);
        send(registration);
        send(rename);

        assertThat(user("u-1").getEventsApplied()).isEqualTo(2);
        assertThat(user("u-1").getDisplayName()).isEqualTo("Ada L.");
        assertThat(fixture.counters.get(LookoutCounters.Kind.DUPLICATES, Names.USER_EVENTS)).isEqualTo(3);
        assertThat(fixture.drainDeadLetters()).isEmpty();
    }

    @Test
    void shouldParkUpdatesOfAnUnregisteredUserAndApplyThemOnRegistration() {
        send(renamed("e-2", "u-1", "Early bird", T0.plusSeconds(5)));
        send(emailChanged("e-3", "u-1", "x@example.com", "ada@new.dev", T0.minusSeconds(5)));

        assertThat(user("u-1")).as("no half-empty user").isNull();
        final KeyValueStore<String, ParkedEvents> parking = fixture.driver.getKeyValueStore(Names.USER_PARKING_STORE);
        assertThat(parking.get("u-1").getItems()).hasSize(2);

        send(registered("e-1", "u-1", "ada@example.com", "Ada", T0));

        final UserView view = user("u-1");
        assertThat(view.getDisplayName()).as("the rename is newer than the registration").isEqualTo("Early bird");
        assertThat(view.getEmail()).as("the email change is older than the registration").isEqualTo("ada@example.com");
        assertThat(view.getEventsApplied()).isEqualTo(3);
        assertThat(view.getRegisteredAt()).isEqualTo(T0);
        assertThat(parking.get("u-1")).isNull();
        assertThat(userAsOf("u-1", Duration.ofSeconds(1)).getDisplayName()).isEqualTo("Ada");
    }

    @Test
    void shouldDeadLetterUpdatesOfAUserWhoNeverRegisters() {
        fixture.close();
        fixture = new TopologyFixture(TopologyFixture.testSettings().toBuilder()
                .parkingTimeout(Duration.ofMinutes(1)).build());
        send(renamed("e-1", "ghost", "Nobody", T0));
        send(registered("e-2", "u-1", "ada@example.com", "Ada", T0.plusSeconds(50)));
        assertThat(fixture.drainDeadLetters()).as("still within the parking timeout").isEmpty();

        send(registered("e-3", "u-2", "bob@example.com", "Bob", T0.plus(Duration.ofMinutes(3))));

        assertThat(user("ghost")).isNull();
        assertThat(fixture.drainDeadLetters()).singleElement().satisfies(record -> {
            assertThat(DeadLetterHeaders.text(record.headers(), DeadLetterHeaders.REASON)).isEqualTo("orphan");
            assertThat(DeadLetterHeaders.text(record.headers(), DeadLetterHeaders.STAGE)).isEqualTo(Names.USER_VIEW);
            assertThat(DeadLetterHeaders.text(record.headers(), DeadLetterHeaders.ORIGIN_TOPIC)).isEqualTo(Names.USER_EVENTS);
            assertThat(DeadLetterHeaders.text(record.headers(), DeadLetterHeaders.ORIGIN_OFFSET)).isEqualTo("0");
            assertThat(new String(record.key())).isEqualTo("ghost");
            final UserEvent event = fixture.serdes.userEvents().deserializer().deserialize(Names.USER_EVENTS, record.value());
            assertThat(event.getPayload()).isEqualTo(new UserProfileUpdated("Nobody"));
        });
        assertThat(fixture.counters.get(LookoutCounters.Kind.DEAD_LETTERS, Names.USER_VIEW + "/orphan")).isEqualTo(1);
    }

    @Test
    void shouldCountTheAuthorsPostsAndComments() {
        send(registered("e-1", "u-1", "ada@example.com", "Ada", T0));
        fixture.contentEvents.pipeInput("p-1", post("c-1", "p-1", "u-1", "Notes", T0.plusSeconds(1)));
        fixture.contentEvents.pipeInput("p-1", comment("c-2", "cm-1", "p-1", "u-1", T0.plusSeconds(2)));
        fixture.contentEvents.pipeInput("p-1", comment("c-3", "cm-2", "p-1", "u-2", T0.plusSeconds(3)));

        final UserView view = user("u-1");
        assertThat(view.getPostCount()).isEqualTo(1);
        assertThat(view.getCommentCount()).isEqualTo(1);
        assertThat(view.getEventsApplied()).isEqualTo(3);
        assertThat(view.getUpdatedAt()).isEqualTo(T0.plusSeconds(2));
        final KeyValueStore<String, ParkedEvents> parking = fixture.driver.getKeyValueStore(Names.USER_PARKING_STORE);
        assertThat(parking.get("u-2").getItems()).as("the comment of an unregistered author waits").hasSize(1);

        send(registered("e-2", "u-2", "bob@example.com", "Bob", T0.plusSeconds(4)));

        assertThat(user("u-2").getCommentCount()).isEqualTo(1);
        final KeyValueStore<String, PostView> posts = fixture.driver.getKeyValueStore(Names.POSTS_STORE);
        assertThat(posts.get("p-1").getCommentCount()).isEqualTo(2);
    }

    @Test
    void shouldKeepTheNewestRegistrationsPerTaskNewestFirst() {
        fixture.close();
        fixture = new TopologyFixture(TopologyFixture.testSettings().toBuilder().recentRegistrations(3).build());
        final int[] seconds = {5, 1, 9, 3, 7};
        for (final int second : seconds) {
            send(registered("e-" + second, "u-" + second, "u" + second + "@example.com", null,
                    T0.plusSeconds(second)));
        }

        final KeyValueStore<Bytes, String> recent = fixture.driver.getKeyValueStore(Names.RECENT_REGISTRATIONS_STORE);
        final List<String> newestFirst = new ArrayList<>();
        try (KeyValueIterator<Bytes, String> all = recent.all()) {
            while (all.hasNext()) {
                final KeyValue<Bytes, String> entry = all.next();
                newestFirst.add(entry.value);
                assertThat(Keys.timeOfNewestFirst(entry.key)).isEqualTo(user(entry.value).getRegisteredAt().toEpochMilli());
            }
        }
        assertThat(newestFirst).containsExactly("u-9", "u-7", "u-5");
    }

    @Test
    void settingsRefuseAHistoryShorterThanGraceAndParking() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> TopologySettings.defaults().toBuilder()
                .userHistoryRetention(Duration.ofHours(1)).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("userHistoryRetention");
    }
}
