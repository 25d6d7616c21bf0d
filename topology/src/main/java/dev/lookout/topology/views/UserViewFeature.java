package dev.lookout.topology.views;

import java.util.Map;

import dev.lookout.events.UserEvent;
import dev.lookout.internal.AuthorActivity;
import dev.lookout.internal.EmailClaim;
import dev.lookout.internal.ParkedEvents;
import dev.lookout.internal.UserHistoryEntry;
import dev.lookout.internal.UserView;
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
 * The user view, with the recent registrations and the feed of the email index.
 *
 * <ul>
 *   <li>Inputs: {@code user-events} (keyed by {@code user_id}) through {@link Ingest}, with
 *       lateness: events more than the grace older than the partition's newest are dead letters;
 *       and the {@code author-activity} repartition from {@link PostViewFeature}.</li>
 *   <li>Stores: {@code users} — each user's latest view, by user id (also the list of users in
 *       id order); {@code user-history} — each user's applied events in event-time order with the
 *       view as of each, for "as of" reads and the event history, reaching back
 *       {@code userHistoryRetention} from {@code users-clock} (see {@link UserHistory});
 *       {@code recent-registrations} — the newest {@code recentRegistrations} per task, keyed
 *       newest first (in memory, changelogged); {@code user-parking} — events for users who have
 *       not registered yet (see {@link Parking}).</li>
 *   <li>Outputs: email claims, re-keyed by address through the {@code email-claims} repartition
 *       (returned, for {@link EmailIndexFeature}); expired parked events to {@code lookout.dlq}.</li>
 * </ul>
 *
 * <p>Events within the grace are applied in event-time order in effect: the fold is
 * order-independent and a late event amends every later version (see {@link UserViewCore}).
 */
public final class UserViewFeature {

    private final TopologySettings settings;
    private final EventSerdes serdes;
    private final Topics topics;

    public UserViewFeature(final TopologySettings settings, final EventSerdes serdes, final Topics topics) {
        this.settings = settings;
        this.serdes = serdes;
        this.topics = topics;
    }

    /** Adds the user view; returns email claims, partitioned by address. */
    public KStream<String, EmailClaim> addTo(final StreamsBuilder builder,
                                             final KStream<String, AuthorActivity> authorActivity) {
        // Not cached: interactive range queries (the user list) read past Kafka Streams' record cache, so a
        // cached store would list a user older than a key lookup answers until the next commit.
        builder.addStateStore(StateStores.keyValue(Names.USERS_STORE, Serdes.String(), serdes.internal(UserView.class)));
        builder.addStateStore(StateStores.keyValue(Names.USER_HISTORY_STORE, Serdes.Bytes(),
                serdes.internal(UserHistoryEntry.class)));
        builder.addStateStore(StateStores.newest(Names.RECENT_REGISTRATIONS_STORE, Serdes.String()));
        builder.addStateStore(StateStores.keyValue(Names.USER_PARKING_STORE, Serdes.String(),
                serdes.internal(ParkedEvents.class)));
        builder.addStateStore(StateStores.clock(Names.USERS_CLOCK_STORE));

        final KStream<String, UserEvent> events = Ingest.read(builder, topics.userEvents(), EventShape.USER,
                new Ingest.Steps(Names.USER_EVENTS_SOURCE, Names.USER_EVENTS_GUARD, Names.USER_EVENTS_DEDUP,
                        Names.USER_EVENTS_CLOCK_STORE, Names.USER_EVENT_IDS_STORE), settings);
        final DeadLetters deadLetters = new DeadLetters(topics);
        // One processor for both inputs: the task then has one core, with one users clock.
        final Map<String, KStream<String, Emitted>> outputs = widen(events)
                .merge(widen(authorActivity), Named.as(Names.USER_VIEW_INPUT))
                .process(() -> new UserViewProcessor(settings, deadLetters), Named.as(Names.USER_VIEW),
                        Names.USERS_STORE, Names.USER_HISTORY_STORE, Names.RECENT_REGISTRATIONS_STORE,
                        Names.USER_PARKING_STORE, Names.USERS_CLOCK_STORE)
                .split(Named.as(Names.USER_VIEW_BRANCH))
                .branch((key, emitted) -> emitted instanceof Emitted.Dead, Branched.as(Names.BRANCH_DEAD_LETTERS))
                .defaultBranch(Branched.as(Names.BRANCH_EMAIL_CLAIMS));
        DeadLetters.sink(outputs.get(Names.USER_VIEW_BRANCH + Names.BRANCH_DEAD_LETTERS), Names.USER_VIEW_BRANCH, topics);
        // The index is looked up by address, so it must be partitioned by address.
        return outputs.get(Names.USER_VIEW_BRANCH + Names.BRANCH_EMAIL_CLAIMS)
                .mapValues(emitted -> ((Emitted.Claim) emitted).claim(),
                        Named.as(Names.unwrap(Names.USER_VIEW_BRANCH, Names.BRANCH_EMAIL_CLAIMS)))
                .repartition(Repartitioned.<String, EmailClaim>as(Names.EMAIL_CLAIMS_REPARTITION)
                        .withKeySerde(Serdes.String())
                        .withValueSerde(serdes.internal(EmailClaim.class))
                        .withNumberOfPartitions(settings.partitions()));
    }

    /**
     * The stream as a stream of {@code Object}, so that two inputs of different types can be merged
     * into one processor. Nothing is serialized between the merge and the processor, so no serde
     * sees the wider type.
     */
    @SuppressWarnings("unchecked")
    private static KStream<String, Object> widen(final KStream<String, ?> stream) {
        return (KStream<String, Object>) stream;
    }
}
