package dev.lookout.serde;

/**
 * A record's Avro body does not decode with the schema its header names (for example an
 * impossible union index): the bytes were not written with that schema.
 */
public class MalformedPayloadException extends AvroSerdeException {

    public MalformedPayloadException(final String topic, final int schemaId, final Throwable cause) {
        super("Record in topic '" + topic + "' does not decode with schema id " + schemaId + ": "
                + cause.getMessage() + ". The producer wrote bytes that do not match the schema it named.", cause);
    }
}
