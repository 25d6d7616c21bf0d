package dev.lookout.app.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;

import dev.lookout.events.AuthEvent;
import dev.lookout.events.CommentAdded;
import dev.lookout.events.ContentEvent;
import dev.lookout.events.PostPublished;
import dev.lookout.events.SecurityAlert;
import dev.lookout.topology.Names;
import dev.lookout.topology.TopologySettings;
import dev.lookout.topology.deadletter.DeadLetterHeaders;
import dev.lookout.topology.reference.ReferenceDetector;
import dev.lookout.topology.reference.ReferenceViews;
import dev.lookout.topology.reference.ViewTraffic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/** What a broker test reads back — topics to their end, the read model over HTTP — and compares to the references. */
public final class Outputs {

    private Outputs() {
    }

    /** Every committed record of a topic, from the start to its end as it is now. */
    public static <V> List<ConsumerRecord<String, V>> readAll(final TestSystem system, final String topic,
                                                              final Deserializer<V> values) {
        final Map<String, Object> props = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, system.cluster().bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        final List<ConsumerRecord<String, V>> records = new ArrayList<>();
        try (KafkaConsumer<String, V> consumer = new KafkaConsumer<>(props, new StringDeserializer(), values)) {
            final List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(info -> new TopicPartition(topic, info.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            // Under read_committed the end offsets are the last stable offsets.
            final Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(partition -> consumer.position(partition) < ends.get(partition))) {
                consumer.poll(Duration.ofMillis(500)).forEach(records::add);
            }
        }
        return records;
    }

    /**
     * The alerts on {@code security-alerts} equal, one for one, what the reference detector finds
     * in {@code auth}: none written twice, none missing, none extra, none different. Alerts of the
     * flush users ({@link Inputs#flush}) are left out. Returns how many were compared.
     */
    public static int assertAlertsMatchReference(final TestSystem system, final List<AuthEvent> auth,
                                                 final TopologySettings settings) {
        final ReferenceDetector.Result expected = ReferenceDetector.detect(auth, new ReferenceDetector.Rules(
                settings.failureThreshold(), settings.failureWindow().toMillis(), settings.takeoverWindow().toMillis(),
                settings.stuffingThreshold(), settings.grace().toMillis()));
        final List<ReferenceDetector.Alert> actual = new ArrayList<>();
        try (EventProducer producer = system.producer()) {
            for (final ConsumerRecord<String, SecurityAlert> record : readAll(system, Names.SECURITY_ALERTS,
                    producer.serdes().securityAlerts().deserializer())) {
                if (record.value().getUserIds().stream().noneMatch(user -> user.startsWith(Inputs.FLUSH_USER))) {
                    actual.add(ReferenceDetector.Alert.of(record.value()));
                }
            }
        }
        final Map<String, ReferenceDetector.Alert> byId = new TreeMap<>();
        final List<String> repeated = actual.stream().filter(alert -> byId.put(alert.alertId(), alert) != null)
                .map(ReferenceDetector.Alert::alertId).toList();
        final Map<String, ReferenceDetector.Alert> reference = new TreeMap<>();
        expected.alerts().forEach(alert -> reference.put(alert.alertId(), alert));
        assertThat(repeated).as("alerts written twice").isEmpty();
        assertThat(reference.values()).as("alerts missing")
                .filteredOn(alert -> !byId.containsKey(alert.alertId())).isEmpty();
        assertThat(byId.values()).as("alerts not in the reference")
                .filteredOn(alert -> !reference.containsKey(alert.alertId())).isEmpty();
        assertThat(byId.values()).as("alerts that differ from the reference")
                .filteredOn(alert -> !alert.equals(reference.get(alert.alertId()))).isEmpty();
        assertThat(reference.values()).extracting(ReferenceDetector.Alert::kind)
                .contains("REPEATED_LOGIN_FAILURE", "FAILURES_THEN_SUCCESS", "CREDENTIAL_STUFFING");
        return actual.size();
    }

    /**
     * Every user view (all pages), every post and a sample of the email index, read over HTTP,
     * equal the reference fold of {@code views}. Returns how many users were compared.
     */
    public static int assertReadModelMatchesReference(final int port, final List<ViewTraffic.Arrival> views,
                                                      final TopologySettings settings) {
        final ReferenceViews.Result expected = ReferenceViews.fold(views, settings.grace().toMillis());
        final Map<String, ReferenceViews.User> actual = new TreeMap<>();
        String cursor = null;
        do {
            final JsonNode page = Http.get(port, "/api/users?limit=500" + (cursor == null ? "" : "&cursor=" + cursor))
                    .json();
            assertThat(page.get("partial").asBoolean()).isFalse();
            page.get("items").forEach(user -> actual.put(user.get("userId").asText(), new ReferenceViews.User(
                    user.get("userId").asText(), user.get("email").asText(),
                    user.get("displayName").isNull() ? null : user.get("displayName").asText(),
                    user.get("status").asText(), Instant.parse(user.get("registeredAt").asText()).toEpochMilli(),
                    Instant.parse(user.get("updatedAt").asText()).toEpochMilli(), user.get("postCount").asLong(),
                    user.get("commentCount").asLong(), user.get("eventsApplied").asLong())));
            cursor = page.get("nextCursor").isNull() ? null : page.get("nextCursor").asText();
        } while (cursor != null);
        assertThat(actual).as("every user view").hasSameSizeAs(expected.users());
        final List<String> differences = new ArrayList<>();
        expected.users().forEach((userId, user) -> {
            if (!user.equals(actual.get(userId))) {
                differences.add(describe(port, userId, user, actual.get(userId), views));
            }
        });
        assertThat(differences).as("user views that differ from the reference fold").isEmpty();
        expected.posts().forEach((postId, post) -> {
            final JsonNode view = Http.get(port, "/api/posts/" + postId).json();
            assertThat(view.get("commentCount").asLong()).as(postId).isEqualTo(post.commentCount());
            assertThat(view.get("title").asText()).as(postId).isEqualTo(post.title());
        });
        expected.emailIndex().entrySet().stream().limit(200).forEach(entry -> {
            final Http.Answer owner = Http.get(port, "/api/users?email="
                    + URLEncoder.encode(entry.getKey(), StandardCharsets.UTF_8));
            assertThat(owner.status()).as(entry.getKey() + ": " + owner.body()).isEqualTo(200);
            assertThat(owner.json().get("userId").asText()).as(entry.getKey()).isEqualTo(entry.getValue());
        });
        return actual.size();
    }

    /** Every dead letter, described by its stage, reason, origin and message. */
    public static List<String> deadLetters(final TestSystem system) {
        return readAll(system, Names.DEAD_LETTERS, new ByteArrayDeserializer()).stream()
                .map(record -> header(record, DeadLetterHeaders.STAGE) + "/" + header(record, DeadLetterHeaders.REASON)
                        + " from " + header(record, DeadLetterHeaders.ORIGIN_TOPIC) + "-"
                        + header(record, DeadLetterHeaders.ORIGIN_PARTITION) + "@"
                        + header(record, DeadLetterHeaders.ORIGIN_OFFSET) + ": "
                        + header(record, DeadLetterHeaders.ERROR_MESSAGE))
                .toList();
    }

    private static String header(final ConsumerRecord<?, ?> record, final String name) {
        final Header header = record.headers().lastHeader(name);
        return header == null ? "-" : new String(header.value(), StandardCharsets.UTF_8);
    }

    /** One user's expected and actual view, with the content events it authored and their posts. */
    private static String describe(final int port, final String userId, final ReferenceViews.User expected,
                                   final ReferenceViews.User actual, final List<ViewTraffic.Arrival> views) {
        final StringBuilder text = new StringBuilder(userId).append("\n  expected ").append(expected)
                .append("\n  actual   ").append(actual);
        for (int i = 0; i < views.size(); i++) {
            final ViewTraffic.Arrival arrival = views.get(i);
            if (arrival.userEvent()) {
                continue;
            }
            final ContentEvent event = arrival.content();
            final boolean post = event.getPayload() instanceof PostPublished;
            final String author = post ? ((PostPublished) event.getPayload()).getAuthorId()
                    : ((CommentAdded) event.getPayload()).getAuthorId();
            if (author.equals(userId)) {
                final String postId = post ? ((PostPublished) event.getPayload()).getPostId()
                        : ((CommentAdded) event.getPayload()).getPostId();
                text.append("\n  arrival ").append(i).append(' ').append(event.getEventId()).append(' ')
                        .append(post ? "post " : "comment on ").append(postId).append(" at ")
                        .append(event.getOccurredAt()).append(" -> ").append(Http.get(port, "/api/posts/" + postId).body());
            }
        }
        return text.toString();
    }
}
