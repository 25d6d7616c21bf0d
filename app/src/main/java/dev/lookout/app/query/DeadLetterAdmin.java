package dev.lookout.app.query;

import java.util.List;
import java.util.Optional;

/** The dead-letter topic, for operators: inspect, and re-drive what can be re-driven. */
public interface DeadLetterAdmin {

    /** The newest {@code limit} dead letters that match, newest first. */
    List<DeadLetterDto> newest(DeadLetterFilter filter, int limit);

    /** One dead letter by its id ({@code <topic>/<partition>/<offset>}), with its stack trace. */
    Optional<Shown> show(String id);

    /**
     * Sends every matching dead letter (at most {@code limit}, oldest first) back to its input
     * topic, except the ones {@code RedrivePolicy} refuses, unless {@code force}.
     */
    RedriveReport redrive(DeadLetterFilter filter, int limit, boolean force, boolean dryRun);

    /** A dead letter with what only a single view shows. */
    record Shown(DeadLetterDto letter, String stacktrace, String valueBase64) {
    }
}
