package dev.lookout.topology.detect;

import dev.lookout.events.SecurityAlert;
import dev.lookout.topology.Keys;
import dev.lookout.topology.Names;
import dev.lookout.topology.deadletter.Reasons;
import dev.lookout.topology.deadletter.RejectedRecordException;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.WindowStore;

/**
 * Keeps the queryable alert views from the {@code security-alerts} topic: each user's alerts by
 * detection time, and the newest alerts of the task.
 */
final class AlertViewProcessor implements Processor<String, SecurityAlert, Void, Void> {

    private final int recentLimit;
    private WindowStore<String, SecurityAlert> byUser;
    private KeyValueStore<Bytes, SecurityAlert> recent;

    AlertViewProcessor(final int recentLimit) {
        this.recentLimit = recentLimit;
    }

    @Override
    public void init(final ProcessorContext<Void, Void> context) {
        this.byUser = context.getStateStore(Names.ALERTS_BY_USER_STORE);
        this.recent = context.getStateStore(Names.RECENT_ALERTS_STORE);
    }

    @Override
    public void process(final Record<String, SecurityAlert> record) {
        final SecurityAlert alert = record.value();
        if (alert == null) {
            throw new RejectedRecordException(Names.ALERT_VIEW, Reasons.NULL_VALUE, "security alert without a value");
        }
        final long detectedAt = alert.getDetectedAt().toEpochMilli();
        if (alert.getUserId() != null) {
            byUser.put(alert.getUserId(), alert, detectedAt);
        }
        recent.put(Keys.newestFirst(detectedAt, alert.getAlertId()), alert);
        while (recent.approximateNumEntries() > recentLimit) {
            try (KeyValueIterator<Bytes, SecurityAlert> oldest = recent.reverseAll()) {
                if (!oldest.hasNext()) {
                    break;
                }
                recent.delete(oldest.next().key);
            }
        }
    }
}
