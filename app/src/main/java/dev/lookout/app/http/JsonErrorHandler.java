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
        response.write(true, ByteBuffer.wrap(body(code, message)), callback);
    }

    @Override
    public ByteBuffer badMessageError(final int status, final String reason, final HttpFields.Mutable fields) {
        fields.put(HttpHeader.CONTENT_TYPE, "application/json");
        fields.put("X-Content-Type-Options", "nosniff");
        return ByteBuffer.wrap(body(status, reason));
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
