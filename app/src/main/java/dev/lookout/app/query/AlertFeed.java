package dev.lookout.app.query;

import java.util.function.Consumer;

/**
 * New alerts as they are written, for the server-sent event stream. Each delivered alert comes
 * with a position from which a later subscription can resume.
 */
public interface AlertFeed {

    /** One alert and the position just after it. */
    record Delivery(AlertDto alert, String position) {
    }

    /** A running subscription; closing it stops deliveries. */
    interface Subscription extends AutoCloseable {
        @Override
        void close();
    }

    /**
     * Checks a position before a subscription is started.
     *
     * @throws IllegalArgumentException saying what is wrong with it
     */
    void checkPosition(String position);

    /**
     * Starts delivering alerts written after {@code position} (null: from now on) on a thread of
     * the feed's own.
     *
     * @throws IllegalArgumentException when the position cannot be parsed
     */
    Subscription subscribe(String position, Consumer<Delivery> deliveries);
}
