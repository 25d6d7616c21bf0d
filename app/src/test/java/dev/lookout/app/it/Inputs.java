package dev.lookout.app.it;

import java.time.Instant;

import dev.lookout.topology.Events;

/** Input mixes for the broker tests. */
public final class Inputs {

    /** Key prefix of the users that {@link #flush} sends failures for. */
    public static final String FLUSH_USER = "flush-user-";

    private Inputs() {
    }

    /**
     * Moves every auth-events partition's clock to {@code at} with one failure each, of a user
     * and from an address of its own ({@link #FLUSH_USER}): sent twice, at increasing times, it
     * releases everything before from both detectors.
     */
    public static void flush(final EventProducer producer, final Instant at, final int partitions) {
        for (int partition = 0; partition < partitions; partition++) {
            producer.send(Events.failed("flush-" + at.toEpochMilli() + "-" + partition,
                    Keys.inPartition(FLUSH_USER, partition, partitions),
                    Keys.inPartition("192.0.2.", partition, partitions), at));
        }
    }
}
