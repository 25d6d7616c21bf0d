package dev.lookout.topology.deadletter;

/** The values of the {@code lookout.dlq.reason} header. */
public final class Reasons {

    public static final String BAD_MAGIC_BYTE = "bad-magic-byte";
    public static final String UNKNOWN_SCHEMA_ID = "unknown-schema-id";
    public static final String TRUNCATED = "truncated";
    public static final String MALFORMED = "malformed";
    public static final String UNDECODABLE = "undecodable";
    public static final String NULL_KEY = "null-key";
    public static final String NULL_VALUE = "null-value";
    public static final String KEY_MISMATCH = "key-mismatch";
    public static final String INVALID = "invalid-event";
    public static final String LATE = "late";
    public static final String ORPHAN = "orphan";
    public static final String PARKING_FULL = "parking-full";
    public static final String PROCESSING_ERROR = "processing-error";

    private Reasons() {
    }
}
