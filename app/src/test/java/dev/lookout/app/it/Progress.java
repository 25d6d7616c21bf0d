package dev.lookout.app.it;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;

/** How far a consumer group has come, from its committed offsets. */
public final class Progress implements AutoCloseable {

    private final Admin admin;
    private final String group;

    public Progress(final String bootstrapServers, final String group) {
        this.admin = Admin.create(Map.of("bootstrap.servers", bootstrapServers));
        this.group = group;
    }

    /** Records committed by the group on these topics. */
    public long committed(final List<String> topics) throws ExecutionException, InterruptedException {
        final Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata().get();
        return offsets.entrySet().stream()
                .filter(entry -> topics.contains(entry.getKey().topic()) && entry.getValue() != null)
                .mapToLong(entry -> entry.getValue().offset()).sum();
    }

    /**
     * Whether the group has committed the end of every partition it reads (inputs, repartitions
     * and read-back topics alike): nothing is left to process.
     */
    public boolean caughtUp() throws ExecutionException, InterruptedException {
        final Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata().get();
        if (committed.isEmpty()) {
            return false;
        }
        final Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        committed.keySet().forEach(partition -> latest.put(partition, OffsetSpec.latest()));
        final Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = admin.listOffsets(latest,
                new org.apache.kafka.clients.admin.ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all().get();
        for (final Map.Entry<TopicPartition, OffsetAndMetadata> entry : committed.entrySet()) {
            final long end = ends.get(entry.getKey()).offset();
            // Under exactly-once a committed offset may sit past the last record, on a commit marker.
            if (entry.getValue() == null || entry.getValue().offset() < end) {
                return false;
            }
        }
        return true;
    }

    /** How many members the group has now. */
    public int members() throws ExecutionException, InterruptedException {
        return admin.describeConsumerGroups(List.of(group)).describedGroups().get(group).get().members().size();
    }

    /** The topics the group commits offsets for. */
    public Set<String> topics() throws ExecutionException, InterruptedException {
        return admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get().keySet().stream()
                .map(TopicPartition::topic).collect(Collectors.toSet());
    }

    @Override
    public void close() {
        admin.close();
    }
}
