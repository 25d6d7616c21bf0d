package dev.lookout.app.http;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;

import dev.lookout.app.query.AlertDto;
import dev.lookout.app.query.EventPage;
import dev.lookout.app.query.ReadModel;
import dev.lookout.app.query.ReadOptions;
import dev.lookout.app.query.Result;
import dev.lookout.app.query.UserDto;
import io.javalin.http.Context;

/**
 * Lookups by key: a user (now or as of a time), a user by email, a post, a user's alerts. Each
 * public route has an internal twin that answers only from this instance; a public route whose key
 * lives elsewhere asks the owner's internal route.
 */
final class ReadRoutes {

    private final ReadModel readModel;
    private final Peers peers;

    ReadRoutes(final ReadModel readModel, final Peers peers) {
        this.readModel = readModel;
        this.peers = peers;
    }

    void user(final Context ctx) {
        renderUser(ctx, Params.id(ctx, "userId"), true);
    }

    void internalUser(final Context ctx) {
        renderUser(ctx, Params.id(ctx, "userId"), false);
    }

    void post(final Context ctx) {
        final String postId = Params.id(ctx, "postId");
        Answers.render(ctx, readModel.post(postId, options(ctx)), "post " + postId + " not found", peers,
                "/internal/posts/" + encode(postId) + query(ctx), value -> value);
    }

    void internalPost(final Context ctx) {
        final String postId = Params.id(ctx, "postId");
        Answers.render(ctx, readModel.post(postId, options(ctx)), "post " + postId + " not found", peers, null,
                value -> value);
    }

    void alertsOfUser(final Context ctx) {
        final String userId = Params.id(ctx, "userId");
        Answers.render(ctx, readModel.alertsOfUser(userId, options(ctx)), "no alerts", peers,
                "/internal/users/" + encode(userId) + "/alerts" + query(ctx), ReadRoutes::items);
    }

    void internalAlertsOfUser(final Context ctx) {
        final String userId = Params.id(ctx, "userId");
        Answers.render(ctx, readModel.alertsOfUser(userId, options(ctx)), "no alerts", peers, null, ReadRoutes::items);
    }

    /** {@code GET /api/users/{userId}/events}: the user's applied events in event-time order. */
    void userEvents(final Context ctx) {
        renderEvents(ctx, true);
    }

    void internalUserEvents(final Context ctx) {
        renderEvents(ctx, false);
    }

    private void renderEvents(final Context ctx, final boolean mayForward) {
        final String userId = Params.id(ctx, "userId");
        final int limit = Params.limit(ctx, 1, 500, 100);
        final String cursor = ctx.queryParam("cursor");
        final String after = cursor == null ? null : Cursor.position(cursor);
        final String fromText = ctx.queryParam("from");
        final ReadOptions options = options(ctx);
        // The owner of the user's partition knows where its history starts; elsewhere the request is passed on.
        final Optional<Instant> start = readModel.historyStart(userId, options);
        final Instant from;
        if (fromText == null) {
            from = start.orElse(Instant.EPOCH);
        } else {
            from = Params.instant("from", fromText);
            if (start.isPresent() && from.isBefore(start.get())) {
                throw ApiError.badRequest("from " + from + " is outside the history retention of "
                        + readModel.historyRetention().toDays() + " days, counted back from the newest event time of "
                        + "the user's partition (the earliest answerable time is " + start.get() + ")");
            }
        }
        final Result<EventPage> page = readModel.userEvents(userId, from, after, limit, options);
        if (page instanceof Result.Found<EventPage> found && found.value().items().isEmpty() && after == null
                && !(readModel.user(userId, options) instanceof Result.Found<UserDto>)) {
            ctx.header(Peers.SERVED_BY, found.servedBy());
            throw ApiError.notFound("user " + userId + " not found");
        }
        Answers.render(ctx, page, "user " + userId + " not found", peers,
                mayForward ? "/internal/users/" + encode(userId) + "/events" + query(ctx, EVENT_PARAMETERS) : null,
                value -> {
                    final Map<String, Object> body = new LinkedHashMap<>();
                    body.put("items", value.items());
                    body.put("nextCursor", value.next() == null ? null : Cursor.after(value.next()));
                    return body;
                });
    }

    /** {@code GET /api/users?email=...}: the user holding an address. */
    void userByEmail(final Context ctx, final String rawEmail) {
        final String email = Params.email(rawEmail);
        final ReadOptions options = options(ctx);
        final Result<String> owner = readModel.userIdByEmail(email, options);
        final String userId;
        if (owner instanceof Result.Found<String> found) {
            userId = found.value();
        } else if (owner instanceof Result.Remote<String> remote) {
            final Peers.Answer answer = peers.getNow(remote.host(), "/internal/emails/" + encode(email) + query(ctx));
            if (answer.status() != 200) {
                Answers.relay(ctx, answer);
                return;
            }
            userId = userIdOf(answer.body());
        } else if (owner instanceof Result.Unavailable<String> unavailable) {
            throw ApiError.unavailable(unavailable.reason(), unavailable.retryAfter());
        } else {
            throw ApiError.notFound("no user has the email " + email);
        }
        renderUser(ctx, userId, true);
    }

    void internalEmail(final Context ctx) {
        final String email = Params.email(ctx.pathParam("email"));
        Answers.render(ctx, readModel.userIdByEmail(email, options(ctx)), "no user has the email " + email, peers, null,
                userId -> Map.of("userId", userId));
    }

    private void renderUser(final Context ctx, final String userId, final boolean mayForward) {
        final ReadOptions options = options(ctx);
        final String asOfText = ctx.queryParam("asOf");
        final Result<UserDto> result;
        if (asOfText == null) {
            result = readModel.user(userId, options);
        } else {
            final Instant asOf = Params.instant("asOf", asOfText);
            final Duration retention = readModel.historyRetention();
            final Optional<Instant> earliest = readModel.historyStart(userId, options);
            if (earliest.isPresent() && asOf.isBefore(earliest.get())) {
                throw ApiError.badRequest("asOf " + asOf + " is outside the history retention of " + retention.toDays()
                        + " days, counted back from the newest event time of the user's partition (the earliest "
                        + "answerable time is " + earliest.get() + ")");
            }
            result = readModel.userAsOf(userId, asOf, options);
        }
        final String notFound = asOfText == null ? "user " + userId + " not found"
                : "user " + userId + " did not exist at " + asOfText;
        Answers.render(ctx, result, notFound, peers,
                mayForward ? "/internal/users/" + encode(userId) + query(ctx) : null, value -> value);
    }

    private static ReadOptions options(final Context ctx) {
        return new ReadOptions(Params.flag(ctx, "allowStale"));
    }

    private static Map<String, List<AlertDto>> items(final List<AlertDto> alerts) {
        return Map.of("items", alerts);
    }

    private static String userIdOf(final byte[] body) {
        try {
            final JsonNode node = Json.MAPPER.readTree(body);
            return node.get("userId").asText();
        } catch (java.io.IOException | NullPointerException e) {
            throw ApiError.unavailable("the owning instance gave an unreadable answer", Duration.ofSeconds(1));
        }
    }

    static String encode(final String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** The query string to pass on when forwarding: only the parameters that change the answer. */
    private static String query(final Context ctx) {
        return query(ctx, List.of("asOf", "allowStale"));
    }

    private static final List<String> EVENT_PARAMETERS = List.of("from", "limit", "cursor", "allowStale");

    private static String query(final Context ctx, final List<String> parameters) {
        final StringBuilder query = new StringBuilder();
        for (final String name : parameters) {
            final String value = ctx.queryParam(name);
            if (value != null) {
                query.append(query.isEmpty() ? '?' : '&').append(name).append('=').append(encode(value));
            }
        }
        return query.toString();
    }
}
