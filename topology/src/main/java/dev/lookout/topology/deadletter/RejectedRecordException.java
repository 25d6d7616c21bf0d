package dev.lookout.topology.deadletter;

/**
 * Thrown by a processor that refuses its input record. {@link DeadLetterProcessingHandler} turns
 * it into a dead letter carrying the record's original bytes, and processing goes on with the
 * next record. Cheap to throw: no stack trace is captured.
 */
public class RejectedRecordException extends RuntimeException {

    private final String stage;
    private final String reason;

    public RejectedRecordException(final String stage, final String reason, final String message) {
        super(message, null, false, false);
        this.stage = stage;
        this.reason = reason;
    }

    public String stage() {
        return stage;
    }

    public String reason() {
        return reason;
    }
}
