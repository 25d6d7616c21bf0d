package dev.lookout.topology;

import java.time.Duration;

/**
 * Every tunable of the topology, with its default. Immutable and validated: an impossible
 * combination fails here, naming the setting, before any topology is built.
 *
 * @param partitions partitions of the input topics; the repartition topics get the same count so
 *     that re-keyed data lands with the state it updates
 * @param grace how far out of event-time order user and auth events may arrive; older ones are
 *     dead letters with reason {@code late}
 * @param dedupHorizon how long an {@code event_id} of a post or comment is remembered for
 *        deduplication (user and auth event ids are kept for the grace: older copies are late)
 * @param userHistoryRetention how far back "as of" queries on the user view reach
 * @param recentRegistrations how many newest registrations each task keeps
 * @param parkingTimeout how long events about a user or post that does not exist yet wait for it
 * @param parkingLimit how many events may wait for one user or post
 * @param failureThreshold N: failed logins of one user that raise {@code REPEATED_LOGIN_FAILURE}
 * @param failureWindow W: the window for N failures; also the quiet time that ends an episode and
 *     the window of the credential-stuffing pattern
 * @param takeoverWindow T: how long after reaching N failures a success raises
 *     {@code FAILURES_THEN_SUCCESS}
 * @param stuffingThreshold M: distinct users failing from one address that raise
 *     {@code CREDENTIAL_STUFFING}
 * @param alertRetention how long alerts stay in the per-user alert view
 * @param recentAlerts how many newest alerts each task keeps for the alert list
 * @param sourceIdleTimeout wall-clock time without events after which an auth-events partition
 *     releases everything it holds, as if the grace had passed, and stops holding back the
 *     credential-stuffing detector
 */
public record TopologySettings(
        int partitions,
        Duration grace,
        Duration dedupHorizon,
        Duration userHistoryRetention,
        int recentRegistrations,
        Duration parkingTimeout,
        int parkingLimit,
        int failureThreshold,
        Duration failureWindow,
        Duration takeoverWindow,
        int stuffingThreshold,
        Duration alertRetention,
        int recentAlerts,
        Duration sourceIdleTimeout) {

    public TopologySettings {
        positive("partitions", partitions);
        notNegative("grace", grace);
        positive("dedupHorizon", dedupHorizon);
        positive("userHistoryRetention", userHistoryRetention);
        positive("recentRegistrations", recentRegistrations);
        positive("parkingTimeout", parkingTimeout);
        positive("parkingLimit", parkingLimit);
        positive("failureThreshold", failureThreshold);
        positive("failureWindow", failureWindow);
        positive("takeoverWindow", takeoverWindow);
        positive("stuffingThreshold", stuffingThreshold);
        positive("alertRetention", alertRetention);
        positive("recentAlerts", recentAlerts);
        positive("sourceIdleTimeout", sourceIdleTimeout);
        if (userHistoryRetention.compareTo(grace.plus(parkingTimeout)) <= 0) {
            throw new IllegalArgumentException("userHistoryRetention (" + userHistoryRetention
                    + ") must exceed grace + parkingTimeout (" + grace.plus(parkingTimeout)
                    + "): late and parked events amend the user's history");
        }
        if (dedupHorizon.compareTo(grace) < 0) {
            throw new IllegalArgumentException("dedupHorizon (" + dedupHorizon + ") must be at least grace (" + grace
                    + "): a duplicate inside the grace period must still be recognised");
        }
    }

    /** The defaults of every setting. */
    public static TopologySettings defaults() {
        return new TopologySettings(6, Duration.ofSeconds(30), Duration.ofDays(7), Duration.ofDays(30), 100,
                Duration.ofDays(1), 1_000, 3, Duration.ofMinutes(5), Duration.ofMinutes(10), 20, Duration.ofDays(30),
                500, Duration.ofSeconds(30));
    }

    public Builder toBuilder() {
        return new Builder(this);
    }

    private static void positive(final String name, final int value) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be positive, was " + value);
        }
    }

    private static void positive(final String name, final Duration value) {
        if (value == null || value.isZero() || value.isNegative()) {
            throw new IllegalArgumentException(name + " must be a positive duration, was " + value);
        }
    }

    private static void notNegative(final String name, final Duration value) {
        if (value == null || value.isNegative()) {
            throw new IllegalArgumentException(name + " must not be negative, was " + value);
        }
    }

    /** Changes some settings of an existing value; {@link #build()} validates the result. */
    public static final class Builder {
        private int partitions;
        private Duration grace;
        private Duration dedupHorizon;
        private Duration userHistoryRetention;
        private int recentRegistrations;
        private Duration parkingTimeout;
        private int parkingLimit;
        private int failureThreshold;
        private Duration failureWindow;
        private Duration takeoverWindow;
        private int stuffingThreshold;
        private Duration alertRetention;
        private int recentAlerts;
        private Duration sourceIdleTimeout;

        private Builder(final TopologySettings from) {
            partitions = from.partitions;
            grace = from.grace;
            dedupHorizon = from.dedupHorizon;
            userHistoryRetention = from.userHistoryRetention;
            recentRegistrations = from.recentRegistrations;
            parkingTimeout = from.parkingTimeout;
            parkingLimit = from.parkingLimit;
            failureThreshold = from.failureThreshold;
            failureWindow = from.failureWindow;
            takeoverWindow = from.takeoverWindow;
            stuffingThreshold = from.stuffingThreshold;
            alertRetention = from.alertRetention;
            recentAlerts = from.recentAlerts;
            sourceIdleTimeout = from.sourceIdleTimeout;
        }

        public Builder partitions(final int value) {
            partitions = value;
            return this;
        }

        public Builder grace(final Duration value) {
            grace = value;
            return this;
        }

        public Builder dedupHorizon(final Duration value) {
            dedupHorizon = value;
            return this;
        }

        public Builder userHistoryRetention(final Duration value) {
            userHistoryRetention = value;
            return this;
        }

        public Builder recentRegistrations(final int value) {
            recentRegistrations = value;
            return this;
        }

        public Builder parkingTimeout(final Duration value) {
            parkingTimeout = value;
            return this;
        }

        public Builder parkingLimit(final int value) {
            parkingLimit = value;
            return this;
        }

        public Builder failureThreshold(final int value) {
            failureThreshold = value;
            return this;
        }

        public Builder failureWindow(final Duration value) {
            failureWindow = value;
            return this;
        }

        public Builder takeoverWindow(final Duration value) {
            takeoverWindow = value;
            return this;
        }

        public Builder stuffingThreshold(final int value) {
            stuffingThreshold = value;
            return this;
        }

        public Builder alertRetention(final Duration value) {
            alertRetention = value;
            return this;
        }

        public Builder recentAlerts(final int value) {
            recentAlerts = value;
            return this;
        }

        public Builder sourceIdleTimeout(final Duration value) {
            sourceIdleTimeout = value;
            return this;
        }

        public TopologySettings build() {
            return new TopologySettings(partitions, grace, dedupHorizon, userHistoryRetention, recentRegistrations,
                    parkingTimeout, parkingLimit, failureThreshold, failureWindow, takeoverWindow, stuffingThreshold,
                    alertRetention, recentAlerts, sourceIdleTimeout);
        }
    }
}
