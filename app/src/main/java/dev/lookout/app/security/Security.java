package dev.lookout.app.security;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;

/**
 * Who may call the API.
 *
 * @param authRequired whether {@code /api/**} needs a key; false only in the embedded demo without
 *     keys, or with {@code --insecure-no-auth}
 * @param keys the configured keys (hashed)
 * @param internalSecret the secret instances sign forwarded calls with; null means
 *     {@code /internal/**} is open, which is allowed only when {@code authRequired} is false
 * @param protectMetrics whether {@code /metrics} needs a key (any scope)
 * @param protectOpenApi whether {@code /openapi.json} needs a key (any scope)
 * @param corsOrigins origins a browser may call {@code /api} from; empty sends no CORS headers,
 *     so browsers refuse cross-origin reads
 */
public record Security(boolean authRequired, List<ApiKey> keys, String internalSecret, boolean protectMetrics,
                       boolean protectOpenApi, List<String> corsOrigins) {

    public Security {
        keys = List.copyOf(keys);
        corsOrigins = List.copyOf(corsOrigins);
        if (authRequired && keys.isEmpty()) {
            throw new IllegalArgumentException("authentication is required but no API key is configured");
        }
        if (authRequired && internalSecret == null) {
            throw new IllegalArgumentException("authentication is required but no internal secret is set");
        }
    }

    /** No authentication: the embedded demo's default. */
    public static Security open() {
        return new Security(false, List.of(), null, false, false, List.of());
    }

    /** Keys required on {@code /api}, forwarded calls signed with {@code internalSecret}. */
    public static Security keys(final List<ApiKey> keys, final String internalSecret) {
        return new Security(true, keys, internalSecret, false, false, List.of());
    }

    /** A random internal secret, for a single instance that was given none: no other instance can call it. */
    public static String randomInternalSecret() {
        final byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    }

    public Security withProtectedMetricsAndOpenApi(final boolean metrics, final boolean openApi) {
        return new Security(authRequired, keys, internalSecret, metrics, openApi, corsOrigins);
    }

    public Security withCorsOrigins(final List<String> origins) {
        return new Security(authRequired, keys, internalSecret, protectMetrics, protectOpenApi, origins);
    }

    @Override
    public String toString() {
        return "Security[authRequired=" + authRequired + ", keys=" + keys + ", internalSecret="
                + (internalSecret == null ? "none" : "set") + ", protectMetrics=" + protectMetrics
                + ", protectOpenApi=" + protectOpenApi + ", corsOrigins=" + corsOrigins + "]";
    }
}
