package dev.lookout.app.it;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import dev.lookout.events.AuthEvent;
import dev.lookout.topology.Events;
import dev.lookout.topology.reference.ViewTraffic;

/** Input mixes for the broker tests. */
public final class Inputs {

    /** Key prefix of the users that {@link #flush} sends failures for. */
    public static final String FLUSH_USER = "flush-user-";

    private Inputs() {
    }

    /** Users and content spread evenly through the logins, each in its own arrival order. */
    public static List<Object> interleave(final List<AuthEvent> auth, final List<ViewTraffic.Arrival> views) {
        final List<Object> merged = new ArrayList<>(auth.size() + views.size());
        final double step = (double) auth.size() / views.size();
        int next = 0;
        for (int i = 0; i < auth.size(); i++) {
            while (next < views.size() && next * step <= i) {
                merged.add(views.get(next++).event());
            }
            merged.add(auth.get(i));
        }
        while (next < views.size()) {
            merged.add(views.get(next++).event());
        }
        return merged;
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
