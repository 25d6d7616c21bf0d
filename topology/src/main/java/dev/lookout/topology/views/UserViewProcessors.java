package dev.lookout.topology.views;

import java.time.Duration;

import dev.lookout.events.UserEvent;
import dev.lookout.internal.AuthorActivity;
import dev.lookout.topology.Emitted;
import dev.lookout.topology.Origins;
import dev.lookout.topology.TopologySettings;
import dev.lookout.topology.deadletter.DeadLetters;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/** The two processors that write the user view: one per input, sharing {@link UserViewCore}. */
final class UserViewProcessors {

    private UserViewProcessors() {
    }

    /** How often parked events are checked for expiry, in stream time. */
    static Duration expiryInterval(final Duration parkingTimeout) {
        final Duration quarter = parkingTimeout.dividedBy(4);
        final Duration tenMinutes = Duration.ofMinutes(10);
        final Duration interval = quarter.compareTo(tenMinutes) < 0 ? quarter : tenMinutes;
        return interval.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : interval;
    }

    /** Applies user events; also expires parked events on a stream-time schedule. */
    static final class UserEvents implements Processor<String, UserEvent, String, Emitted> {
        private final TopologySettings settings;
        private final DeadLetters deadLetters;
        private ProcessorContext<String, Emitted> context;
        private UserViewCore core;

        UserEvents(final TopologySettings settings, final DeadLetters deadLetters) {
            this.settings = settings;
            this.deadLetters = deadLetters;
        }

        @Override
        public void init(final ProcessorContext<String, Emitted> context) {
            this.context = context;
            this.core = new UserViewCore(context, settings.recentRegistrations(), settings.parkingLimit(),
                    settings.parkingTimeout(), deadLetters);
            context.schedule(expiryInterval(settings.parkingTimeout()), PunctuationType.STREAM_TIME,
                    core::expireParked);
        }

        @Override
        public void process(final Record<String, UserEvent> record) {
            core.onUserEvent(record.key(), record.value(), Origins.of(context, record));
        }
    }

    /** Counts posts and comments into their author's view. */
    static final class AuthorActivities implements Processor<String, AuthorActivity, String, Emitted> {
        private final TopologySettings settings;
        private final DeadLetters deadLetters;
        private UserViewCore core;

        AuthorActivities(final TopologySettings settings, final DeadLetters deadLetters) {
            this.settings = settings;
            this.deadLetters = deadLetters;
        }

        @Override
        public void init(final ProcessorContext<String, Emitted> context) {
            this.core = new UserViewCore(context, settings.recentRegistrations(), settings.parkingLimit(),
                    settings.parkingTimeout(), deadLetters);
        }

        @Override
        public void process(final Record<String, AuthorActivity> record) {
            final AuthorActivity activity = record.value();
            core.onActivity(record.key(), activity.getEvent(), activity.getOrigin());
        }
    }
}
