package dev.lookout.app.http;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectReader;

import dev.lookout.app.query.DeadLetterAdmin;
import dev.lookout.app.query.DeadLetterDto;
import dev.lookout.app.query.DeadLetterFilter;
import dev.lookout.app.query.RedriveReport;
import dev.lookout.app.security.Scope;
import io.javalin.http.Context;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /api/dead-letters} and {@code POST /api/dead-letters/redrive}, both under the scope
 * {@code admin:dead-letters}. The dead-letter topic is one for the whole application, so any
 * instance answers; nothing is forwarded.
 *
 * <p>A re-drive writes to the input topics, so it needs an API key even on the open embedded
 * demo; every re-drive is logged with the key's id.
 */
final class DeadLetterRoutes {

    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterRoutes.class);
    static final int MAX_LIST = 1000;
    static final int MAX_REDRIVE = 10_000;
    private static final ObjectReader REQUEST = Json.MAPPER.readerFor(RedriveRequest.class)
            .with(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private final DeadLetterAdmin deadLetters;
    private final boolean keysRequired;

    DeadLetterRoutes(final DeadLetterAdmin deadLetters, final boolean keysRequired) {
        this.deadLetters = deadLetters;
        this.keysRequired = keysRequired;
    }

    /**
     * The body of a re-drive: which dead letters (null matches anything), how many at most, and
     * whether to force or only report.
     */
    record RedriveRequest(String reason, String stage, String originTopic, String from, String to, Integer limit,
                          Boolean force, Boolean dryRun) {
        boolean forced() {
            return Boolean.TRUE.equals(force);
        }

        boolean onlyReport() {
            return Boolean.TRUE.equals(dryRun);
        }
    }

    void list(final Context ctx) {
        final DeadLetterFilter filter = new DeadLetterFilter(ctx.queryParam("reason"), ctx.queryParam("stage"),
                ctx.queryParam("originTopic"), instant("from", ctx.queryParam("from")),
                instant("to", ctx.queryParam("to")));
        final int limit = Params.limit(ctx, 1, MAX_LIST, 100);
        final List<DeadLetterDto> items = available().newest(filter, limit);
        ctx.json(Map.of("items", items));
    }

    void redrive(final Context ctx) {
        if (!keysRequired) {
            throw ApiError.forbidden("re-driving writes to the input topics, so it needs an API key with the scope "
                    + Scope.ADMIN_DEAD_LETTERS.label() + " (--api-key), even on the open demo; or use "
                    + "'lookout dlq redrive'");
        }
        final RedriveRequest request = parse(ctx.body());
        final int limit = request.limit() == null ? MAX_REDRIVE : request.limit();
        if (limit < 1 || limit > MAX_REDRIVE) {
            throw ApiError.badRequest("limit must be from 1 to " + MAX_REDRIVE + ", was " + limit);
        }
        final DeadLetterFilter filter = new DeadLetterFilter(request.reason(), request.stage(), request.originTopic(),
                instant("from", request.from()), instant("to", request.to()));
        final RedriveReport report = available().redrive(filter, limit, request.forced(), request.onlyReport());
        LOG.info("Re-drive by {}: {}{}, sent {}, refused {}", Access.caller(ctx), filter,
                request.forced() ? " (forced)" : "", report.dryRun() ? "none (dry run)" : report.sent().size(),
                report.refused().size());
        ctx.json(report);
    }

    private DeadLetterAdmin available() {
        if (deadLetters == null) {
            throw ApiError.notFound("this instance serves no dead letters");
        }
        return deadLetters;
    }

    private static RedriveRequest parse(final String body) {
        if (body == null || body.isBlank()) {
            throw ApiError.badRequest("send a JSON object naming what to re-drive, e.g. {\"reason\":\"orphan\"}; "
                    + "{} re-drives every dead letter that can be re-driven");
        }
        try {
            final RedriveRequest request = REQUEST.readValue(body);
            if (request == null) {
                throw ApiError.badRequest("the body must be a JSON object");
            }
            return request;
        } catch (JsonProcessingException e) {
            throw ApiError.badRequest("the body is not a valid re-drive request: " + e.getOriginalMessage()
                    + " (fields: reason, stage, originTopic, from, to, limit, force, dryRun)");
        }
    }

    private static Instant instant(final String name, final String text) {
        return text == null ? null : Params.instant(name, text);
    }
}
