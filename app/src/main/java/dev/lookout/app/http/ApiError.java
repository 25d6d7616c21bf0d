package dev.lookout.app.http;

import java.time.Duration;
import java.util.Map;
import dev.lookout.app.security.Scope;

/**
 * An answer other than success, as an exception so that validation can stop a handler anywhere.
 * Rendered as {@code {"error":{"code":...,"message":...}}} with its status.
 */
public final class ApiError extends RuntimeException {

    private final int status;
    private final String code;
    private final Duration retryAfter;
    private final Map<String, String> headers;

    private ApiError(final int status, final String code, final String message, final Duration retryAfter) {
        this(status, code, message, retryAfter, Map.of());
    }

    private ApiError(final int status, final String code, final String message, final Duration retryAfter,
                     final Map<String, String> headers) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
        this.retryAfter = retryAfter;
        this.headers = Map.copyOf(headers);
    }

    /**
     * No credential, or one that matches no key: the same answer for both, so that it never says
     * whether a key exists.
     */
    public static ApiError unauthorized() {
        return new ApiError(401, "unauthorized", "a valid API key is required: send Authorization: Bearer <token>",
                null, Map.of("WWW-Authenticate", "Bearer realm=\"lookout\""));
    }

    /** A call between instances that is not validly signed. */
    public static ApiError unsignedInternalCall() {
        return new ApiError(401, "unauthorized", "internal routes answer only calls signed by another instance",
                null, Map.of());
    }

    /** A valid key without the scope the route needs. */
    public static ApiError forbidden(final Scope needed) {
        return new ApiError(403, "forbidden", "this API key lacks the scope " + needed.label(), null,
                Map.of("WWW-Authenticate", "Bearer realm=\"lookout\", error=\"insufficient_scope\", scope=\""
                        + needed.label() + "\""));
    }

    /** A request the caller may not make, whatever its key's scopes. */
    public static ApiError forbidden(final String message) {
        return new ApiError(403, "forbidden", message, null);
    }

    public static ApiError uriTooLong(final String message) {
        return new ApiError(414, "uri_too_long", message, null);
    }

    public static ApiError tooManyRequests(final String message, final Duration retryAfter) {
        return new ApiError(429, "too_many_requests", message, retryAfter);
    }

    /** Another instance refused or garbled a forwarded call: a configuration fault, not the caller's. */
    public static ApiError badGateway(final String message) {
        return new ApiError(502, "bad_gateway", message, null);
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

    /** When to try again (429, 503), or null. */
    public Duration retryAfter() {
        return retryAfter;
    }

    /** Headers the answer carries besides {@code Retry-After}. */
    public Map<String, String> headers() {
        return headers;
    }
}
