package dev.lookout.topology.deadletter;

import java.util.List;
import java.util.Map;

import dev.lookout.internal.Origin;
import dev.lookout.topology.LookoutCounters;
import dev.lookout.topology.Names;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.errors.internals.ExceptionHandlerUtils;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends a record that a processor refused ({@link RejectedRecordException}) or failed on (any
 * other exception) to the dead-letter topic with the original bytes of the input record, and goes
 * on with the next record: one bad record never stops the job.
 *
 * <p>Built on Kafka's dead-letter support (KIP-1033 and KIP-1034): Kafka builds the record and
 * produces it inside the task's transaction; this handler adds the stage, the reason and, for a
 * record rejected after a repartition, the origin its envelope carries.
 */
public class DeadLetterProcessingHandler implements ProcessingExceptionHandler {

    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterProcessingHandler.class);

    private String topic = Names.DEAD_LETTERS;
    private LookoutCounters counters = new LookoutCounters();

    @Override
    public void configure(final Map<String, ?> configs) {
        final Object configured = configs.get(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG);
        if (configured != null) {
            topic = configured.toString();
        }
        counters = LookoutCounters.from(configs);
    }

    @Override
    public Response handleError(final ErrorHandlerContext context, final Record<?, ?> record,
                                final Exception exception) {
        if (DeadLetterDeserializationHandler.isOutage(exception)) {
            LOG.error("Schema registry unavailable in {}; failing so the record is retried: {}",
                    context.processorNodeId(), exception.getMessage());
            return Response.fail();
        }
        final String stage;
        final String reason;
        if (exception instanceof RejectedRecordException rejected) {
            stage = rejected.stage();
            reason = rejected.reason();
            LOG.debug("Rejected {}-{}@{} at {}: {}", context.topic(), context.partition(), context.offset(), stage,
                    exception.getMessage());
        } else {
            stage = context.processorNodeId();
            reason = Reasons.PROCESSING_ERROR;
            LOG.error("Processing error in {} on {}-{}@{}; record sent to {}", stage, context.topic(),
                    context.partition(), context.offset(), topic, exception);
        }
        final ProducerRecord<byte[], byte[]> deadLetter = ExceptionHandlerUtils.buildDeadLetterQueueRecord(
                topic, context.sourceRawKey(), context.sourceRawValue(), context, exception);
        final Origin origin = DeadLetterHeaders.carriedOrigin(record == null ? null : record.value())
                .orElseGet(() -> new Origin(context.topic(), context.partition(), context.offset(),
                        context.timestamp()));
        DeadLetterHeaders.addLookoutHeaders(deadLetter.headers(), stage, reason, origin);
        counters.increment(LookoutCounters.Kind.DEAD_LETTERS, stage + "/" + reason);
        return Response.resume(List.of(deadLetter));
    }
}
