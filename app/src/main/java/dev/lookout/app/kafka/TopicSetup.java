package dev.lookout.app.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import dev.failsafe.Failsafe;
import dev.failsafe.FailsafeException;
import dev.failsafe.RetryPolicy;
import dev.failsafe.function.CheckedSupplier;
import dev.lookout.topology.Names;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.record.TimestampType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes sure Lookout's public topics exist with the right partition counts before the job
 * starts, so that a wrong deployment fails at start-up with a message instead of computing wrong
 * views.
 *
 * <p>Three counts are load-bearing and must equal {@code --partitions}: {@code user-events} is
 * read in one task with the {@code author-activity} repartition; the credential-stuffing detector
 * waits for progress from each of the {@code auth-events} partitions; and {@code security-alerts}
 * backs the alert views that the API lists across partitions.
 */
public final class TopicSetup {

    private static final Logger LOG = LoggerFactory.getLogger(TopicSetup.class);
    private static final List<String> TOPICS = List.of(Names.USER_EVENTS, Names.CONTENT_EVENTS, Names.AUTH_EVENTS,
            Names.SECURITY_ALERTS, Names.DEAD_LETTERS);
    private static final List<String> MUST_MATCH_PARTITIONS = List.of(Names.USER_EVENTS, Names.AUTH_EVENTS,
            Names.SECURITY_ALERTS);

    private TopicSetup() {
    }

    /** What topics to create, if missing. */
    public record Plan(int partitions, short replicationFactor, long retentionMs, boolean create) {
    }

    /**
     * Creates missing topics (when allowed) and checks the partition counts.
     *
     * @throws IllegalStateException naming the topic and what to do
     */
    public static void ensure(final Admin admin, final Plan plan) throws InterruptedException {
        try {
            final Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            final List<NewTopic> missing = new ArrayList<>();
            for (final String topic : TOPICS) {
                if (!existing.contains(topic)) {
                    if (!plan.create()) {
                        throw new IllegalStateException("Topic " + topic + " does not exist. Create it with "
                                + plan.partitions() + " partitions, or start with --create-topics=true.");
                    }
                    missing.add(new NewTopic(topic, Optional.of(plan.partitions()),
                            plan.replicationFactor() < 0 ? Optional.empty() : Optional.of(plan.replicationFactor()))
                            .configs(configs(plan.retentionMs())));
                }
            }
            create(admin, missing);
            final Map<String, TopicDescription> descriptions = describe(admin);
            warnOfDeletionByRecordTime(admin);
            for (final String topic : MUST_MATCH_PARTITIONS) {
                final int actual = descriptions.get(topic).partitions().size();
                if (actual != plan.partitions()) {
                    throw new IllegalStateException("Topic " + topic + " has " + actual + " partitions but --partitions is "
                            + plan.partitions() + ". Lookout co-partitions it with its repartition topics, so the counts "
                            + "must match: set --partitions=" + actual + ".");
                }
            }
        } catch (ExecutionException | TimeoutException e) {
            final Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
            throw new IllegalStateException("Cannot check Lookout's topics: " + cause
                    + (cause instanceof TimeoutException || cause instanceof org.apache.kafka.common.errors.TimeoutException
                    ? " (is the cluster reachable at --bootstrap-servers, and does security.protocol match its listener?)"
                    : ""), e);
        }
    }

    /**
     * The configuration of a topic Lookout creates. With a finite retention, records are kept for
     * that long after they arrive ({@code LogAppendTime}): by their own timestamps, which producers
     * and Lookout set to event times, a backfill of old events would be deleted as soon as it is
     * written. Lookout reads event times from the records' values, never from their timestamps.
     * With the default, -1, nothing is deleted and the producers' timestamps are kept.
     */
    static Map<String, String> configs(final long retentionMs) {
        if (retentionMs < 0) {
            return Map.of(TopicConfig.RETENTION_MS_CONFIG, Long.toString(retentionMs));
        }
        return Map.of(TopicConfig.RETENTION_MS_CONFIG, Long.toString(retentionMs),
                TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG, TimestampType.LOG_APPEND_TIME.name);
    }

    /**
     * Warns, once per topic, of a public topic that deletes records by their own timestamps: events
     * older than its retention (a backfill, a replay) would be deleted before Lookout reads them.
     */
    private static void warnOfDeletionByRecordTime(final Admin admin)
            throws InterruptedException, ExecutionException, TimeoutException {
        final List<ConfigResource> resources = TOPICS.stream()
                .map(topic -> new ConfigResource(ConfigResource.Type.TOPIC, topic)).toList();
        retried(() -> admin.describeConfigs(resources).all().get(30, TimeUnit.SECONDS)).forEach((resource, config) -> {
            final String policy = value(config, TopicConfig.CLEANUP_POLICY_CONFIG);
            final long retention = Long.parseLong(value(config, TopicConfig.RETENTION_MS_CONFIG));
            final String timestamps = value(config, TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG);
            if (policy.contains(TopicConfig.CLEANUP_POLICY_DELETE) && retention >= 0
                    && TimestampType.CREATE_TIME.name.equals(timestamps)) {
                LOG.warn("Topic {} deletes records {} ms after their own timestamps (retention.ms with CreateTime): "
                        + "events older than that, as in a backfill or a replay, are deleted as soon as they are "
                        + "written. Set retention.ms=-1 or message.timestamp.type=LogAppendTime on it.",
                        resource.name(), retention);
            }
        });
    }

    private static String value(final Config config, final String name) {
        final ConfigEntry entry = config.get(name);
        return entry == null || entry.value() == null ? "" : entry.value();
    }

    /** Describes the topics whose counts matter. */
    private static Map<String, TopicDescription> describe(final Admin admin)
            throws InterruptedException, ExecutionException, TimeoutException {
        return retried(() -> admin.describeTopics(MUST_MATCH_PARTITIONS).allTopicNames().get(30, TimeUnit.SECONDS));
    }

    /**
     * Runs an admin call, retrying its retriable errors for up to 30 seconds: on a cluster of
     * several brokers a topic just created may not have reached the broker that answers yet
     * ({@code UnknownTopicOrPartition}).
     */
    private static <T> T retried(final CheckedSupplier<T> call)
            throws InterruptedException, ExecutionException, TimeoutException {
        final RetryPolicy<T> retry = RetryPolicy.<T>builder()
                .handleIf(e -> e instanceof ExecutionException && e.getCause() instanceof RetriableException)
                .withBackoff(Duration.ofMillis(100), Duration.ofSeconds(2))
                .withMaxDuration(Duration.ofSeconds(30))
                .withMaxRetries(-1)
                .build();
        try {
            return Failsafe.with(retry).get(call);
        } catch (FailsafeException e) {
            if (e.getCause() instanceof InterruptedException interrupted) {
                throw interrupted;
            }
            if (e.getCause() instanceof ExecutionException failed) {
                throw failed;
            }
            if (e.getCause() instanceof TimeoutException timeout) {
                throw timeout;
            }
            throw e;
        }
    }

    private static void create(final Admin admin, final List<NewTopic> missing)
            throws InterruptedException, TimeoutException, ExecutionException {
        if (missing.isEmpty()) {
            return;
        }
        try {
            admin.createTopics(missing).all().get(30, TimeUnit.SECONDS);
            LOG.info("Created topics {}", missing.stream().map(NewTopic::name).toList());
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw e;
            }
            LOG.info("Topics were created concurrently by another instance");
        }
    }
}
