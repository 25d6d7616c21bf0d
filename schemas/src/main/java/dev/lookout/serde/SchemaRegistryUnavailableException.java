package dev.lookout.serde;

/**
 * The schema registry did not answer after the configured retries ({@code max.retries},
 * {@code retries.wait.ms}, {@code retries.max.wait.ms}). This is an outage, not bad data: a
 * caller should fail and retry later rather than discard the record.
 */
public class SchemaRegistryUnavailableException extends AvroSerdeException {

    public SchemaRegistryUnavailableException(final String message, final Throwable cause) {
        super(message, cause);
    }
}
