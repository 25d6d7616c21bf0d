package dev.lookout.app.it;

import java.nio.charset.StandardCharsets;

import org.apache.kafka.common.utils.Utils;

/** Keys that land in a chosen partition under Kafka's default partitioner. */
public final class Keys {

    private Keys() {
    }

    /** The partition Kafka's default partitioner picks for a string key. */
    public static int partitionOf(final String key, final int partitions) {
        return Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % partitions;
    }

    /** The first key {@code prefix + n} that lands in {@code partition}. */
    public static String inPartition(final String prefix, final int partition, final int partitions) {
        for (int n = 0; ; n++) {
            final String key = prefix + n;
            if (partitionOf(key, partitions) == partition) {
                return key;
            }
        }
    }
}
