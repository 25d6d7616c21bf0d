package dev.lookout.app.config;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code lookout demo}: only the demo producer, against an existing cluster and registry. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Produce demo traffic (users, posts, comments, logins with attacks) with the real serde.")
public final class DemoCommand implements Callable<Integer> {

    /** The demo's settings. */
    public record DemoConfig(String bootstrapServers, String schemaRegistryUrl, double rate,
                             Map<String, String> kafka) {
    }

    /** What the command runs once the configuration is valid. */
    public interface Runner {
        int run(DemoConfig config) throws Exception;
    }

    @Spec
    private CommandSpec spec;

    private final Runner runner;
    private final Map<String, String> fileAndEnvironmentKafka;

    @Option(names = "--bootstrap-servers", required = true, description = "Kafka bootstrap servers.")
    private String bootstrapServers;

    @Option(names = "--schema-registry-url", required = true, description = "Schema registry URL.")
    private String schemaRegistryUrl;

    @Option(names = "--demo-rate", defaultValue = "50", description = "Events per second (default: ${DEFAULT-VALUE}).")
    private double rate;

    @Option(names = "--kafka", paramLabel = "KEY=VALUE", description = "A Kafka producer property, passed through (repeatable).")
    private Map<String, String> kafka = new LinkedHashMap<>();

    public DemoCommand(final Runner runner, final Map<String, String> fileAndEnvironmentKafka) {
        this.runner = runner;
        this.fileAndEnvironmentKafka = fileAndEnvironmentKafka;
    }

    @Override
    public Integer call() throws Exception {
        if (rate <= 0) {
            throw new ParameterException(spec.commandLine(), "Invalid value '" + rate + "' for --demo-rate ("
                    + ConfigSources.environmentName("--demo-rate") + "): must be positive");
        }
        final Map<String, String> properties = new LinkedHashMap<>(fileAndEnvironmentKafka);
        properties.putAll(kafka);
        return runner.run(new DemoConfig(bootstrapServers, schemaRegistryUrl, rate, properties));
    }
}
