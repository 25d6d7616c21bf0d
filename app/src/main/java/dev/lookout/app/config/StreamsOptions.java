package dev.lookout.app.config;

import java.time.Duration;
import java.util.Locale;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** How the Kafka Streams job runs: its id, guarantee, threads and standbys, and the topics it creates. */
public final class StreamsOptions {

    @Spec(Spec.Target.MIXEE)
    private CommandSpec mixee;

    @Option(names = "--application-id", defaultValue = "lookout", description = "Kafka Streams application.id (default: ${DEFAULT-VALUE}).")
    private String applicationId;

    @Option(names = "--replication-factor", defaultValue = "-1", description = "Replication of created topics; -1 for the broker default (default: ${DEFAULT-VALUE}).")
    private short replicationFactor;

    @Option(names = "--create-topics", defaultValue = "true", arity = "1", description = "Create missing topics (default: ${DEFAULT-VALUE}).")
    private boolean createTopics;

    @Option(names = "--topic-retention", defaultValue = "-1", description = "retention.ms of created topics; -1 keeps events forever, so state can be rebuilt by replay. A finite retention counts from arrival (LogAppendTime), so a backfill of old events is not deleted at once (default: ${DEFAULT-VALUE}).")
    private long topicRetentionMs;

    @Option(names = "--processing-guarantee", defaultValue = "exactly_once_v2", description = "exactly_once_v2 or at_least_once (default: ${DEFAULT-VALUE}).")
    private String processingGuarantee;

    @Option(names = "--standby-replicas", defaultValue = "0", description = "num.standby.replicas (default: ${DEFAULT-VALUE}).")
    private int standbyReplicas;

    @Option(names = "--stream-threads", defaultValue = "1", description = "num.stream.threads (default: ${DEFAULT-VALUE}).")
    private int streamThreads;

    @Option(names = "--commit-interval", defaultValue = "0ms", converter = Durations.class, description = "commit.interval.ms; 0 keeps Kafka's default for the guarantee.")
    private Duration commitInterval;

    public String applicationId() {
        return applicationId;
    }

    /** The replication of created topics; the embedded single broker takes 1 for the broker default. */
    public short replicationFactor(final Mode mode) {
        if (replicationFactor == 0 || replicationFactor < -1) {
            throw checks().invalid("--replication-factor", replicationFactor,
                    "must be positive, or -1 for the broker default");
        }
        return mode == Mode.EMBEDDED && replicationFactor == -1 ? 1 : replicationFactor;
    }

    public boolean createTopics() {
        return createTopics;
    }

    public long topicRetentionMs() {
        return topicRetentionMs;
    }

    public String processingGuarantee() {
        final String guarantee = processingGuarantee.toLowerCase(Locale.ROOT);
        if (!guarantee.equals("exactly_once_v2") && !guarantee.equals("at_least_once")) {
            throw checks().invalid("--processing-guarantee", processingGuarantee,
                    "must be exactly_once_v2 or at_least_once");
        }
        return guarantee;
    }

    public int standbyReplicas() {
        if (standbyReplicas < 0) {
            throw checks().invalid("--standby-replicas", standbyReplicas, "must not be negative");
        }
        return standbyReplicas;
    }

    public int streamThreads() {
        checks().positive(streamThreads, "--stream-threads");
        return streamThreads;
    }

    public long commitIntervalMs() {
        return commitInterval.toMillis();
    }

    private OptionChecks checks() {
        return new OptionChecks(mixee);
    }
}
