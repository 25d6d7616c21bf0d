package dev.lookout.app.http;

import java.util.Set;

import dev.lookout.app.logging.Masking;
import dev.lookout.app.security.ApiKey;
import dev.lookout.app.security.Scope;
import dev.lookout.app.security.Security;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.javalin.security.RouteRole;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who may call what, checked before any route runs.
 *
 * <ul>
 *   <li>Deny by default: with authentication required, every path but the probes, the console's
 *       assets (and {@code /metrics} and {@code /openapi.json} unless protected) needs a valid key, so an
 *       unknown route, a {@code HEAD} or an oddly spelled path answers 401 rather than slipping
 *       past a prefix check.</li>
 *   <li>{@code /internal/**} needs an instance's signature ({@link PeerAuth}) whenever a secret is
 *       set, and never accepts an API key.</li>
 *   <li>Once a route is matched, its {@link Scope} decides between the answer and 403.</li>
 *   <li>Each refusal is logged with the key id at most; paths are masked ({@link Masking}).</li>
 * </ul>
 */
final class Access {

    private static final Logger LOG = LoggerFactory.getLogger(Access.class);
    private static final String KEY = "lookout.key";
    private static final String BEARER = "bearer ";
    private static final Set<String> PROBES = Set.of("/health/live", "/health/ready");

    private final Security security;
    private final PeerAuth peerAuth;
    private final RateLimiter limiter;

    Access(final Security security, final PeerAuth peerAuth, final RateLimiter limiter) {
        this.security = security;
        this.peerAuth = peerAuth;
        this.limiter = limiter;
    }

    /** Runs before every request: the credential, then the key's rate. */
    void authenticate(final Context ctx) {
        if (ctx.method() == HandlerType.OPTIONS) {
            return; // CORS preflights carry no credential; no route answers OPTIONS with data
        }
        final String path = ctx.path().replaceAll("/{2,}", "/");
        if (open(path)) {
            return;
        }
        if (path.startsWith("/internal/")) {
            checkSignature(ctx);
            return;
        }
        if (!security.authRequired()) {
            return;
        }
        final String token = token(ctx);
        final ApiKey key = token == null ? null : ApiKey.match(security.keys(), token);
        if (key == null) {
            refused(ctx, token == null ? "no credential" : "a credential that matches no key", null);
            throw ApiError.unauthorized();
        }
        ctx.attribute(KEY, key);
        try {
            limiter.acquire(key.id());
        } catch (ApiError tooMany) {
            refused(ctx, "rate limit", key);
            throw tooMany;
        }
    }

    /** Runs once a route matched: the route's scope against the key's. */
    void authorize(final Context ctx) {
        final ApiKey key = ctx.attribute(KEY);
        if (key == null) {
            return; // authentication is off, or the route is open
        }
        for (final RouteRole role : ctx.routeRoles()) {
            if (role instanceof Needs needs && !key.scopes().contains(needs.scope())) {
                refused(ctx, "missing scope " + needs.scope().label(), key);
                throw ApiError.forbidden(needs.scope());
            }
        }
    }

    /** A route's role for Javalin: the scope a key needs to call it. */
    record Needs(Scope scope) implements RouteRole {
    }

    /** Whom per-caller limits count against: the key id, or the client address without keys. */
    static String caller(final Context ctx) {
        final ApiKey key = ctx.attribute(KEY);
        return key != null ? "key " + key.id() : "address " + ctx.ip();
    }

    private boolean open(final String path) {
        return PROBES.contains(path)
                || isConsoleAsset(path)
                || path.equals("/metrics") && !security.protectMetrics()
                || path.equals("/openapi.json") && !security.protectOpenApi();
    }

    /**
     * The console's page, scripts, styles and libraries carry no data: a browser loads them before
     * it has a key, and the console then sends the key with every call to {@code /api}.
     */
    private static boolean isConsoleAsset(final String path) {
        return path.equals("/") || path.startsWith("/console/") || path.startsWith("/webjars/");
    }

    private void checkSignature(final Context ctx) {
        if (peerAuth == null) {
            return; // no secret: allowed only without authentication (see Security)
        }
        final String why = peerAuth.refusal(ctx.method().name(), ctx.req().getRequestURI(), ctx.queryString(),
                ctx.header(PeerAuth.TIMESTAMP), ctx.header(PeerAuth.NONCE), ctx.header(PeerAuth.SIGNATURE));
        if (why != null) {
            refused(ctx, why, null);
            throw ApiError.unsignedInternalCall();
        }
    }

    /** The token of {@code Authorization: Bearer <token>} or {@code X-API-Key: <token>}, or null. */
    private static String token(final Context ctx) {
        final String authorization = ctx.header("Authorization");
        if (authorization != null && authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            final String token = authorization.substring(BEARER.length()).trim();
            return token.isEmpty() ? null : token;
        }
        final String apiKey = ctx.header("X-API-Key");
        return apiKey == null || apiKey.isBlank() ? null : apiKey.trim();
    }

    private static void refused(final Context ctx, final String why, final ApiKey key) {
        final String query = ctx.queryString();
        LOG.warn("Refused {} {} from {}: {}{}", ctx.method(), Masking.mask(ctx.path() + (query == null ? "" : "?" + query)),
                ctx.ip(), why, key == null ? "" : " (key " + key.id() + ")");
    }
}
