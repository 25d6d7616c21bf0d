package dev.lookout.app.deploy;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import dev.lookout.app.LookoutApp;
import dev.lookout.app.config.ConfigSources;
import dev.lookout.app.config.LookoutCommand;
import dev.lookout.app.http.ApiServer;
import dev.lookout.app.kafka.StreamsRuntime;
import dev.lookout.app.query.AlertFeed;
import dev.lookout.app.query.ReadModel;
import dev.lookout.serde.AvroSerdeConfig;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.streams.StreamsConfig;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * What the deployment files must agree with, read from the app itself: the environment variables
 * it reads (through {@link ConfigSources}, as {@code Main} wires it), the Kafka properties a
 * {@code LOOKOUT_KAFKA_*} variable can pass through, its options and their defaults, the routes
 * its API serves, and how long its shutdown may take.
 */
final class AppFacts {

    /** The {@code lookout demo} subcommand. */
    static final String DEMO = "demo";

    private static final String KAFKA_VARIABLE_PREFIX = ConfigSources.environmentName("--kafka") + "_";

    private final CommandSpec lookout;
    private final CommandSpec demo;
    private final Set<String> variables;
    private final Set<String> kafkaProperties;
    private final Set<String> routes;
    private final Duration closeTimeout;

    private AppFacts(final CommandLine commandLine, final Set<String> routes, final Duration closeTimeout) {
        this.lookout = commandLine.getCommandSpec();
        this.demo = commandLine.getSubcommands().get(DEMO).getCommandSpec();
        this.variables = new TreeSet<>();
        variables.addAll(variablesRead(lookout));
        variables.addAll(variablesRead(demo));
        this.kafkaProperties = kafkaPropertyNames();
        this.routes = routes;
        this.closeTimeout = closeTimeout;
    }

    /** Reads the facts from the app's code. */
    static AppFacts read() {
        final CommandLine commandLine = LookoutCommand.commandLine(config -> 0, config -> 0, new String[0], Map.of());
        return new AppFacts(commandLine, servedRoutes(), StreamsRuntime.CLOSE_TIMEOUT);
    }

    /** The environment variables Lookout reads, e.g. {@code LOOKOUT_HTTP_PORT}. */
    Set<String> variables() {
        return variables;
    }

    /**
     * Why Lookout would not read this environment variable, or empty when it does (or when the
     * variable is not Lookout's at all, i.e. lacks the {@code LOOKOUT_} prefix).
     */
    Optional<String> unread(final String variable) {
        if (!variable.startsWith(ConfigSources.ENV_PREFIX) || variables.contains(variable)) {
            return Optional.empty();
        }
        if (variable.startsWith(KAFKA_VARIABLE_PREFIX)) {
            final String property = kafkaProperty(variable);
            return isKafkaProperty(property) ? Optional.empty() : Optional.of(variable + " passes '" + property
                    + "' through, which is no Kafka client, Streams or serde setting");
        }
        return Optional.of(variable + " is not read by Lookout: no option maps to it");
    }

    /** The Kafka property a {@code LOOKOUT_KAFKA_*} variable sets, as {@link ConfigSources} maps it. */
    static String kafkaProperty(final String variable) {
        final Set<String> keys = new ConfigSources(Map.of(variable, ""), new Properties()).kafkaProperties().keySet();
        return keys.isEmpty() ? "" : keys.iterator().next();
    }

    /** The option names (with their dashes) of {@code lookout}, or of {@code lookout demo}. */
    Set<String> optionNames(final boolean demoCommand) {
        return (demoCommand ? demo : lookout).options().stream()
                .flatMap(option -> List.of(option.names()).stream())
                .collect(Collectors.toSet());
    }

    /**
     * The value an instance runs with for an option of {@code lookout}: its environment variable
     * from {@code environment}, else the option's default.
     */
    String setting(final Map<String, String> environment, final String option) {
        final String value = environment.get(ConfigSources.environmentName(option));
        return value != null ? value : lookout.findOption(option).defaultValue();
    }

    /** The port the HTTP API listens on with this environment. */
    int httpPort(final Map<String, String> environment) {
        return Integer.parseInt(setting(environment, "--http-port"));
    }

    /**
     * {@code num.standby.replicas} with this environment; a pass-through property wins over
     * {@code --standby-replicas}, as in {@code StreamsConfigs}.
     */
    int standbyReplicas(final Map<String, String> environment) {
        for (final Map.Entry<String, String> entry : environment.entrySet()) {
            if (entry.getKey().startsWith(KAFKA_VARIABLE_PREFIX)
                    && kafkaProperty(entry.getKey()).equals(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG)) {
                return Integer.parseInt(entry.getValue());
            }
        }
        return Integer.parseInt(setting(environment, "--standby-replicas"));
    }

    /** The paths of the public routes of the API, e.g. {@code /health/ready}. */
    Set<String> routes() {
        return routes;
    }

    /** How long the shutdown hook waits for Kafka Streams to close. */
    Duration closeTimeout() {
        return closeTimeout;
    }

    /** The longest a stop takes: the app halts itself once {@link LookoutApp#STOP_DEADLINE} has passed. */
    Duration shutdownTime() {
        return LookoutApp.STOP_DEADLINE;
    }

    /** The variables {@link ConfigSources} consults for the command's options (help options aside). */
    private static Set<String> variablesRead(final CommandSpec command) {
        final Set<String> read = new HashSet<>();
        for (final OptionSpec option : command.options()) {
            if (option.usageHelp() || option.versionHelp()) {
                continue;
            }
            final String variable = ConfigSources.environmentName(option.longestName());
            final ConfigSources sources = new ConfigSources(Map.of(variable, "probe"), new Properties());
            if ("probe".equals(sources.defaultValue(option))) {
                read.add(variable);
            }
        }
        return read;
    }

    private boolean isKafkaProperty(final String property) {
        return kafkaProperties.contains(property);
    }

    /**
     * Every property a Kafka client, Kafka Streams or Lookout's serde reads, with the prefixes
     * Kafka Streams uses to address one kind of client ({@code producer.}, {@code main.consumer.},
     * {@code topic.}, ...).
     */
    private static Set<String> kafkaPropertyNames() {
        final Set<String> names = new HashSet<>(StreamsConfig.configDef().names());
        names.addAll(ProducerConfig.configNames());
        names.addAll(ConsumerConfig.configNames());
        names.addAll(AdminClientConfig.configNames());
        names.addAll(serdePropertyNames());
        final Map<String, Set<String>> prefixed = Map.of(
                StreamsConfig.PRODUCER_PREFIX, ProducerConfig.configNames(),
                StreamsConfig.CONSUMER_PREFIX, ConsumerConfig.configNames(),
                StreamsConfig.MAIN_CONSUMER_PREFIX, ConsumerConfig.configNames(),
                StreamsConfig.RESTORE_CONSUMER_PREFIX, ConsumerConfig.configNames(),
                StreamsConfig.GLOBAL_CONSUMER_PREFIX, ConsumerConfig.configNames(),
                StreamsConfig.ADMIN_CLIENT_PREFIX, AdminClientConfig.configNames(),
                StreamsConfig.TOPIC_PREFIX, topicPropertyNames());
        prefixed.forEach((prefix, keys) -> keys.forEach(key -> names.add(prefix + key)));
        return names;
    }

    /** The serde's keys: the string constants of {@link AvroSerdeConfig} that are property names. */
    private static Set<String> serdePropertyNames() {
        return constants(AvroSerdeConfig.class, field -> true).stream()
                .filter(value -> value.contains("."))
                .collect(Collectors.toSet());
    }

    private static Set<String> topicPropertyNames() {
        return constants(TopicConfig.class, field -> field.getName().endsWith("_CONFIG"));
    }

    private static Set<String> constants(final Class<?> type, final Predicate<Field> which) {
        final Set<String> values = new HashSet<>();
        for (final Field field : type.getFields()) {
            final int modifiers = field.getModifiers();
            if (Modifier.isStatic(modifiers) && Modifier.isFinal(modifiers) && field.getType() == String.class
                    && which.test(field)) {
                try {
                    values.add((String) field.get(null));
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        return values;
    }

    /** Starts the API on a free port over a read model it never calls, and lists its routes. */
    private static Set<String> servedRoutes() {
        final ApiServer server = ApiServer.start(ApiServer.Settings.defaults("localhost", 0), unused(ReadModel.class),
                unused(AlertFeed.class), () -> true, () -> "");
        try {
            return server.routes().stream().map(ApiServer.Route::path).collect(Collectors.toCollection(TreeSet::new));
        } finally {
            server.close();
        }
    }

    /** An implementation of {@code type} whose methods fail: building the routes calls none of them. */
    private static <T> T unused(final Class<T> type) {
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type},
                (proxy, method, args) -> objectMethod(proxy, method, args)));
    }

    private static Object objectMethod(final Object proxy, final Method method, final Object[] args) {
        return switch (method.getName()) {
            case "hashCode" -> System.identityHashCode(proxy);
            case "equals" -> proxy == args[0];
            case "toString" -> "unused " + proxy.getClass().getInterfaces()[0].getSimpleName();
            default -> throw new UnsupportedOperationException(method.getName() + " is not needed to list routes");
        };
    }
}
