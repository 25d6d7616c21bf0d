package dev.lookout.app.query;

import java.util.List;

/**
 * What a re-drive did: each matching dead letter was either sent back to its input topic, or
 * refused with the reason.
 *
 * @param dryRun true when nothing was sent, only reported
 */
public record RedriveReport(boolean dryRun, List<Sent> sent, List<Refused> refused) {

    public RedriveReport {
        sent = List.copyOf(sent);
        refused = List.copyOf(refused);
    }

    /** A dead letter written back: {@code to} is {@code <topic>/<partition>/<offset>}, or the target topic and partition on a dry run. */
    public record Sent(String deadLetter, String reason, String to) {
    }

    /** A dead letter not written back, and why. */
    public record Refused(String deadLetter, String reason, String why) {
    }
}
