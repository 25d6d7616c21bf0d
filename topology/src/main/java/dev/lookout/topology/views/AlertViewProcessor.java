package dev.lookout.topology.views;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.lookout.events.SecurityAlert;
import dev.lookout.topology.Keys;
import dev.lookout.topology.Names;
import dev.lookout.topology.ViewChanges;
import dev.lookout.topology.deadletter.Reasons;
import dev.lookout.topology.deadletter.RejectedRecordException;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Keeps the queryable alert views from the {@code security-alerts} topic: each user's alerts by
 * detection time, newest first, for the alert retention; and the newest alerts of the task.
 */
final class AlertViewProcessor implements Processor<String, SecurityAlert, Void, Void> {

    private final int recentLimit;
    private final long retentionMs;
    private KeyValueStore<Bytes, SecurityAlert> byUser;
    private KeyValueStore<Bytes, SecurityAlert> recent;
    private ViewChanges viewChanges;

    AlertViewProcessor(final int recentLimit, final Duration retention) {
        this.recentLimit = recentLimit;
        this.retentionMs = retention.toMillis();
    }

    /** The key of a user's alert: newest first within the user. */
    static Bytes key(final String userId, final long detectedAt, final String alertId) {
        return Keys.ofEntity(Keys.entity(userId), Keys.newestFirst(detectedAt, alertId));
    }

    @Override
    public void init(final ProcessorContext<Void, Void> context) {
        this.byUser = context.getStateStore(Names.ALERTS_BY_USER_STORE);
        this.recent = context.getStateStore(Names.RECENT_ALERTS_STORE);
        this.viewChanges = ViewChanges.from(context.appConfigs());
        final Duration sweep = Duration.ofMillis(Math.max(1_000, retentionMs / 8));
        context.schedule(sweep, PunctuationType.STREAM_TIME, this::expire);
    }

    @Override
    public void process(final Record<String, SecurityAlert> record) {
        final SecurityAlert alert = record.value();
        if (alert == null) {
            throw new RejectedRecordException(Names.ALERT_VIEW, Reasons.NULL_VALUE, "security alert without a value");
        }
        final long detectedAt = alert.getDetectedAt().toEpochMilli();
        if (alert.getUserId() != null) {
            byUser.put(key(alert.getUserId(), detectedAt, alert.getAlertId()), alert);
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
        viewChanges.changed();
    }

    /** Deletes the users' alerts detected more than the retention before the stream time. */
    private void expire(final long streamTime) {
        final long cutoff = streamTime - retentionMs;
        final List<Bytes> expired = new ArrayList<>();
        try (KeyValueIterator<Bytes, SecurityAlert> all = byUser.all()) {
            all.forEachRemaining(entry -> {
                if (Keys.timeOfNewestFirst(Keys.withinEntity(entry.key)) < cutoff) {
                    expired.add(entry.key);
                }
            });
        }
        expired.forEach(key -> byUser.put(key, null));
    }
}
