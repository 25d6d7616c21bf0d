package dev.lookout.topology.views;

import java.time.Duration;

import dev.lookout.events.UserEvent;
import dev.lookout.internal.AuthorActivity;
import dev.lookout.topology.Emitted;
import dev.lookout.topology.Names;
import dev.lookout.topology.Origins;
import dev.lookout.topology.TopologySettings;
import dev.lookout.topology.deadletter.DeadLetters;
import dev.lookout.topology.deadletter.Redelivery;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Writes the user view from both of its inputs — user events and the author activity
 * repartition — through one {@link UserViewCore} per task, so that the task has one users clock.
 * On a stream-time schedule it also expires parked events and prunes the history.
 */
final class UserViewProcessor implements Processor<String, Object, String, Emitted> {

    private final TopologySettings settings;
    private final DeadLetters deadLetters;
    private ProcessorContext<String, Emitted> context;
    private UserViewCore core;

    UserViewProcessor(final TopologySettings settings, final DeadLetters deadLetters) {
        this.settings = settings;
        this.deadLetters = deadLetters;
    }

    /** How often parked events are checked for expiry, in stream time. */
    static Duration expiryInterval(final Duration parkingTimeout) {
        final Duration quarter = parkingTimeout.dividedBy(4);
        final Duration tenMinutes = Duration.ofMinutes(10);
        final Duration interval = quarter.compareTo(tenMinutes) < 0 ? quarter : tenMinutes;
        return interval.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : interval;
    }

    /** How often the history is pruned, in stream time: a quarter of its retention. */
    static Duration pruneInterval(final Duration retention) {
        final Duration quarter = retention.dividedBy(4);
        return quarter.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : quarter;
    }

    @Override
    public void init(final ProcessorContext<String, Emitted> context) {
        this.context = context;
        final Duration pruneInterval = pruneInterval(settings.userHistoryRetention());
        this.core = new UserViewCore(context, settings.recentRegistrations(), settings.parkingLimit(),
                settings.parkingTimeout(), settings.userHistoryRetention(), pruneInterval, deadLetters);
        context.schedule(expiryInterval(settings.parkingTimeout()), PunctuationType.STREAM_TIME, core::expireParked);
        context.schedule(pruneInterval, PunctuationType.STREAM_TIME, ignored -> core.pruneHistory());
    }

    @Override
    public void process(final Record<String, Object> record) {
        if (Redelivery.skips(record.headers(), Names.USER_VIEW)) {
            return;
        }
        if (record.value() instanceof UserEvent event) {
            core.onUserEvent(record.key(), event, Origins.of(context, record));
        } else {
            final AuthorActivity activity = (AuthorActivity) record.value();
            core.onActivity(record.key(), activity.getEvent(), activity.getOrigin());
        }
    }
}
