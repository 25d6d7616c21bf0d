package dev.lookout.app.config;

import java.io.IOException;
import java.io.Reader;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;

import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Where an option's value comes from when it is not on the command line: the environment
 * variable {@code LOOKOUT_<NAME>} (e.g. {@code LOOKOUT_BOOTSTRAP_SERVERS} for
 * {@code --bootstrap-servers}), then the properties file ({@code bootstrap-servers=...}), then the
 * option's default. Kafka pass-through properties merge the same way: {@code kafka.<key>} in the
 * file, then {@code LOOKOUT_KAFKA_<KEY>} in the environment (upper case, dots as underscores), then
 * {@code --kafka key=value} flags.
 */
public final class ConfigSources implements CommandLine.IDefaultValueProvider {

    public static final String ENV_PREFIX = "LOOKOUT_";
    private static final String KAFKA_PREFIX = "kafka.";

    /** Every class that declares options: the commands and their mixins. */
    private static final List<Class<?>> OPTION_CLASSES = List.of(LookoutCommand.class, DemoCommand.class,
            KafkaOptions.class, RegistryOptions.class, StreamsOptions.class, StorageOptions.class,
            EmbeddedOptions.class, TopologyOptions.class, HttpOptions.class, SecurityOptions.class);

    private static final Set<String> OPTION_NAMES = optionNames();

    private final Map<String, String> environment;
    private final Properties file;

    public ConfigSources(final Map<String, String> environment, final Properties file) {
        this.environment = environment;
        this.file = file;
    }

    /**
     * Reads the properties file named by {@code --config} or {@code LOOKOUT_CONFIG}, if any.
     *
     * @throws IllegalArgumentException when the file cannot be read
     */
    public static ConfigSources from(final String[] args, final Map<String, String> environment) {
        String path = environment.get(ENV_PREFIX + "CONFIG");
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--config") && i + 1 < args.length) {
                path = args[i + 1];
            } else if (args[i].startsWith("--config=")) {
                path = args[i].substring("--config=".length());
            }
        }
        final Properties properties = new Properties();
        if (path != null) {
            try (Reader reader = Files.newBufferedReader(Path.of(path))) {
                properties.load(reader);
            } catch (IOException e) {
                throw new IllegalArgumentException("--config (LOOKOUT_CONFIG): cannot read properties file " + path
                        + ": " + e);
            }
        }
        return new ConfigSources(environment, properties);
    }

    /** The environment variable that sets an option, e.g. {@code LOOKOUT_HTTP_PORT} for {@code --http-port}. */
    public static String environmentName(final String longOption) {
        return ENV_PREFIX + longOption.replaceFirst("^--", "").replace('-', '_').toUpperCase(Locale.ROOT);
    }

    /**
     * Reads an option's value from the environment or the file, for the options of
     * {@link #OPTION_CLASSES} only: a subcommand's own flags ({@code dlq redrive --force}) are
     * given on the command line, so that no stray variable such as {@code LOOKOUT_FORCE} acts.
     */
    @Override
    public String defaultValue(final ArgSpec argSpec) {
        if (!(argSpec instanceof OptionSpec option) || option.longestName().equals("--kafka")
                || !OPTION_NAMES.contains(option.longestName())) {
            return argSpec.defaultValue();
        }
        final String fromEnvironment = environment.get(environmentName(option.longestName()));
        if (fromEnvironment != null) {
            return fromEnvironment;
        }
        final String fromFile = file.getProperty(option.longestName().replaceFirst("^--", ""));
        return fromFile != null ? fromFile : argSpec.defaultValue();
    }

    /** The names of every option the environment and the file may set, e.g. {@code --kafka-port}. */
    private static Set<String> optionNames() {
        final Set<String> names = new HashSet<>();
        for (final Class<?> command : OPTION_CLASSES) {
            for (final Field field : command.getDeclaredFields()) {
                final CommandLine.Option option = field.getAnnotation(CommandLine.Option.class);
                if (option != null) {
                    names.addAll(List.of(option.names()));
                }
            }
        }
        return Set.copyOf(names);
    }

    /** The environment names of those options, e.g. {@code LOOKOUT_KAFKA_PORT}. */
    private static Set<String> optionEnvironmentNames() {
        final Set<String> names = new HashSet<>();
        OPTION_NAMES.forEach(name -> names.add(environmentName(name)));
        return names;
    }

    /** Kafka pass-through properties from the file and the environment; flags are merged over them. */
    public Map<String, String> kafkaProperties() {
        final Map<String, String> merged = new TreeMap<>();
        for (final String name : file.stringPropertyNames()) {
            if (name.startsWith(KAFKA_PREFIX)) {
                merged.put(name.substring(KAFKA_PREFIX.length()), file.getProperty(name));
            }
        }
        final String envPrefix = ENV_PREFIX + "KAFKA_";
        final Set<String> options = optionEnvironmentNames();
        environment.forEach((name, value) -> {
            // LOOKOUT_KAFKA_PORT is --kafka-port, not a Kafka property named "port".
            if (name.startsWith(envPrefix) && !options.contains(name)) {
                merged.put(name.substring(envPrefix.length()).toLowerCase(Locale.ROOT).replace('_', '.'), value);
            }
        });
        return merged;
    }
}
