package dev.lookout.app.config;

import java.time.Duration;
import java.util.Map;

import dev.lookout.topology.TopologySettings;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** The topology's settings: partitions, event-time bounds, retention of the views, detection thresholds. */
public final class TopologyOptions {

    /** Which option sets each field of {@link TopologySettings}, to name it in an error. */
    private static final Map<String, String> FLAGS = Map.ofEntries(
            Map.entry("partitions", "--partitions"), Map.entry("grace", "--grace"),
            Map.entry("dedupHorizon", "--dedup-horizon"), Map.entry("userHistoryRetention", "--history-retention"),
            Map.entry("recentRegistrations", "--recent-registrations"),
            Map.entry("parkingTimeout", "--parking-timeout"), Map.entry("failureThreshold", "--failure-threshold"),
            Map.entry("failureWindow", "--failure-window"), Map.entry("takeoverWindow", "--takeover-window"),
            Map.entry("stuffingThreshold", "--stuffing-threshold"), Map.entry("alertRetention", "--alert-retention"),
            Map.entry("sourceIdleTimeout", "--idle-timeout"));

    @Spec(Spec.Target.MIXEE)
    private CommandSpec mixee;

    @Option(names = "--partitions", defaultValue = "6", description = "Partitions of the input topics and repartitions (default: ${DEFAULT-VALUE}).")
    private int partitions;

    @Option(names = "--grace", defaultValue = "30s", converter = Durations.class, description = "How far out of event-time order events may arrive (default: ${DEFAULT-VALUE}).")
    private Duration grace;

    @Option(names = "--dedup-horizon", defaultValue = "7d", converter = Durations.class, description = "How long event ids of posts and comments are remembered (default: ${DEFAULT-VALUE}); user and auth event ids are kept for the grace, since older copies are late.")
    private Duration dedupHorizon;

    @Option(names = "--history-retention", defaultValue = "30d", converter = Durations.class, description = "How far back 'as of' user reads reach (default: ${DEFAULT-VALUE}).")
    private Duration historyRetention;

    @Option(names = "--recent-registrations", defaultValue = "100", description = "Newest registrations kept per task (default: ${DEFAULT-VALUE}).")
    private int recentRegistrations;

    @Option(names = "--parking-timeout", defaultValue = "1d", converter = Durations.class, description = "How long events wait for their user or post (default: ${DEFAULT-VALUE}).")
    private Duration parkingTimeout;

    @Option(names = "--failure-threshold", defaultValue = "3", description = "N failed logins that raise REPEATED_LOGIN_FAILURE (default: ${DEFAULT-VALUE}).")
    private int failureThreshold;

    @Option(names = "--failure-window", defaultValue = "5m", converter = Durations.class, description = "W, the window for N failures (default: ${DEFAULT-VALUE}).")
    private Duration failureWindow;

    @Option(names = "--takeover-window", defaultValue = "10m", converter = Durations.class, description = "T for FAILURES_THEN_SUCCESS (default: ${DEFAULT-VALUE}).")
    private Duration takeoverWindow;

    @Option(names = "--stuffing-threshold", defaultValue = "20", description = "M distinct users per address for CREDENTIAL_STUFFING (default: ${DEFAULT-VALUE}).")
    private int stuffingThreshold;

    @Option(names = "--alert-retention", defaultValue = "30d", converter = Durations.class, description = "How long a user's alerts stay queryable (default: ${DEFAULT-VALUE}).")
    private Duration alertRetention;

    @Option(names = "--idle-timeout", defaultValue = "30s", converter = Durations.class, description = "Wall-clock time without events after which an auth-events partition releases what it holds, so alerts do not wait for more traffic (default: ${DEFAULT-VALUE}, the grace).")
    private Duration idleTimeout;

    /** The validated settings; an error names the option, not the settings' field. */
    public TopologySettings settings() {
        new OptionChecks(mixee).positive(partitions, "--partitions");
        try {
            return TopologySettings.defaults().toBuilder()
                    .partitions(partitions).grace(grace).dedupHorizon(dedupHorizon)
                    .userHistoryRetention(historyRetention).recentRegistrations(recentRegistrations)
                    .parkingTimeout(parkingTimeout).failureThreshold(failureThreshold).failureWindow(failureWindow)
                    .takeoverWindow(takeoverWindow).stuffingThreshold(stuffingThreshold).alertRetention(alertRetention)
                    .sourceIdleTimeout(idleTimeout).build();
        } catch (IllegalArgumentException e) {
            throw new OptionChecks(mixee).problem("Invalid setting: " + flagNames(e.getMessage()));
        }
    }

    private static String flagNames(final String message) {
        String result = message;
        for (final Map.Entry<String, String> entry : FLAGS.entrySet()) {
            result = result.replaceAll("\\b" + entry.getKey() + "\\b", entry.getValue());
        }
        return result;
    }
}
