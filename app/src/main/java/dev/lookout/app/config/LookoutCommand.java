package dev.lookout.app.config;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

import dev.lookout.app.ops.DlqCommand;
import dev.lookout.app.ops.SchemasCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
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
        subcommands = {DemoCommand.class, SchemasCommand.class, DlqCommand.class, NewApiKeyCommand.class}, sortOptions = false)
public final class LookoutCommand implements Callable<Integer> {

    /** What the command runs once the configuration is valid. */
    public interface Runner {
        int run(LookoutConfig config) throws Exception;
    }

    @Spec
    private CommandSpec spec;

    private final Runner runner;

    @Option(names = "--config", paramLabel = "FILE", description = "Properties file with options (key = option name without --).")
    private Path configFile;

    @Option(names = "--mode", description = "embedded or production (default: production when --bootstrap-servers is set).")
    private String mode;

    @Mixin
    private KafkaOptions kafka;

    @Mixin
    private RegistryOptions registry;

    @Mixin
    private StreamsOptions streams;

    @Mixin
    private StorageOptions storage;

    @Mixin
    private EmbeddedOptions embedded;

    @Mixin
    private TopologyOptions topology;

    @Mixin
    private HttpOptions http;

    @Mixin
    private SecurityOptions security;

    @Option(names = "--demo", arity = "1", description = "Run the demo producer (default: true in embedded mode, false in production).")
    private Boolean demo;

    @Option(names = "--demo-rate", defaultValue = "50", description = "Demo events per second (default: ${DEFAULT-VALUE}).")
    private double demoRate;

    public LookoutCommand(final Runner runner) {
        this.runner = runner;
    }

    @Override
    public Integer call() throws Exception {
        return runner.run(toConfig());
    }

    /**
     * Validates the options and builds the configuration: each mixin checks and builds its own part.
     *
     * @throws ParameterException naming the option and its environment variable
     */
    public LookoutConfig toConfig() {
        final Mode resolvedMode = resolveMode();
        if (resolvedMode == Mode.PRODUCTION) {
            kafka.requireBootstrapServers("in production mode");
            registry.requireUrl("in production mode");
        }
        if (demoRate <= 0) {
            throw new OptionChecks(spec).invalid("--demo-rate", demoRate, "must be positive");
        }
        return new LookoutConfig(resolvedMode, kafka.bootstrapServers(), registry.url(), streams.applicationId(),
                http.host(), http.port(), http.applicationServer(), storage.stateDir(), storage.dataDir(),
                embedded.kafkaPort(), embedded.controllerPort(), embedded.registryPort(),
                streams.replicationFactor(resolvedMode), streams.createTopics(), streams.topicRetentionMs(),
                streams.processingGuarantee(), streams.standbyReplicas(), streams.streamThreads(),
                streams.commitIntervalMs(), storage.rocksDbMemory(), topology.settings(),
                demo != null ? demo : resolvedMode == Mode.EMBEDDED, demoRate, kafka.properties(),
                security.security(resolvedMode), http.limits(), security.tls());
    }

    private Mode resolveMode() {
        if (mode == null) {
            return kafka.bootstrapServers() == null ? Mode.EMBEDDED : Mode.PRODUCTION;
        }
        try {
            return Mode.valueOf(mode.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new OptionChecks(spec).invalid("--mode", mode, "must be embedded or production");
        }
    }

    /** Parses arguments with the environment and the properties file as sources of defaults. */
    public static CommandLine commandLine(final Runner runner, final DemoCommand.Runner demoRunner,
                                          final String[] args, final Map<String, String> environment) {
        final ConfigSources sources = ConfigSources.from(args, environment);
        final CommandLine.IFactory factory = new CommandLine.IFactory() {
            @Override
            public <K> K create(final Class<K> type) throws Exception {
                if (type == LookoutCommand.class) {
                    return type.cast(new LookoutCommand(runner));
                }
                if (type == DemoCommand.class) {
                    return type.cast(new DemoCommand(demoRunner));
                }
                if (type == KafkaOptions.class) {
                    return type.cast(new KafkaOptions(sources.kafkaProperties()));
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
