package dev.lookout.serde;

/**
 * A record ends before its header or its Avro body is complete: it was cut short in transit or by
 * a faulty producer.
 */
public class TruncatedPayloadException extends AvroSerdeException {

    public TruncatedPayloadException(final String topic, final int length, final String detail, final Throwable cause) {
        super("Truncated record in topic '" + topic + "' (" + length + " bytes): " + detail
                + ". The record was cut short; re-send it from the producer.", cause);
    }
}
