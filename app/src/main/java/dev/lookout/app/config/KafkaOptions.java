package dev.lookout.app.config;

import java.util.LinkedHashMap;
import java.util.Map;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Where the Kafka cluster is and how to talk to it: {@code --bootstrap-servers} and the
 * {@code --kafka key=value} pass-through, merged over {@code kafka.*} file keys and
 * {@code LOOKOUT_KAFKA_*} variables (see {@link ConfigSources}). Every subcommand that reaches
 * Kafka shares it.
 */
public final class KafkaOptions {

    @Spec(Spec.Target.MIXEE)
    private CommandSpec mixee;

    private final Map<String, String> fileAndEnvironment;

    @Option(names = "--bootstrap-servers", description = "Kafka bootstrap servers (production mode).")
    private String bootstrapServers;

    @Option(names = "--kafka", paramLabel = "KEY=VALUE", description = "A Kafka client or Streams property, passed through (repeatable), e.g. --kafka security.protocol=SASL_SSL.")
    private Map<String, String> kafka = new LinkedHashMap<>();

    public KafkaOptions(final Map<String, String> fileAndEnvironment) {
        this.fileAndEnvironment = Map.copyOf(fileAndEnvironment);
    }

    /** The bootstrap servers, or null when none were given. */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** The bootstrap servers; fails naming the option when none were given. */
    public String requireBootstrapServers(final String when) {
        new OptionChecks(mixee).require(bootstrapServers, "--bootstrap-servers", when);
        return bootstrapServers;
    }

    /** The pass-through properties: file, then environment, then flags. */
    public Map<String, String> properties() {
        final Map<String, String> merged = new LinkedHashMap<>(fileAndEnvironment);
        merged.putAll(kafka);
        return merged;
    }

    /** The pass-through properties with the bootstrap servers, ready for an admin, consumer or producer. */
    public Map<String, Object> client(final String when) {
        final Map<String, Object> client = new LinkedHashMap<>(properties());
        client.put("bootstrap.servers", requireBootstrapServers(when));
        return client;
    }
}
