package dev.lookout.app.query;

import java.time.Instant;

/** The user view, as the API serves it. */
public record UserDto(String userId, String email, String displayName, String status, Instant registeredAt,
                      Instant updatedAt, long postCount, long commentCount, long eventsApplied) {
}
