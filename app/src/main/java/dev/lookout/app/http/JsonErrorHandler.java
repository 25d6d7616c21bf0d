package dev.lookout.app.http;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;

import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Jetty's own answers (a request line or headers over the limit, a malformed request, a
 * connection that timed out) in the API's error shape, instead of Jetty's HTML page.
 *
 * <p>Every such answer says {@code Connection: close}. Jetty closes the connection after most of
 * them (a URI it cannot decode, such as {@code %ZZ} or {@code %00}, among them) without saying
 * so, and a keep-alive client that sends its next request on that connection gets a socket error
 * instead of an answer. Announced, the client opens a new connection instead.
 */
final class JsonErrorHandler extends ErrorHandler {

    private static final Map<Integer, String> CODES = Map.of(400, "bad_request", 408, "request_timeout",
            413, "payload_too_large", 414, "uri_too_long", 431, "headers_too_large");

    @Override
    protected void generateResponse(final Request request, final Response response, final int code,
                                    final String message, final Throwable cause, final Callback callback)
            throws IOException {
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.getHeaders().put("X-Content-Type-Options", "nosniff");
        response.getHeaders().put(HttpHeader.CONNECTION, "close");
        response.write(true, ByteBuffer.wrap(body(code, describe(code, message, request))), callback);
    }

    @Override
    public ByteBuffer badMessageError(final int status, final String reason, final HttpFields.Mutable fields) {
        fields.put(HttpHeader.CONTENT_TYPE, "application/json");
        fields.put("X-Content-Type-Options", "nosniff");
        fields.put(HttpHeader.CONNECTION, "close");
        return ByteBuffer.wrap(body(status, reason));
    }

    /** Jetty says only "Bad Request" when it cannot decode a URI; the answer says what was wrong. */
    private static String describe(final int code, final String message, final Request request) {
        if (code == 400 && (message == null || message.isBlank() || "Bad Request".equals(message))) {
            return "the request could not be read; is its path valid percent-encoded UTF-8, without %00? ("
                    + request.getHttpURI().getPath() + ")";
        }
        return message;
    }

    private static byte[] body(final int status, final String reason) {
        final String message = reason != null && !reason.isBlank() ? reason : HttpStatus.getMessage(status);
        try {
            return Json.MAPPER.writeValueAsBytes(Json.error(CODES.getOrDefault(status, "http_" + status), message));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
