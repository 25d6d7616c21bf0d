package dev.lookout.schemaregistry;

import java.util.List;

/**
 * An error answer of the schema registry, with Confluent's {@code error_code} and message.
 *
 * <p>The factory methods produce exactly the codes Confluent documents, so that the development
 * server answers clients the way the real registry does.
 */
public class RegistryException extends RuntimeException {

    public static final int SUBJECT_NOT_FOUND = 40401;
    public static final int VERSION_NOT_FOUND = 40402;
    public static final int SCHEMA_NOT_FOUND = 40403;
    public static final int SUBJECT_LEVEL_COMPATIBILITY_NOT_CONFIGURED = 40408;
    public static final int INCOMPATIBLE_SCHEMA = 409;
    public static final int INVALID_SCHEMA = 42201;
    public static final int INVALID_VERSION = 42202;
    public static final int INVALID_COMPATIBILITY_LEVEL = 42203;
    public static final int STORE_ERROR = 50001;

    private final int errorCode;

    public RegistryException(final int errorCode, final String message) {
        super(message);
        this.errorCode = errorCode;
    }

    /** The registry's {@code error_code}, e.g. 40403. */
    public int errorCode() {
        return errorCode;
    }

    /** The HTTP status that carries this error: the first three digits of the code. */
    public int httpStatus() {
        return errorCode < 1000 ? errorCode : errorCode / 100;
    }

    public static RegistryException subjectNotFound(final String subject) {
        return new RegistryException(SUBJECT_NOT_FOUND, "Subject '" + subject + "' not found.");
    }

    public static RegistryException versionNotFound(final int version) {
        return new RegistryException(VERSION_NOT_FOUND, "Version " + version + " not found.");
    }

    public static RegistryException schemaNotFound(final int id) {
        return new RegistryException(SCHEMA_NOT_FOUND, "Schema " + id + " not found");
    }

    public static RegistryException schemaNotFound() {
        return new RegistryException(SCHEMA_NOT_FOUND, "Schema not found");
    }

    public static RegistryException invalidSchema(final String detail) {
        return new RegistryException(INVALID_SCHEMA, "Invalid schema " + detail);
    }

    public static RegistryException invalidVersion(final String version) {
        return new RegistryException(INVALID_VERSION, "The specified version '" + version + "' is not a valid version id. "
                + "Allowed values are between [1, 2^31-1] and the string \"latest\"");
    }

    public static RegistryException invalidCompatibilityLevel(final String level) {
        return new RegistryException(INVALID_COMPATIBILITY_LEVEL, "Invalid compatibility level '" + level
                + "'. Valid values are none, backward, forward, full, backward_transitive, forward_transitive, "
                + "and full_transitive");
    }

    public static RegistryException incompatible(final String subject, final List<String> problems) {
        return new RegistryException(INCOMPATIBLE_SCHEMA, "Schema being registered is incompatible with an earlier "
                + "schema for subject \"" + subject + "\", details: " + problems);
    }

    public static RegistryException noSubjectLevel(final String subject) {
        return new RegistryException(SUBJECT_LEVEL_COMPATIBILITY_NOT_CONFIGURED,
                "Subject '" + subject + "' does not have subject-level compatibility configured");
    }
}
