package dev.lookout.topology;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

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

    /**
     * The prefix of every key that belongs to one entity (a user): the length of its id, then the
     * id, so that no id's prefix is a prefix of another's.
     */
    public static Bytes entity(final String entityId) {
        final byte[] id = entityId.getBytes(StandardCharsets.UTF_8);
        return Bytes.wrap(ByteBuffer.allocate(Integer.BYTES + id.length).putInt(id.length).put(id).array());
    }

    /** An entity's key: its {@link #entity prefix}, then a time-ordered key such as {@link #oldestFirst}. */
    public static Bytes ofEntity(final Bytes entity, final Bytes timeKey) {
        return Bytes.wrap(ByteBuffer.allocate(entity.get().length + timeKey.get().length).put(entity.get())
                .put(timeKey.get()).array());
    }

    /** An inclusive upper bound of an entity's keys: no time-ordered key sorts after it. */
    public static Bytes entityEnd(final Bytes entity) {
        final byte[] bytes = Arrays.copyOf(entity.get(), entity.get().length + Long.BYTES + 1);
        Arrays.fill(bytes, entity.get().length, bytes.length, (byte) 0xFF);
        return Bytes.wrap(bytes);
    }

    /** The {@link #entity prefix} of an {@link #ofEntity entity's key}. */
    public static Bytes entityOf(final Bytes key) {
        return Bytes.wrap(Arrays.copyOf(key.get(), Integer.BYTES + ByteBuffer.wrap(key.get()).getInt()));
    }

    /** The time-ordered part of an {@link #ofEntity entity's key}. */
    public static Bytes withinEntity(final Bytes key) {
        final ByteBuffer buffer = ByteBuffer.wrap(key.get());
        final int skip = Integer.BYTES + buffer.getInt();
        return Bytes.wrap(Arrays.copyOfRange(key.get(), skip, key.get().length));
    }

    private static Bytes key(final long sortable, final String id) {
        final byte[] idBytes = id.getBytes(StandardCharsets.UTF_8);
        return Bytes.wrap(ByteBuffer.allocate(Long.BYTES + idBytes.length).putLong(sortable).put(idBytes).array());
    }
}
