package dev.lookout.app.http;

import java.time.Duration;

/**
 * An answer other than success, as an exception so that validation can stop a handler anywhere.
 * Rendered as {@code {"error":{"code":...,"message":...}}} with its status.
 */
public final class ApiError extends RuntimeException {

    private final int status;
    private final String code;
    private final Duration retryAfter;

    private ApiError(final int status, final String code, final String message, final Duration retryAfter) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
        this.retryAfter = retryAfter;
    }

    public static ApiError badRequest(final String message) {
        return new ApiError(400, "bad_request", message, null);
    }

    public static ApiError notFound(final String message) {
        return new ApiError(404, "not_found", message, null);
    }

    public static ApiError notAcceptable(final String message) {
        return new ApiError(406, "not_acceptable", message, null);
    }

    public static ApiError misdirected(final String message) {
        return new ApiError(421, "misdirected", message, null);
    }

    public static ApiError unavailable(final String message, final Duration retryAfter) {
        return new ApiError(503, "unavailable", message, retryAfter);
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    /** When to try again (503), or null. */
    public Duration retryAfter() {
        return retryAfter;
    }
}
