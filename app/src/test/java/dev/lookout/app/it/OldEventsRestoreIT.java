package dev.lookout.app.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import dev.lookout.app.LookoutApp;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import dev.lookout.events.AuthEvent;
import dev.lookout.events.UserEvent;
import dev.lookout.serde.AvroSerdeConfig;
import dev.lookout.topology.EventSerdes;
import dev.lookout.topology.Events;
import dev.lookout.topology.LookoutTopology;
import dev.lookout.topology.Names;
import dev.lookout.topology.TopologySettings;
import dev.lookout.topology.ingest.EventShape;
import dev.lookout.topology.reference.AuthTraffic;
import dev.lookout.topology.reference.ReferenceViews;
import dev.lookout.topology.reference.ViewTraffic;
import org.apache.kafka.streams.TopologyDescription;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A replay of old events survives a lost state directory. Events dated 90 days before the day the
 * test runs — a backfill — go through every input, next to a few events from today on one
 * partition. The brokers check retention every second and close a segment once it spans a minute
 * of record time ({@link Housekeeping#EAGER}), so any changelog that deletes by record time loses
 * records inside the test, and a compacted changelog gets compacted.
 *
 * <p>After both have demonstrably run, the state directory is wiped and every store restored from
 * its changelogs: the answers must equal those before, byte for byte, and the reference folds.
 * Then one already-applied event of each input is sent again: each must count as a duplicate, and
 * no answer may change.
 */
@Timeout(600)
class OldEventsRestoreIT {

    private static final Instant OLD = TestDates.daysAgo(90);
    private static final Instant TODAY = Instant.now().truncatedTo(ChronoUnit.MINUTES).minus(Duration.ofHours(2));
    private static final int PARTITIONS = 6;
    /** The one partition of each input that also gets today's events. */
    private static final int TODAY_PARTITION = 5;

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = TestCluster.Kind.class)
    void aRestoreAfterAReplayOfOldEventsGivesBackEverythingAndDuplicatesCountOnce(final TestCluster.Kind kind,
                                                                                  @TempDir final Path dir)
            throws Exception {
        assumeThat(TestCluster.unavailableReason(kind)).as(TestCluster.unavailableReason(kind)).isNull();
        final TopologySettings settings = TopologySettings.defaults();
        final List<AuthEvent> auth = new ArrayList<>(AuthTraffic.arrivals(AuthTraffic.Shape.onTime(14, 16_000, OLD)));
        final List<ViewTraffic.Arrival> views = new ArrayList<>(ViewTraffic.arrivals(14, 1_500, 800, OLD,
                settings.grace().toMillis(), 0.0));
        final Today today = new Today();
        views.addAll(today.views);

        try (TestSystem system = new TestSystem(kind, dir, Housekeeping.EAGER);
             EventProducer producer = system.producer()) {
            final String bootstrap = system.cluster().bootstrapServers();
            final List<String> args = system.instanceArgs("--partitions", Integer.toString(PARTITIONS));
            final Path state = Path.of(args.get(args.indexOf("--state-dir") + 1));
            LookoutApp app = system.startApp(args);
            awaitReady(app);
            // The backfill, released by every detector (two flushes days later), then today's events.
            ViewTraffic.interleave(auth, views.subList(0, views.size() - today.views.size()))
                    .forEach(producer::sendAsync);
            producer.flush();
            final List<AuthEvent> flushes = new ArrayList<>();
            for (final int day : new int[] {2, 3}) {
                for (int partition = 0; partition < PARTITIONS; partition++) {
                    final AuthEvent flush = Events.failed("flush-" + day + "-" + partition,
                            Keys.inPartition(Inputs.FLUSH_USER, partition, PARTITIONS),
                            Keys.inPartition("192.0.2.", partition, PARTITIONS), OLD.plus(Duration.ofDays(day)));
                    producer.send(flush);
                    flushes.add(flush);
                }
            }
            auth.addAll(flushes);
            today.views.forEach(arrival -> producer.sendAsync(arrival.event()));
            today.auth.forEach(producer::sendAsync);
            producer.flush();
            auth.addAll(today.auth);
            awaitCaughtUp(bootstrap);

            assertEveryChangelogIsCompactedOnly(bootstrap);

            final ReferenceViews.Result reference = ReferenceViews.fold(views, settings.grace().toMillis());
            final Instant midway = OLD.plus(Duration.ofMinutes(30));
            Outputs.assertReadModelMatchesReference(app.httpPort(), views, settings);
            final int alerts = Outputs.assertAlertsMatchReference(system, auth, settings);
            final Map<String, String> before = Answers.snapshot(app.httpPort(), reference, midway);
            // Today's events move partition 5 a quarter of a year on: what waited there for a user or
            // a post that never came is now an orphan.
            final List<String> rejected = Outputs.deadLetters(system);
            assertThat(Answers.ok(app.httpPort(), "/api/users/" + today.user + "/alerts", before).json().get("items"))
                    .as("today's alerts").hasSize(2);

            // Whatever the broker deletes or compacts by record time, it has done by now.
            Housekeeping.awaitRetentionPass(bootstrap, OLD, system.cluster().replicationFactor());
            Housekeeping.awaitCleanerPass(bootstrap, OLD, system.cluster().replicationFactor());
            app.close();
            deleteRecursively(state);

            app = system.startApp(args);
            awaitReady(app);
            final int port = app.httpPort();
            Answers.assertSame(Answers.snapshot(port, reference, midway), before);

            // One applied event of each input again, each on a partition whose clock it still is
            // (inside the grace), so that only deduplication can keep it from counting twice.
            final Map<String, Double> duplicates = Map.of(
                    Names.USER_EVENTS, duplicates(port, Names.USER_EVENTS),
                    Names.CONTENT_EVENTS, duplicates(port, Names.CONTENT_EVENTS),
                    Names.AUTH_EVENTS, duplicates(port, Names.AUTH_EVENTS));
            producer.send(newestOldUserEvent(views));
            producer.send(views.stream().filter(arrival -> !arrival.userEvent()).map(ViewTraffic.Arrival::content)
                    .filter(event -> Keys.partitionOf(EventShape.CONTENT.expectedKey(event), PARTITIONS) == 0)
                    .findFirst().orElseThrow());
            // The last flush of partition 0: its clock.
            producer.send(flushes.get(PARTITIONS));
            await("each resent event counted as a duplicate").atMost(Duration.ofSeconds(60))
                    .untilAsserted(() -> duplicates.forEach((topic, count) ->
                            assertThat(duplicates(port, topic)).as(topic).isEqualTo(count + 1)));
            awaitCaughtUp(bootstrap);
            Answers.assertSame(Answers.snapshot(port, reference, midway), before);
            assertThat(Outputs.deadLetters(system)).as("no resent event was rejected")
                    .containsExactlyInAnyOrderElementsOf(rejected);
            System.out.printf("OLD EVENTS (%s): %d users, %d alerts, %d answers equal after the restore%n", kind,
                    reference.users().size(), alerts, before.size());
            app.close();
        }
    }

    /** Today's events: one user on {@link #TODAY_PARTITION} who registers, posts and is attacked. */
    private static final class Today {
        final String user = Keys.inPartition("today-user-", TODAY_PARTITION, PARTITIONS);
        final List<ViewTraffic.Arrival> views = new ArrayList<>();
        final List<AuthEvent> auth = new ArrayList<>();

        Today() {
            final String ip = "198.51.100.7";
            final String post = Keys.inPartition("today-post-", TODAY_PARTITION, PARTITIONS);
            views.add(new ViewTraffic.Arrival(true, Events.registered("today-1", user, user + "@example.com",
                    "Today", TODAY)));
            views.add(new ViewTraffic.Arrival(true, Events.renamed("today-2", user, "Today, renamed",
                    TODAY.plusSeconds(60))));
            views.add(new ViewTraffic.Arrival(false, Events.post("today-3", post, user, "Posted today",
                    TODAY.plusSeconds(120))));
            views.add(new ViewTraffic.Arrival(false, Events.comment("today-4", "today-comment", post, user,
                    TODAY.plusSeconds(180))));
            for (int i = 0; i < 3; i++) {
                auth.add(Events.failed("today-fail-" + i, user, ip, TODAY.plusSeconds(600 + 10L * i)));
            }
            auth.add(Events.succeeded("today-success", user, ip, TODAY.plusSeconds(660)));
            final String flushUser = Keys.inPartition(Inputs.FLUSH_USER, TODAY_PARTITION, PARTITIONS);
            auth.add(Events.failed("today-flush-1", flushUser, "192.0.2.200", TODAY.plusSeconds(1_200)));
            auth.add(Events.failed("today-flush-2", flushUser, "192.0.2.200", TODAY.plusSeconds(1_800)));
        }
    }

    /**
     * The newest user event of partition 0, which only the backfill reaches: its partition's
     * clock, so a copy of it is inside the grace.
     */
    private static UserEvent newestOldUserEvent(final List<ViewTraffic.Arrival> views) {
        return views.stream().filter(ViewTraffic.Arrival::userEvent).map(ViewTraffic.Arrival::user)
                .filter(event -> Keys.partitionOf(EventShape.USER.expectedKey(event), PARTITIONS) == 0)
                .max(Comparator.comparing(UserEvent::getOccurredAt)).orElseThrow();
    }

    /**
     * The broker's own view of every changelog the app created: compacted by key only, never
     * deleted by time, and stamped with the broker's append time.
     */
    private static void assertEveryChangelogIsCompactedOnly(final String bootstrap) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            final List<String> changelogs = admin.listTopics().names().get().stream()
                    .filter(topic -> topic.startsWith("lookout-it-") && topic.endsWith("-changelog")).sorted().toList();
            final List<String> stores = LookoutTopology.build(TopologySettings.defaults(), EventSerdes.create(
                            Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, "mem://changelogs"))).describe().subtopologies()
                    .stream().flatMap(subtopology -> subtopology.nodes().stream())
                    .filter(node -> node instanceof TopologyDescription.Processor)
                    .flatMap(node -> ((TopologyDescription.Processor) node).stores().stream())
                    .map(store -> "lookout-it-" + store + "-changelog").distinct().sorted().toList();
            assertThat(changelogs).as("a changelog for every store").isEqualTo(stores);
            admin.describeConfigs(changelogs.stream().map(topic -> new ConfigResource(ConfigResource.Type.TOPIC, topic))
                    .toList()).all().get().forEach((topic, config) -> {
                assertThat(config.get(TopicConfig.CLEANUP_POLICY_CONFIG).value()).as(topic.name())
                        .isEqualTo(TopicConfig.CLEANUP_POLICY_COMPACT);
                assertThat(config.get(TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG).value()).as(topic.name())
                        .isEqualTo("LogAppendTime");
            });
        }
    }

    private static double duplicates(final int port, final String topic) {
        return Answers.metric(port, "lookout_duplicates_total", "topic=\"" + topic + "\"");
    }

    private static void awaitReady(final LookoutApp app) {
        await("ready").atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500))
                .until(() -> Http.get(app.httpPort(), "/health/ready").status() == 200);
    }

    private static void awaitCaughtUp(final String bootstrap) throws Exception {
        try (Progress progress = new Progress(bootstrap, "lookout-it")) {
            await("caught up").atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofSeconds(1))
                    .until(progress::caughtUp);
        }
    }

    private static void deleteRecursively(final Path root) throws Exception {
        try (Stream<Path> paths = java.nio.file.Files.walk(root)) {
            for (final Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                java.nio.file.Files.delete(path);
            }
        }
    }
}
