package dev.lookout.app.query;

import java.time.Instant;

/**
 * Which dead letters an operator means; a null field matches anything.
 *
 * @param from inclusive lower bound of the original record's timestamp
 * @param to exclusive upper bound of the original record's timestamp
 */
public record DeadLetterFilter(String reason, String stage, String originTopic, Instant from, Instant to) {

    /** Every dead letter. */
    public static DeadLetterFilter all() {
        return new DeadLetterFilter(null, null, null, null, null);
    }

    public boolean matches(final DeadLetterDto letter) {
        return (reason == null || reason.equals(letter.reason()))
                && (stage == null || stage.equals(letter.stage()))
                && (originTopic == null || letter.origin() != null && originTopic.equals(letter.origin().topic()))
                && (from == null || !letter.timestamp().isBefore(from))
                && (to == null || letter.timestamp().isBefore(to));
    }
}
