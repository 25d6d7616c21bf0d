package dev.lookout.serde;

/**
 * A record names a schema id that the configured registry does not know: it was written against
 * another registry, or the registry lost its data.
 */
public class UnknownSchemaIdException extends AvroSerdeException {

    private final int schemaId;

    public UnknownSchemaIdException(final String topic, final int schemaId, final Throwable cause) {
        super("Schema id " + schemaId + " of a record in topic '" + topic + "' is not known to the schema registry. "
                + "The producer registered its schema in a different registry, or the registry lost its data: point "
                + "schema.registry.url at the registry the producer uses.", cause);
        this.schemaId = schemaId;
    }

    public int schemaId() {
        return schemaId;
    }
}
