package dev.lookout.topology;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import org.apache.kafka.common.utils.Bytes;

/**
 * Byte keys that sort by time in a store: big-endian time, then an id that makes the key unique.
 * Stores compare keys as unsigned bytes, so signed times are flipped into unsigned order.
 */
public final class Keys {

    private Keys() {
    }

    /** Oldest first: ascending time, then ascending id. */
    public static Bytes oldestFirst(final long time, final String id) {
        return key(time ^ Long.MIN_VALUE, id);
    }

    /** The greatest {@link #oldestFirst} key with the given time: an inclusive upper bound. */
    public static Bytes oldestFirstUpTo(final long time) {
        // No UTF-8 encoding contains the byte 0xFF, so this sorts after every id at this time.
        return Bytes.wrap(ByteBuffer.allocate(Long.BYTES + 1).putLong(time ^ Long.MIN_VALUE).put((byte) 0xFF).array());
    }

    /** Newest first: descending time, then ascending id. */
    public static Bytes newestFirst(final long time, final String id) {
        return key(~(time ^ Long.MIN_VALUE), id);
    }

    /** The time of a {@link #oldestFirst} key. */
    public static long timeOfOldestFirst(final Bytes key) {
        return ByteBuffer.wrap(key.get()).getLong() ^ Long.MIN_VALUE;
    }

    /** The time of a {@link #newestFirst} key. */
    public static long timeOfNewestFirst(final Bytes key) {
        return ~ByteBuffer.wrap(key.get()).getLong() ^ Long.MIN_VALUE;
    }

    /** The id of either kind of key. */
    public static String idOf(final Bytes key) {
        final byte[] bytes = key.get();
        return new String(bytes, Long.BYTES, bytes.length - Long.BYTES, StandardCharsets.UTF_8);
    }

    private static Bytes key(final long sortable, final String id) {
        final byte[] idBytes = id.getBytes(StandardCharsets.UTF_8);
        return Bytes.wrap(ByteBuffer.allocate(Long.BYTES + idBytes.length).putLong(sortable).put(idBytes).array());
    }
}
