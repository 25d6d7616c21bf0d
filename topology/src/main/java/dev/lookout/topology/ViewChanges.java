package dev.lookout.topology;

import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts the changes to the stores that the read model lists over HTTP: {@code users},
 * {@code recent-registrations} and {@code recent-alerts}.
 *
 * <p>A processor counts after it has written. So a reader that reads the count and then the
 * stores sees every change counted up to that count, and a list read under one count is still
 * current while the count stays the same: the app keeps list pages against it. Restores write
 * to stores without processors; the app counts those itself.
 *
 * <p>The app puts one instance into the Streams configuration under {@value #CONFIG}; processors
 * find it in {@code appConfigs()}. Without one, each processor counts into a private instance.
 */
public final class ViewChanges {

    /** The Streams configuration key under which the app passes its instance. */
    public static final String CONFIG = "lookout.view-changes";

    private final AtomicLong count = new AtomicLong();

    /** The instance in a Streams configuration, or a fresh private one. */
    public static ViewChanges from(final Map<String, ?> configs) {
        final Object value = configs.get(CONFIG);
        return value instanceof ViewChanges changes ? changes : new ViewChanges();
    }

    /** Called after a listed store was written. */
    public void changed() {
        count.incrementAndGet();
    }

    /** The changes so far. */
    public long count() {
        return count.get();
    }
}
