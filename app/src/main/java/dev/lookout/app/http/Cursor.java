package dev.lookout.app.http;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * The opaque cursors of paged lists: where the previous page ended (the last user id of the user
 * listing, or a position in a user's history), as base64url JSON, so that its form can change
 * without breaking clients that treat it as opaque.
 */
final class Cursor {

    private static final int MAX_LENGTH = 512;
    private static final Pattern HEX = Pattern.compile("(?:[0-9a-f]{2})+");

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

    /** A position in a user's history from a cursor: hexadecimal, as the read model issued it. */
    static String position(final String cursor) {
        final String position = parse(cursor);
        if (!HEX.matcher(position).matches()) {
            throw ApiError.badRequest("cursor is not one this API issued");
        }
        return position;
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
            // A user id is well-formed text: a lone surrogate would also be sent to peers as "?".
            if (after == null || !after.isTextual() || after.asText().isEmpty()
                    || !StandardCharsets.UTF_8.newEncoder().canEncode(after.asText())) {
                throw ApiError.badRequest("cursor is not one this API issued");
            }
            return after.asText();
        } catch (IllegalArgumentException | JsonProcessingException e) {
            throw ApiError.badRequest("cursor is not one this API issued");
        }
    }
}
