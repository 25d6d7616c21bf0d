package dev.lookout.app.kafka;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;

import dev.lookout.app.query.Readiness;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KafkaStreams.State;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns the {@link KafkaStreams} lifecycle: start, state changes (one log line each), restore
 * progress, thread replacement after an unexpected error, readiness, and a bounded close.
 */
public final class StreamsRuntime implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StreamsRuntime.class);

    /**
     * How long {@link #close()} waits for Kafka Streams to commit and close; a container's stop
     * grace period must be longer (Dockerfile, docker-compose.yml, deploy/).
     */
    public static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

    private final KafkaStreams streams;
    private final RestoreProgress restores = new RestoreProgress();
    /** Present while this instance runs under exactly-once; null under at-least-once. */
    private final Path runningMark;

    private StreamsRuntime(final Topology topology, final Properties props) {
        this.streams = new KafkaStreams(topology, props);
        final StreamsConfig config = new StreamsConfig(props);
        this.runningMark = StreamsConfig.EXACTLY_ONCE_V2.equals(config.getString(StreamsConfig.PROCESSING_GUARANTEE_CONFIG))
                ? Path.of(config.getString(StreamsConfig.STATE_DIR_CONFIG),
                        config.getString(StreamsConfig.APPLICATION_ID_CONFIG) + ".running")
                : null;
        streams.setGlobalStateRestoreListener(restores);
        streams.setStateListener((newState, oldState) -> {
            LOG.info("Kafka Streams {} -> {}", oldState, newState);
            restores.running(newState == State.RUNNING);
        });
        streams.setUncaughtExceptionHandler(exception -> {
            LOG.error("Stream thread failed; replacing it (the failed record is read again)", exception);
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
        });
    }

    public static StreamsRuntime start(final Topology topology, final Properties props) {
        final StreamsRuntime runtime = new StreamsRuntime(topology, props);
        runtime.wipeStateAfterUncleanStop();
        runtime.streams.start();
        return runtime;
    }

    /**
     * Under exactly-once, local state written after the last commit must never survive a crash:
     * Kafka Streams replays the uncommitted input on top of it, and an event is then seen twice,
     * e.g. dropped by the deduplicator as already seen although its output was aborted. Kafka
     * Streams relies on the absence of a checkpoint to detect a crash, but it leaves the
     * checkpoint that the state updater writes when a restoration completes in place while the
     * task runs (KAFKA-20685), so a crash after a restore is not detected. This instance marks
     * its state directory while it runs and removes the mark after a clean close; a mark found at
     * start-up means the last run crashed, and the local state is wiped and restored from the
     * changelogs, which hold only committed data.
     */
    private void wipeStateAfterUncleanStop() {
        if (runningMark == null) {
            return;
        }
        try {
            if (Files.exists(runningMark)) {
                LOG.warn("The last run did not stop cleanly ({} exists): wiping the local state, to be restored "
                        + "from the changelogs (exactly-once)", runningMark);
                streams.cleanUp();
            }
            Files.createDirectories(runningMark.getParent());
            Files.writeString(runningMark, ProcessHandle.current().pid() + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot mark the state directory as in use: " + runningMark, e);
        }
    }

    public KafkaStreams streams() {
        return streams;
    }

    /** Ready: running, and no store restoring. */
    public Readiness readiness() {
        final State state = streams.state();
        final boolean restoring = restores.restoring();
        final String detail = restoring ? state + ", " + restores.describe() : state.toString();
        return new Readiness(state == State.RUNNING && !restoring, detail);
    }

    /** Alive unless Kafka Streams failed for good. */
    public boolean alive() {
        final State state = streams.state();
        return state != State.ERROR && state != State.NOT_RUNNING && state != State.PENDING_ERROR;
    }

    @Override
    public void close() {
        close(CLOSE_TIMEOUT);
    }

    public void close(final Duration timeout) {
        final long started = System.nanoTime();
        final boolean clean = streams.close(new KafkaStreams.CloseOptions().timeout(timeout));
        LOG.info("Kafka Streams closed {} in {} ms", clean ? "cleanly" : "after the timeout",
                (System.nanoTime() - started) / 1_000_000);
        if (clean && runningMark != null) {
            try {
                Files.deleteIfExists(runningMark);
            } catch (IOException e) {
                LOG.warn("Cannot remove {}; the next start restores the state from the changelogs", runningMark, e);
            }
        }
    }
}
