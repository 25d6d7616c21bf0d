package dev.lookout.app.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class RestoreProgressTest {

    private final RestoreProgress progress = new RestoreProgress();
    private final ListAppender<ILoggingEvent> log = new ListAppender<>();
    private final Logger logger = (Logger) LoggerFactory.getLogger(RestoreProgress.class);

    private Level level;

    @BeforeEach
    void capture() {
        level = logger.getLevel();
        logger.setLevel(Level.INFO);
        log.start();
        logger.addAppender(log);
    }

    @AfterEach
    void release() {
        logger.detachAppender(log);
        logger.setLevel(level);
    }

    @Test
    void shouldSummariseTheWholePhaseWhenTheInstanceRuns() {
        progress.running(false);
        restore(new TopicPartition("users-changelog", 0), "users", 100);
        assertThat(progress.restoring()).isFalse();
        // The next task starts after the first one ended: still the same phase.
        restore(new TopicPartition("posts-changelog", 0), "posts", 50);
        restore(new TopicPartition("users-changelog", 1), "users", 30);
        assertThat(summaries()).isEmpty();

        progress.running(true);

        assertThat(summaries()).singleElement().asString().startsWith("state restored: 180 records into 2 stores in ");
        assertThat(lines()).as("one line per store for the phase, then the summary").hasSize(3)
                .satisfiesExactly(line -> assertThat(line).startsWith("restored posts: 50 records in"),
                        line -> assertThat(line).startsWith("restored users: 130 records in"),
                        line -> assertThat(line).startsWith("state restored: 180 records"));
    }

    @Test
    void shouldWaitForTheLastPartitionWhenTheInstanceRunsFirst() {
        final TopicPartition users = new TopicPartition("users-changelog", 0);
        progress.onRestoreStart(users, "users", 0, 10);
        progress.running(true);
        assertThat(progress.restoring()).isTrue();
        assertThat(summaries()).isEmpty();

        progress.onBatchRestored(users, "users", 10, 10);
        progress.onRestoreEnd(users, "users", 10);

        assertThat(summaries()).singleElement().asString().startsWith("state restored: 10 records into 1 stores");
        assertThat(lines()).as("the store's line, then the summary").hasSize(2)
                .satisfiesExactly(line -> assertThat(line).startsWith("restored users: 10 records in"),
                        line -> assertThat(line).startsWith("state restored: 10 records"));
    }

    @Test
    void shouldStartANewPhaseAfterARebalance() {
        progress.running(false);
        restore(new TopicPartition("users-changelog", 0), "users", 100);
        progress.running(true);
        progress.running(false);
        restore(new TopicPartition("users-changelog", 2), "users", 7);
        progress.running(true);

        assertThat(summaries()).hasSize(2).last().asString().startsWith("state restored: 7 records into 1 stores");
    }

    @Test
    void shouldSayNothingWhenNothingWasRestored() {
        progress.running(false);
        final TopicPartition users = new TopicPartition("users-changelog", 0);
        progress.onRestoreStart(users, "users", 5, 5);
        progress.onRestoreEnd(users, "users", 0);
        progress.running(true);

        assertThat(summaries()).isEmpty();
    }

    private void restore(final TopicPartition partition, final String store, final long records) {
        progress.onRestoreStart(partition, store, 0, records);
        assertThat(progress.restoring()).isTrue();
        progress.onBatchRestored(partition, store, records, records);
        progress.onRestoreEnd(partition, store, records);
    }

    private List<String> lines() {
        return log.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
    }

    private List<String> summaries() {
        return lines().stream().filter(line -> line.startsWith("state restored:")).toList();
    }
}
