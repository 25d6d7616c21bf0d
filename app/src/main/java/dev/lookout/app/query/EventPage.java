package dev.lookout.app.query;

import java.util.List;

/**
 * A page of a user's history, oldest first.
 *
 * @param next where the next page starts (an opaque position), or null on the last page
 */
public record EventPage(List<UserEventDto> items, String next) {
}
