package dev.lookout.app.http;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * The opaque cursor of the user listing: the last user id of the previous page, as base64url
 * JSON, so that its form can change without breaking clients that treat it as opaque.
 */
final class Cursor {

    private static final int MAX_LENGTH = 512;

    private Cursor() {
    }

    static String after(final String userId) {
        try {
            return Base64.getUrlEncoder().withoutPadding()
                    .encodeToString(Json.MAPPER.writeValueAsBytes(Map.of("after", userId)));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The user id a cursor continues after; null for no cursor. */
    static String parse(final String cursor) {
        if (cursor == null) {
            return null;
        }
        if (cursor.length() > MAX_LENGTH) {
            throw ApiError.badRequest("cursor is not one this API issued");
        }
        try {
            final JsonNode node = Json.MAPPER.readTree(
                    new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8));
            final JsonNode after = node == null ? null : node.get("after");
            if (after == null || !after.isTextual() || after.asText().isEmpty()) {
                throw ApiError.badRequest("cursor is not one this API issued");
            }
            return after.asText();
        } catch (IllegalArgumentException | JsonProcessingException e) {
            throw ApiError.badRequest("cursor is not one this API issued");
        }
    }
}
