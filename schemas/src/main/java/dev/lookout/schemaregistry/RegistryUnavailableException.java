package dev.lookout.schemaregistry;

/**
 * No registry URL answered, after the configured retries and back-off. The message names the
 * URLs tried and the last failure.
 */
public class RegistryUnavailableException extends RuntimeException {

    public RegistryUnavailableException(final String message, final Throwable cause) {
        super(message, cause);
    }
}
