package dev.lookout.topology.detect;

import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

import dev.lookout.internal.IpFeed;
import org.apache.kafka.streams.processor.StreamPartitioner;

/**
 * Partitions the {@code failures-by-ip} repartition: a failure by its address (the default
 * partitioner on the key), a progress marker to every partition, since every address's detector
 * must hear how far each source has come.
 */
final class IpFeedPartitioner implements StreamPartitioner<String, IpFeed> {

    @Override
    public Optional<Set<Integer>> partitions(final String topic, final String key, final IpFeed value,
                                             final int numPartitions) {
        if (value.getFailure() != null) {
            return Optional.empty();
        }
        final Set<Integer> all = new HashSet<>();
        for (int partition = 0; partition < numPartitions; partition++) {
            all.add(partition);
        }
        return Optional.of(all);
    }
}
