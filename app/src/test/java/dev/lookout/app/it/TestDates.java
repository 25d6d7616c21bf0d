package dev.lookout.app.it;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * Event times for broker tests, relative to the moment the test runs. A broker deletes records by
 * comparing their timestamps with its wall clock, so a test with fixed dates would behave
 * differently as the dates age; dates that keep their age make every run the same run.
 */
public final class TestDates {

    private TestDates() {
    }

    /** The start of the current hour, {@code days} days ago. */
    public static Instant daysAgo(final int days) {
        return Instant.now().truncatedTo(ChronoUnit.HOURS).minus(Duration.ofDays(days));
    }
}
