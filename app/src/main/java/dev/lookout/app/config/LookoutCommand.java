package dev.lookout.app.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Function;

import dev.lookout.app.http.ApiKey;
import dev.lookout.app.http.Limits;
import dev.lookout.app.http.Security;
import dev.lookout.app.http.Tls;
import dev.lookout.topology.TopologySettings;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code lookout}: runs the job. Without {@code --bootstrap-servers} it runs the embedded default
 * (its own broker, registry and demo traffic); with it, it joins an existing cluster.
 *
 * <p>Every option can also come from the environment ({@code LOOKOUT_<OPTION>}) or a properties
 * file ({@code --config}); flags win, then the environment, then the file, then the defaults.
 */
@Command(name = "lookout", mixinStandardHelpOptions = true, version = "Lookout 0.1.0",
        description = "Event-driven read model and login-attack detection on Kafka Streams.",
        subcommands = {DemoCommand.class, NewApiKeyCommand.class}, sortOptions = false)
public final class LookoutCommand implements Callable<Integer> {

    /** What the command runs once the configuration is valid. */
    public interface Runner {
        int run(LookoutConfig config) throws Exception;
    }

    /** The smallest --rocksdb-memory accepted: below it, memtables would flush almost at once. */
    private static final long MIN_ROCKSDB_MEMORY = 16L * 1024 * 1024;

    @Spec
    private CommandSpec spec;

    private final Runner runner;
    private final Map<String, String> fileAndEnvironmentKafka;

    @Option(names = "--config", paramLabel = "FILE", description = "Properties file with options (key = option name without --).")
    private Path configFile;

    @Option(names = "--mode", description = "embedded or production (default: production when --bootstrap-servers is set).")
    private String mode;

    @Option(names = "--bootstrap-servers", description = "Kafka bootstrap servers (production mode).")
    private String bootstrapServers;

    @Option(names = "--schema-registry-url", description = "Schema registry URL(s), comma-separated (production mode).")
    private String schemaRegistryUrl;

    @Option(names = "--application-id", defaultValue = "lookout", description = "Kafka Streams application.id (default: ${DEFAULT-VALUE}).")
    private String applicationId;

    @Option(names = "--http-host", defaultValue = "0.0.0.0", description = "Address the HTTP API binds to (default: ${DEFAULT-VALUE}).")
    private String httpHost;

    @Option(names = "--http-port", defaultValue = "8080", description = "Port of the HTTP API (default: ${DEFAULT-VALUE}).")
    private int httpPort;

    @Option(names = "--application-server", description = "host:port other instances use to reach this one's API (default: localhost:<http-port>).")
    private String applicationServer;

    @Option(names = "--state-dir", defaultValue = ".lookout/state", description = "Kafka Streams state directory (default: ${DEFAULT-VALUE}).")
    private Path stateDir;

    @Option(names = "--data-dir", defaultValue = ".lookout/data", description = "Embedded broker and registry data (default: ${DEFAULT-VALUE}).")
    private Path dataDir;

    @Option(names = "--kafka-port", defaultValue = "9092", description = "Embedded broker port (default: ${DEFAULT-VALUE}).")
    private int kafkaPort;

    @Option(names = "--controller-port", defaultValue = "9093", description = "Embedded KRaft controller port (default: ${DEFAULT-VALUE}).")
    private int controllerPort;

    @Option(names = "--registry-port", defaultValue = "8081", description = "Embedded schema registry port (default: ${DEFAULT-VALUE}).")
    private int registryPort;

    @Option(names = "--partitions", defaultValue = "6", description = "Partitions of the input topics and repartitions (default: ${DEFAULT-VALUE}).")
    private int partitions;

    @Option(names = "--replication-factor", defaultValue = "-1", description = "Replication of created topics; -1 for the broker default (default: ${DEFAULT-VALUE}).")
    private short replicationFactor;

    @Option(names = "--create-topics", defaultValue = "true", arity = "1", description = "Create missing topics (default: ${DEFAULT-VALUE}).")
    private boolean createTopics;

    @Option(names = "--topic-retention", defaultValue = "-1", description = "retention.ms of created topics; -1 keeps events forever, so state can be rebuilt by replay. A finite retention counts from arrival (LogAppendTime), so a backfill of old events is not deleted at once (default: ${DEFAULT-VALUE}).")
    private long topicRetentionMs;

    @Option(names = "--processing-guarantee", defaultValue = "exactly_once_v2", description = "exactly_once_v2 or at_least_once (default: ${DEFAULT-VALUE}).")
    private String processingGuarantee;

    @Option(names = "--standby-replicas", defaultValue = "0", description = "num.standby.replicas (default: ${DEFAULT-VALUE}).")
    private int standbyReplicas;

    @Option(names = "--stream-threads", defaultValue = "1", description = "num.stream.threads (default: ${DEFAULT-VALUE}).")
    private int streamThreads;

    @Option(names = "--commit-interval", defaultValue = "0ms", converter = Durations.class, description = "commit.interval.ms; 0 keeps Kafka's default for the guarantee.")
    private Duration commitInterval;

    @Option(names = "--rocksdb-memory", paramLabel = "SIZE", defaultValue = "0", converter = ByteSizes.class, description = "Off-heap memory all RocksDB state stores of the instance share (block cache, index and filter blocks, memtables), e.g. 512MiB or 1GiB; at least 16MiB. 0 keeps Kafka's per-store defaults, which grow with the number of stores and partitions (default: ${DEFAULT-VALUE}).")
    private long rocksDbMemory;

    @Option(names = "--grace", defaultValue = "30s", converter = Durations.class, description = "How far out of event-time order events may arrive (default: ${DEFAULT-VALUE}).")
    private Duration grace;

    @Option(names = "--dedup-horizon", defaultValue = "7d", converter = Durations.class, description = "How long event ids are remembered (default: ${DEFAULT-VALUE}).")
    private Duration dedupHorizon;

    @Option(names = "--history-retention", defaultValue = "30d", converter = Durations.class, description = "How far back 'as of' user reads reach (default: ${DEFAULT-VALUE}).")
    private Duration historyRetention;

    @Option(names = "--recent-registrations", defaultValue = "100", description = "Newest registrations kept per task (default: ${DEFAULT-VALUE}).")
    private int recentRegistrations;

    @Option(names = "--parking-timeout", defaultValue = "1d", converter = Durations.class, description = "How long events wait for their user or post (default: ${DEFAULT-VALUE}).")
    private Duration parkingTimeout;

    @Option(names = "--failure-threshold", defaultValue = "3", description = "N failed logins that raise REPEATED_LOGIN_FAILURE (default: ${DEFAULT-VALUE}).")
    private int failureThreshold;

    @Option(names = "--failure-window", defaultValue = "5m", converter = Durations.class, description = "W, the window for N failures (default: ${DEFAULT-VALUE}).")
    private Duration failureWindow;

    @Option(names = "--takeover-window", defaultValue = "10m", converter = Durations.class, description = "T for FAILURES_THEN_SUCCESS (default: ${DEFAULT-VALUE}).")
    private Duration takeoverWindow;

    @Option(names = "--stuffing-threshold", defaultValue = "20", description = "M distinct users per address for CREDENTIAL_STUFFING (default: ${DEFAULT-VALUE}).")
    private int stuffingThreshold;

    @Option(names = "--alert-retention", defaultValue = "30d", converter = Durations.class, description = "How long a user's alerts stay queryable (default: ${DEFAULT-VALUE}).")
    private Duration alertRetention;

    @Option(names = "--idle-timeout", defaultValue = "30s", converter = Durations.class, description = "Wall-clock time without events after which an auth-events partition releases what it holds, so alerts do not wait for more traffic (default: ${DEFAULT-VALUE}, the grace).")
    private Duration idleTimeout;

    @Option(names = "--demo", arity = "1", description = "Run the demo producer (default: true in embedded mode, false in production).")
    private Boolean demo;

    @Option(names = "--demo-rate", defaultValue = "50", description = "Demo events per second (default: ${DEFAULT-VALUE}).")
    private double demoRate;

    @Option(names = "--api-key", split = ";", paramLabel = "ID:SHA256:SCOPES", description = "An API key for /api (repeatable, or ';'-separated): id, SHA-256 of its token in hex, scopes (read:users, read:alerts), e.g. ops:9f86...:read:users,read:alerts. 'lookout new-api-key' makes one. Required in production mode.")
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

    @Option(names = "--kafka", paramLabel = "KEY=VALUE", description = "A Kafka client or Streams property, passed through (repeatable), e.g. --kafka security.protocol=SASL_SSL.")
    private Map<String, String> kafka = new LinkedHashMap<>();

    public LookoutCommand(final Runner runner, final Map<String, String> fileAndEnvironmentKafka) {
        this.runner = runner;
        this.fileAndEnvironmentKafka = fileAndEnvironmentKafka;
    }

    @Override
    public Integer call() throws Exception {
        return runner.run(toConfig());
    }

    /**
     * Validates the options and builds the configuration.
     *
     * @throws ParameterException naming the option and its environment variable
     */
    public LookoutConfig toConfig() {
        final Mode resolvedMode = resolveMode();
        if (resolvedMode == Mode.PRODUCTION) {
            require(bootstrapServers, "--bootstrap-servers");
            require(schemaRegistryUrl, "--schema-registry-url");
        }
        port(httpPort, "--http-port");
        port(kafkaPort, "--kafka-port");
        port(controllerPort, "--controller-port");
        port(registryPort, "--registry-port");
        positive(partitions, "--partitions");
        positive(streamThreads, "--stream-threads");
        if (standbyReplicas < 0) {
            throw invalid("--standby-replicas", standbyReplicas, "must not be negative");
        }
        if (rocksDbMemory != 0 && rocksDbMemory < MIN_ROCKSDB_MEMORY) {
            throw invalid("--rocksdb-memory", rocksDbMemory + " bytes", "must be 0 for Kafka's per-store defaults, "
                    + "or at least 16MiB");
        }
        if (replicationFactor == 0 || replicationFactor < -1) {
            throw invalid("--replication-factor", replicationFactor, "must be positive, or -1 for the broker default");
        }
        final String guarantee = processingGuarantee.toLowerCase(Locale.ROOT);
        if (!guarantee.equals("exactly_once_v2") && !guarantee.equals("at_least_once")) {
            throw invalid("--processing-guarantee", processingGuarantee, "must be exactly_once_v2 or at_least_once");
        }
        if (demoRate <= 0) {
            throw invalid("--demo-rate", demoRate, "must be positive");
        }
        if (applicationServer != null && !applicationServer.matches("[^:\\s]+:\\d{1,5}")) {
            throw invalid("--application-server", applicationServer, "must be host:port");
        }
        final Map<String, String> kafkaProperties = new LinkedHashMap<>(fileAndEnvironmentKafka);
        kafkaProperties.putAll(kafka);
        final Security security = security(resolvedMode);
        final Limits limits;
        try {
            limits = new Limits(maxUrlLength, maxQueryLength, maxHeaderBytes, requestTimeout, rateLimit,
                    alertStreamsPerKey);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "Invalid HTTP limit (--http-max-*, --http-request-timeout, "
                    + "--rate-limit, --max-alert-streams-per-key): " + e.getMessage());
        }
        return new LookoutConfig(resolvedMode, bootstrapServers, schemaRegistryUrl, applicationId, httpHost, httpPort,
                applicationServer != null ? applicationServer : "localhost:" + httpPort, stateDir, dataDir, kafkaPort,
                controllerPort, registryPort,
                resolvedMode == Mode.EMBEDDED && replicationFactor == -1 ? 1 : replicationFactor, createTopics,
                topicRetentionMs, guarantee, standbyReplicas, streamThreads, commitInterval.toMillis(), rocksDbMemory,
                topology(), demo != null ? demo : resolvedMode == Mode.EMBEDDED, demoRate, kafkaProperties, security,
                limits, tls());
    }

    /**
     * Keys are required in production mode unless {@code --insecure-no-auth} says otherwise; the
     * embedded demo requires them only when some are configured.
     */
    private Security security(final Mode resolvedMode) {
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
                throw new ParameterException(spec.commandLine(), "Invalid --api-key ("
                        + ConfigSources.environmentName("--api-key") + "): " + e.getMessage());
            }
            if (!ids.add(key.id())) {
                throw new ParameterException(spec.commandLine(), "Invalid --api-key: the id '" + key.id()
                        + "' is used twice");
            }
            keys.add(key);
        }
        if (insecureNoAuth && !keys.isEmpty()) {
            throw new ParameterException(spec.commandLine(), "--insecure-no-auth and --api-key contradict each other; "
                    + "pass one of them");
        }
        if (internalSecret != null && internalSecret.length() < 32) {
            throw invalid("--internal-secret", "(hidden)", "must be at least 32 characters");
        }
        final Security security;
        if (keys.isEmpty() && (resolvedMode == Mode.EMBEDDED || insecureNoAuth)) {
            security = new Security(false, List.of(), internalSecret, false, false, corsOrigins);
        } else if (keys.isEmpty()) {
            throw new ParameterException(spec.commandLine(), "--api-key (" + ConfigSources.environmentName("--api-key")
                    + ") is required in production mode: create one with 'lookout new-api-key', or pass "
                    + "--insecure-no-auth to serve personal data to anyone who reaches the port");
        } else if (internalSecret == null && resolvedMode == Mode.PRODUCTION) {
            throw new ParameterException(spec.commandLine(), "--internal-secret ("
                    + ConfigSources.environmentName("--internal-secret") + ") is required with API keys in production "
                    + "mode: instances sign the calls they forward to each other with it; give every instance the same "
                    + "value of at least 32 characters");
        } else {
            // The embedded system is one instance: it forwards to no one, so a random secret does.
            security = Security.keys(keys, internalSecret != null ? internalSecret : Security.randomInternalSecret())
                    .withProtectedMetricsAndOpenApi(protectMetrics, protectOpenApi).withCorsOrigins(corsOrigins);
        }
        return security;
    }

    private Tls tls() {
        if (tlsKeystore == null) {
            if (tlsTruststore != null) {
                throw new ParameterException(spec.commandLine(), "--tls-truststore needs --tls-keystore: the "
                        + "truststore checks other instances, which are called over HTTPS only when this one serves it");
            }
            return null;
        }
        try {
            return new Tls(tlsKeystore, tlsKeystorePassword, tlsTruststore, tlsTruststorePassword);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "Invalid TLS setting: " + e.getMessage());
        }
    }


    private Mode resolveMode() {
        if (mode == null) {
            return bootstrapServers == null ? Mode.EMBEDDED : Mode.PRODUCTION;
        }
        try {
            return Mode.valueOf(mode.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw invalid("--mode", mode, "must be embedded or production");
        }
    }

    private TopologySettings topology() {
        try {
            return TopologySettings.defaults().toBuilder()
                    .partitions(partitions).grace(grace).dedupHorizon(dedupHorizon)
                    .userHistoryRetention(historyRetention).recentRegistrations(recentRegistrations)
                    .parkingTimeout(parkingTimeout).failureThreshold(failureThreshold).failureWindow(failureWindow)
                    .takeoverWindow(takeoverWindow).stuffingThreshold(stuffingThreshold).alertRetention(alertRetention)
                    .sourceIdleTimeout(idleTimeout).build();
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "Invalid setting: " + flagNames(e.getMessage()));
        }
    }

    /** Replaces the settings' field names in a message by the options that set them. */
    private static String flagNames(final String message) {
        final Map<String, String> flags = Map.ofEntries(
                Map.entry("partitions", "--partitions"), Map.entry("grace", "--grace"),
                Map.entry("dedupHorizon", "--dedup-horizon"), Map.entry("userHistoryRetention", "--history-retention"),
                Map.entry("recentRegistrations", "--recent-registrations"),
                Map.entry("parkingTimeout", "--parking-timeout"), Map.entry("failureThreshold", "--failure-threshold"),
                Map.entry("failureWindow", "--failure-window"), Map.entry("takeoverWindow", "--takeover-window"),
                Map.entry("stuffingThreshold", "--stuffing-threshold"), Map.entry("alertRetention", "--alert-retention"),
                Map.entry("sourceIdleTimeout", "--idle-timeout"));
        final Function<String, String> replace = text -> {
            String result = text;
            for (final Map.Entry<String, String> entry : flags.entrySet()) {
                result = result.replaceAll("\\b" + entry.getKey() + "\\b", entry.getValue());
            }
            return result;
        };
        return replace.apply(message);
    }

    private void require(final String value, final String option) {
        if (value == null || value.isBlank()) {
            throw new ParameterException(spec.commandLine(), option + " (" + ConfigSources.environmentName(option)
                    + ") is required in production mode");
        }
    }

    private void port(final int value, final String option) {
        if (value < 0 || value > 65_535) {
            throw invalid(option, value, "must be a port number (0-65535)");
        }
    }

    private void positive(final int value, final String option) {
        if (value <= 0) {
            throw invalid(option, value, "must be positive");
        }
    }

    private ParameterException invalid(final String option, final Object value, final String problem) {
        return new ParameterException(spec.commandLine(), "Invalid value '" + value + "' for " + option + " ("
                + ConfigSources.environmentName(option) + "): " + problem);
    }

    /** Parses arguments with the environment and the properties file as sources of defaults. */
    public static CommandLine commandLine(final Runner runner, final DemoCommand.Runner demoRunner,
                                          final String[] args, final Map<String, String> environment) {
        final ConfigSources sources = ConfigSources.from(args, environment);
        final CommandLine.IFactory factory = new CommandLine.IFactory() {
            @Override
            public <K> K create(final Class<K> type) throws Exception {
                if (type == LookoutCommand.class) {
                    return type.cast(new LookoutCommand(runner, sources.kafkaProperties()));
                }
                if (type == DemoCommand.class) {
                    return type.cast(new DemoCommand(demoRunner, sources.kafkaProperties()));
                }
                return CommandLine.defaultFactory().create(type);
            }
        };
        final CommandLine commandLine = new CommandLine(LookoutCommand.class, factory);
        commandLine.setDefaultValueProvider(sources);
        commandLine.getSubcommands().values().forEach(sub -> sub.setDefaultValueProvider(sources));
        return commandLine;
    }
}
