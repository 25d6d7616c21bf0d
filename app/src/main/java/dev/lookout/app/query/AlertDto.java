package dev.lookout.app.query;

import java.time.Instant;
import java.util.List;

/** A security alert, as the API serves it. */
public record AlertDto(String alertId, String kind, String userId, String sourceIp, int failureCount,
                       Instant firstEventAt, Instant lastEventAt, Instant detectedAt, List<String> sourceIps,
                       List<String> triggeringEventIds, List<String> userIds) {
}
