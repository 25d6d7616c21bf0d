package dev.lookout.topology.detect;

import dev.lookout.topology.Emitted;
import dev.lookout.topology.Names;
import dev.lookout.topology.Topics;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;

/** Writes a branch of alerts to {@code security-alerts} through named nodes. */
final class Alerts {

    private Alerts() {
    }

    static void sink(final KStream<String, Emitted> branch, final String prefix, final Topics topics) {
        branch.mapValues(emitted -> ((Emitted.Alert) emitted).alert(), Named.as(Names.unwrap(prefix, Names.BRANCH_ALERTS)))
                .to(topics.securityAlerts().name(), topics.securityAlerts().produced(Names.sink(prefix, Names.BRANCH_ALERTS)));
    }
}
