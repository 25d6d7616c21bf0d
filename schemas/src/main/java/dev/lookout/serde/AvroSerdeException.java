package dev.lookout.serde;

import org.apache.kafka.common.errors.SerializationException;

/**
 * Base of every failure of Lookout's Avro serde. It extends Kafka's
 * {@link SerializationException}, so Kafka clients and Kafka Streams' exception handlers treat it
 * as a serialisation failure. Each subclass names one cause and its message says what to do.
 */
public class AvroSerdeException extends SerializationException {

    public AvroSerdeException(final String message) {
        super(message);
    }

    public AvroSerdeException(final String message, final Throwable cause) {
        super(message, cause);
    }
}
