package dev.lookout.app.http;

import java.time.Duration;
import java.util.function.Function;

import dev.lookout.app.query.Result;
import io.javalin.http.Context;

/**
 * Turns a read-model {@link Result} into an HTTP answer, in one place: 200 with the value and
 * {@code X-Lookout-Served-By}; 404; a 503 with {@code Retry-After}; or, for a key another
 * instance owns, the other instance's answer (public routes) or 421 (internal routes, which never
 * forward again).
 */
final class Answers {

    private Answers() {
    }

    /**
     * @param internalPath the internal path and query that asks the owner, or null on internal
     *     routes
     */
    static <T> void render(final Context ctx, final Result<T> result, final String notFound, final Peers peers,
                           final String internalPath, final Function<T, Object> body) {
        if (result instanceof Result.Found<T> found) {
            ctx.header(Peers.SERVED_BY, found.servedBy());
            found.stale().ifPresent(stale -> ctx.header(Peers.STALE_LAG, Long.toString(stale.offsetLag())));
            ctx.json(body.apply(found.value()));
        } else if (result instanceof Result.NotFound<T> missing) {
            ctx.header(Peers.SERVED_BY, missing.servedBy());
            throw ApiError.notFound(notFound);
        } else if (result instanceof Result.Remote<T> remote) {
            if (internalPath == null) {
                throw ApiError.misdirected("this instance does not own the key; ask " + remote.host());
            }
            relay(ctx, peers.getNow(remote.host(), internalPath));
        } else if (result instanceof Result.Unavailable<T> unavailable) {
            throw ApiError.unavailable(unavailable.reason(), unavailable.retryAfter());
        }
    }

    /** Passes a peer's answer on; a peer that lost the key meanwhile (421) means: try again. */
    static void relay(final Context ctx, final Peers.Answer answer) {
        if (answer.status() == 421) {
            throw ApiError.unavailable("ownership of the key is moving between instances", Duration.ofSeconds(1));
        }
        if (answer.status() == 401 || answer.status() == 403) {
            throw ApiError.badGateway("the instance that owns this key refused this instance's call; every instance "
                    + "needs the same --internal-secret");
        }
        if (answer.servedBy() != null) {
            ctx.header(Peers.SERVED_BY, answer.servedBy());
        }
        if (answer.staleLag() != null) {
            ctx.header(Peers.STALE_LAG, answer.staleLag());
        }
        if (answer.retryAfter() != null) {
            ctx.header("Retry-After", answer.retryAfter());
        }
        ctx.status(answer.status()).contentType("application/json").result(answer.body());
    }
}
