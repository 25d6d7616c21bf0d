package dev.lookout.serde;

/**
 * The serializer could not obtain an id for the record's schema: the registry refused the
 * registration (incompatible or invalid), or the schema is not registered and
 * {@code auto.register.schemas=false}.
 */
public class SchemaRegistrationException extends AvroSerdeException {

    public SchemaRegistrationException(final String message, final Throwable cause) {
        super(message, cause);
    }
}
