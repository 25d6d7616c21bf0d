package dev.lookout.app.kafka;

import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;

import dev.lookout.app.query.Readiness;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.CloseOptions.GroupMembershipOperation;
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
    private final GroupMembershipOperation onClose;
    private final RestoreProgress restores = new RestoreProgress();
    private final AtomicLong stateChanges = new AtomicLong();

    private StreamsRuntime(final Topology topology, final Properties props) {
        this.streams = new KafkaStreams(topology, props);
        this.onClose = membershipOnClose(props);
        streams.setGlobalStateRestoreListener(restores);
        streams.setStateListener((newState, oldState) -> {
            LOG.info("Kafka Streams {} -> {}", oldState, newState);
            stateChanges.incrementAndGet();
            restores.running(newState == State.RUNNING);
        });
        streams.setUncaughtExceptionHandler(exception -> {
            LOG.error("Stream thread failed; replacing it (the failed record is read again)", exception);
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
        });
    }

    public static StreamsRuntime start(final Topology topology, final Properties props) {
        final StreamsRuntime runtime = new StreamsRuntime(topology, props);
        runtime.streams.start();
        return runtime;
    }

    public KafkaStreams streams() {
        return streams;
    }

    /**
     * Changes of state and restore events so far. Each may change which partitions this instance
     * serves or what their stores hold, without a processor writing.
     */
    public long lifecycleChanges() {
        return stateChanges.get() + restores.changes();
    }

    /** The restoration in progress, store by store. */
    public RestoreProgress restores() {
        return restores;
    }

    /** Ready: running, and no store restoring. */
    public Readiness readiness() {
        final State state = streams.state();
        final boolean restoring = restores.restoring();
        final String detail = restoring ? state + ", " + restores.describe() : state.toString();
        return new Readiness(state == State.RUNNING && !restoring, detail);
    }

    /**
     * What a closing instance does with its group membership. Under the classic group protocol a
     * member that closes stays in the group until its session times out (45 s by default), and its
     * partitions wait for that: a restarted instance joins as a new member and gets no task before
     * then, and the other instances take none over. A dynamic member (no {@code group.instance.id},
     * Lookout's default) is never expected back, so it leaves, as the {@code streams} group protocol
     * has dynamic members do. A static member stays: keeping its tasks across a restart within the
     * session is what static membership is for.
     */
    static GroupMembershipOperation membershipOnClose(final Properties props) {
        final Object instanceId = new StreamsConfig(props).getMainConsumerConfigs("group", "client", 0)
                .get(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
        return instanceId == null ? GroupMembershipOperation.LEAVE_GROUP : GroupMembershipOperation.REMAIN_IN_GROUP;
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

    /** Closes Kafka Streams, and leaves the consumer group unless it is a static member (see {@link #membershipOnClose}). */
    public void close(final Duration timeout) {
        final long started = System.nanoTime();
        final boolean clean = streams.close(CloseOptions.groupMembershipOperation(onClose).withTimeout(timeout));
        LOG.info("Kafka Streams closed {} in {} ms", clean ? "cleanly" : "after the timeout",
                (System.nanoTime() - started) / 1_000_000);
    }
}
