package dev.lookout.app.query;

/**
 * How a read may be answered.
 *
 * @param allowStale whether a standby replica on this instance may answer (with its lag) when the
 *     active one is elsewhere or unavailable
 */
public record ReadOptions(boolean allowStale) {

    public static final ReadOptions STRICT = new ReadOptions(false);
}
