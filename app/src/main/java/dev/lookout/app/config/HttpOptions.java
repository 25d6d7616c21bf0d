package dev.lookout.app.config;

import java.time.Duration;

import dev.lookout.app.security.Limits;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Where the HTTP API listens, how other instances reach it, and the bounds on every request. */
public final class HttpOptions {

    @Spec(Spec.Target.MIXEE)
    private CommandSpec mixee;

    @Option(names = "--http-host", defaultValue = "0.0.0.0", description = "Address the HTTP API binds to (default: ${DEFAULT-VALUE}).")
    private String httpHost;

    @Option(names = "--http-port", defaultValue = "8080", description = "Port of the HTTP API (default: ${DEFAULT-VALUE}).")
    private int httpPort;

    @Option(names = "--application-server", description = "host:port other instances use to reach this one's API (default: localhost:<http-port>).")
    private String applicationServer;

    @Option(names = "--rate-limit", defaultValue = "100", description = "Requests per second per API key, 0 for none (default: ${DEFAULT-VALUE}).")
    private int rateLimit;

    @Option(names = "--max-alert-streams-per-key", defaultValue = "5", description = "Open alert streams per API key, or per client address without keys (default: ${DEFAULT-VALUE}).")
    private int alertStreamsPerKey;

    @Option(names = "--http-max-url-length", defaultValue = "2048", description = "Longest path and query, in characters (default: ${DEFAULT-VALUE}).")
    private int maxUrlLength;

    @Option(names = "--http-max-query-length", defaultValue = "1024", description = "Longest query string, in characters (default: ${DEFAULT-VALUE}).")
    private int maxQueryLength;

    @Option(names = "--http-max-header-bytes", defaultValue = "8192", description = "Largest request line plus headers, in bytes (default: ${DEFAULT-VALUE}).")
    private int maxHeaderBytes;

    @Option(names = "--http-request-timeout", defaultValue = "30s", converter = Durations.class, description = "How long a connection may stay silent while a request is read or an answer written (default: ${DEFAULT-VALUE}).")
    private Duration requestTimeout;

    public String host() {
        return httpHost;
    }

    public int port() {
        new OptionChecks(mixee).port(httpPort, "--http-port");
        return httpPort;
    }

    /** This instance's {@code host:port} as other instances reach it. */
    public String applicationServer() {
        if (applicationServer == null) {
            return "localhost:" + port();
        }
        if (!applicationServer.matches("[^:\\s]+:\\d{1,5}")) {
            throw new OptionChecks(mixee).invalid("--application-server", applicationServer, "must be host:port");
        }
        return applicationServer;
    }

    public Limits limits() {
        try {
            return new Limits(maxUrlLength, maxQueryLength, maxHeaderBytes, requestTimeout, rateLimit,
                    alertStreamsPerKey);
        } catch (IllegalArgumentException e) {
            throw new OptionChecks(mixee).problem("Invalid HTTP limit (--http-max-*, --http-request-timeout, "
                    + "--rate-limit, --max-alert-streams-per-key): " + e.getMessage());
        }
    }
}
