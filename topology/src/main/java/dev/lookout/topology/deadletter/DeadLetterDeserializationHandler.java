package dev.lookout.topology.deadletter;

import java.util.List;
import java.util.Map;

import dev.lookout.internal.Origin;
import dev.lookout.serde.MalformedPayloadException;
import dev.lookout.serde.SchemaRegistryUnavailableException;
import dev.lookout.serde.TruncatedPayloadException;
import dev.lookout.serde.UnknownMagicByteException;
import dev.lookout.serde.UnknownSchemaIdException;
import dev.lookout.topology.LookoutCounters;
import dev.lookout.topology.Names;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.internals.ExceptionHandlerUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends records that cannot be deserialised to the dead-letter topic, with their original bytes,
 * and goes on. Built on Kafka's own dead-letter support (KIP-1034): the record is built by Kafka's
 * {@code ExceptionHandlerUtils} and produced by Kafka Streams inside the task's transaction; this
 * handler adds Lookout's stage, reason and origin headers.
 *
 * <p>An unreachable schema registry is an outage, not bad data: the handler fails, the stream
 * thread is replaced, and the record is read again once the registry answers.
 */
public class DeadLetterDeserializationHandler implements DeserializationExceptionHandler {

    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterDeserializationHandler.class);
    static final String STAGE = "deserialize";

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
    public Response handleError(final ErrorHandlerContext context, final ConsumerRecord<byte[], byte[]> record,
                                final Exception exception) {
        if (isOutage(exception)) {
            LOG.error("Schema registry unavailable while reading {}-{}@{}; failing so the record is retried: {}",
                    record.topic(), record.partition(), record.offset(), exception.getMessage());
            return Response.fail();
        }
        final String reason = reason(exception);
        final ProducerRecord<byte[], byte[]> deadLetter = ExceptionHandlerUtils.buildDeadLetterQueueRecord(
                topic, record.key(), record.value(), context, exception);
        DeadLetterHeaders.addLookoutHeaders(deadLetter.headers(), STAGE, reason,
                new Origin(record.topic(), record.partition(), record.offset(), record.timestamp()));
        counters.increment(LookoutCounters.Kind.DEAD_LETTERS, STAGE + "/" + reason);
        LOG.warn("Dead letter ({}) from {}-{}@{}: {}", reason, record.topic(), record.partition(), record.offset(),
                exception.getMessage());
        return Response.resume(List.of(deadLetter));
    }

    static boolean isOutage(final Throwable exception) {
        for (Throwable cause = exception; cause != null; cause = cause.getCause()) {
            if (cause instanceof SchemaRegistryUnavailableException) {
                return true;
            }
        }
        return false;
    }

    private static String reason(final Exception exception) {
        if (exception instanceof UnknownMagicByteException) {
            return Reasons.BAD_MAGIC_BYTE;
        }
        if (exception instanceof UnknownSchemaIdException) {
            return Reasons.UNKNOWN_SCHEMA_ID;
        }
        if (exception instanceof TruncatedPayloadException) {
            return Reasons.TRUNCATED;
        }
        if (exception instanceof MalformedPayloadException) {
            return Reasons.MALFORMED;
        }
        return Reasons.UNDECODABLE;
    }
}
