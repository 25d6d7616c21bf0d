package dev.lookout.bench.detection;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.lookout.events.AuthEvent;
import dev.lookout.events.LoginFailed;

/**
 * A login as Flink and Esper see it: a mutable bean with a no-argument constructor, getters and
 * setters, which is what Flink's POJO serializer and Esper's bean event type both need.
 */
public final class LoginEvent {

    private String user;
    private String id;
    private long at;
    private boolean failed;

    public LoginEvent() {
    }

    public LoginEvent(final String user, final String id, final long at, final boolean failed) {
        this.user = user;
        this.id = id;
        this.at = at;
        this.failed = failed;
    }

    /** The events as beans, with one String per user (so that keying by user compares by identity). */
    public static LoginEvent[] of(final List<AuthEvent> events) {
        final Map<String, String> users = new HashMap<>();
        final LoginEvent[] logins = new LoginEvent[events.size()];
        for (int i = 0; i < logins.length; i++) {
            final AuthEvent event = events.get(i);
            logins[i] = new LoginEvent(users.computeIfAbsent(event.getUserId(), key -> key), event.getEventId(),
                    event.getOccurredAt().toEpochMilli(), event.getPayload() instanceof LoginFailed);
        }
        return logins;
    }

    public String getUser() {
        return user;
    }

    public void setUser(final String user) {
        this.user = user;
    }

    public String getId() {
        return id;
    }

    public void setId(final String id) {
        this.id = id;
    }

    public long getAt() {
        return at;
    }

    public void setAt(final long at) {
        this.at = at;
    }

    public boolean isFailed() {
        return failed;
    }

    public void setFailed(final boolean failed) {
        this.failed = failed;
    }
}
