package dev.lookout.app.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import dev.lookout.app.security.ApiKey;
import dev.lookout.app.security.Security;
import dev.lookout.app.security.Tls;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Who may call the HTTP API (API keys, the instances' shared secret, CORS) and HTTPS. */
public final class SecurityOptions {

    @Spec(Spec.Target.MIXEE)
    private CommandSpec mixee;

    @Option(names = "--api-key", split = ";", paramLabel = "ID:SHA256:SCOPES", description = "An API key for /api (repeatable, or ';'-separated): id, SHA-256 of its token in hex, scopes (read:users, read:alerts, admin:dead-letters), e.g. ops:9f86...:read:users,read:alerts. 'lookout new-api-key' makes one. Required in production mode.")
    private List<String> apiKeys = new ArrayList<>();

    @Option(names = "--insecure-no-auth", description = "Serve /api without API keys in production mode. Anyone who reaches the port can read personal data.")
    private boolean insecureNoAuth;

    @Option(names = "--internal-secret", paramLabel = "SECRET", description = "Shared by every instance: signs the calls one instance forwards to another (at least 32 characters). Required with API keys in production mode; prefer the environment or the config file to the command line.")
    private String internalSecret;

    @Option(names = "--protect-metrics", arity = "1", defaultValue = "false", description = "Require an API key (any scope) for /metrics (default: ${DEFAULT-VALUE}).")
    private boolean protectMetrics;

    @Option(names = "--protect-openapi", arity = "1", defaultValue = "false", description = "Require an API key (any scope) for /openapi.json (default: ${DEFAULT-VALUE}).")
    private boolean protectOpenApi;

    @Option(names = "--cors-origin", split = ",", paramLabel = "ORIGIN", description = "Origins a browser may call /api from, e.g. https://app.example.com (default: none, so browsers refuse cross-origin reads).")
    private List<String> corsOrigins = new ArrayList<>();

    @Option(names = "--tls-keystore", paramLabel = "FILE", description = "PKCS12 keystore with the API's certificate and key: serve HTTPS, and call other instances over HTTPS.")
    private Path tlsKeystore;

    @Option(names = "--tls-keystore-password", paramLabel = "PASSWORD", description = "Password of --tls-keystore.")
    private String tlsKeystorePassword;

    @Option(names = "--tls-truststore", paramLabel = "FILE", description = "PKCS12 truststore with the certificates other instances present (default: the JDK's CAs).")
    private Path tlsTruststore;

    @Option(names = "--tls-truststore-password", paramLabel = "PASSWORD", description = "Password of --tls-truststore.")
    private String tlsTruststorePassword;

    /**
     * Keys are required in production mode unless {@code --insecure-no-auth} says otherwise; the
     * embedded demo requires them only when some are configured.
     */
    public Security security(final Mode mode) {
        final OptionChecks checks = new OptionChecks(mixee);
        final List<ApiKey> keys = keys(checks);
        if (insecureNoAuth && !keys.isEmpty()) {
            throw checks.problem("--insecure-no-auth and --api-key contradict each other; pass one of them");
        }
        if (internalSecret != null && internalSecret.length() < 32) {
            throw checks.invalid("--internal-secret", "(hidden)", "must be at least 32 characters");
        }
        if (keys.isEmpty() && (mode == Mode.EMBEDDED || insecureNoAuth)) {
            return new Security(false, List.of(), internalSecret, false, false, corsOrigins);
        }
        if (keys.isEmpty()) {
            throw checks.problem("--api-key (" + ConfigSources.environmentName("--api-key")
                    + ") is required in production mode: create one with 'lookout new-api-key', or pass "
                    + "--insecure-no-auth to serve personal data to anyone who reaches the port");
        }
        if (internalSecret == null && mode == Mode.PRODUCTION) {
            throw checks.problem("--internal-secret (" + ConfigSources.environmentName("--internal-secret")
                    + ") is required with API keys in production mode: instances sign the calls they forward to "
                    + "each other with it; give every instance the same value of at least 32 characters");
        }
        // The embedded system is one instance: it forwards to no one, so a random secret does.
        return Security.keys(keys, internalSecret != null ? internalSecret : Security.randomInternalSecret())
                .withProtectedMetricsAndOpenApi(protectMetrics, protectOpenApi).withCorsOrigins(corsOrigins);
    }

    private List<ApiKey> keys(final OptionChecks checks) {
        final List<ApiKey> keys = new ArrayList<>();
        final Set<String> ids = new HashSet<>();
        for (final String value : apiKeys) {
            if (value.isBlank()) {
                continue;
            }
            final ApiKey key;
            try {
                key = ApiKey.parse(value);
            } catch (IllegalArgumentException e) {
                throw checks.problem("Invalid --api-key (" + ConfigSources.environmentName("--api-key") + "): "
                        + e.getMessage());
            }
            if (!ids.add(key.id())) {
                throw checks.problem("Invalid --api-key: the id '" + key.id() + "' is used twice");
            }
            keys.add(key);
        }
        return keys;
    }

    /** HTTPS for the API and between instances, or null. */
    public Tls tls() {
        final OptionChecks checks = new OptionChecks(mixee);
        if (tlsKeystore == null) {
            if (tlsTruststore != null) {
                throw checks.problem("--tls-truststore needs --tls-keystore: the truststore checks other instances, "
                        + "which are called over HTTPS only when this one serves it");
            }
            return null;
        }
        try {
            return new Tls(tlsKeystore, tlsKeystorePassword, tlsTruststore, tlsTruststorePassword);
        } catch (IllegalArgumentException e) {
            throw checks.problem("Invalid TLS setting: " + e.getMessage());
        }
    }
}
