package dev.lookout.topology;

import dev.lookout.internal.Origin;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/** Where the record being processed came from. */
public final class Origins {

    private Origins() {
    }

    /** The source topic, partition and offset of the record being processed, and its timestamp. */
    public static Origin of(final ProcessorContext<?, ?> context, final Record<?, ?> record) {
        final RecordMetadata metadata = context.recordMetadata().orElseThrow(
                () -> new IllegalStateException("no input record is being processed"));
        return new Origin(metadata.topic(), metadata.partition(), metadata.offset(), record.timestamp());
    }
}
