package dev.lookout.app.query;

import java.time.Instant;

/** The post view, as the API serves it. */
public record PostDto(String postId, String authorId, String title, Instant publishedAt, long commentCount,
                      Instant lastCommentAt) {
}
