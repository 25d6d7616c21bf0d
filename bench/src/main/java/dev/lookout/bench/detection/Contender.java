package dev.lookout.bench.detection;

import java.util.List;

import dev.lookout.events.AuthEvent;

/**
 * One way of detecting repeated login failures, measured by {@code DetectionComparisonSuite}.
 * {@link #prepare} converts the events to the tool's own input type, untimed; each
 * {@link Trial#run()} then detects over them from empty state and times only that.
 */
public interface Contender {

    /** Short name for the table, e.g. {@code Flink CEP, failures pre-filtered}. */
    String name();

    /** The exact setup (versions, parallelism, skip strategy, ...), for the report. */
    String setup();

    /** Converts {@code events} (arrival order, no duplicates) to this tool's input; not timed. */
    Trial prepare(List<AuthEvent> events) throws Exception;

    /** The prepared events, ready to run as often as needed. */
    interface Trial {
        /** Detects from empty state over every prepared event; only this is timed. */
        Outcome run() throws Exception;
    }

    /**
     * What one run found and how long it took.
     *
     * @param events events processed
     * @param nanos time spent processing them
     * @param matches one entry per alert or match: its triggering event ids joined by commas
     */
    record Outcome(long events, long nanos, List<String> matches) {

        public double eventsPerSecond() {
            return events * 1e9 / nanos;
        }
    }
}
