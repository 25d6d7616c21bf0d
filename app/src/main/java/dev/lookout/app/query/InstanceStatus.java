package dev.lookout.app.query;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What one instance reports about itself for the console's health and topology pages.
 *
 * @param instance this instance's {@code host:port}
 * @param state Kafka Streams' state, e.g. {@code RUNNING}
 * @param ready whether the instance answers reads (running, nothing restoring)
 * @param restoring stores being restored now, across their partitions
 * @param standbys standby store partitions and how far behind their changelog they are
 * @param inputs the input partitions this instance processes and how far behind it is on each
 * @param eventsPerSecond input events consumed per second, one sample a second, oldest first
 * @param consumedPerSecond records read per second, by topic (inputs and repartition topics)
 * @param producedPerSecond records written per second, by topic (outputs, repartitions, changelogs)
 * @param deadLetters dead letters written by this instance since it started, by stage and reason
 * @param alerts alerts raised by this instance since it started, by kind
 * @param duplicates duplicates dropped by this instance since it started, by topic
 */
public record InstanceStatus(String instance, String state, boolean ready, List<Restore> restoring,
                             List<StandbyLag> standbys, List<InputLag> inputs, List<Sample> eventsPerSecond,
                             Map<String, Double> consumedPerSecond,
                             Map<String, Double> producedPerSecond, List<DeadLetterCount> deadLetters,
                             Map<String, Long> alerts, Map<String, Long> duplicates) {

    /** A store being restored: records restored so far out of the total to restore. */
    public record Restore(String store, long restored, long total) {
    }

    /** A standby copy of a store partition, {@code offsetLag} records behind its changelog. */
    public record StandbyLag(String store, int partition, long offsetLag) {
    }

    /**
     * An input partition this instance processes.
     *
     * @param lagRecords records not yet consumed, or -1 when unknown yet
     * @param lagSeconds how far behind in event time: 0 when caught up; while behind, the age of the
     *                   newest event time just processed against the wall clock; null when unknown
     */
    public record InputLag(String topic, int partition, long lagRecords, Double lagSeconds) {
    }

    /** One sample of a rate. */
    public record Sample(Instant at, double value) {
    }

    /** Dead letters of one stage and reason. */
    public record DeadLetterCount(String stage, String reason, long count) {
    }
}
