package dev.lookout.app.config;

import java.util.Map;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
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

    @Mixin
    private KafkaOptions kafka;

    @Mixin
    private RegistryOptions registry;

    @Option(names = "--demo-rate", defaultValue = "50", description = "Events per second (default: ${DEFAULT-VALUE}).")
    private double rate;

    public DemoCommand(final Runner runner) {
        this.runner = runner;
    }

    @Override
    public Integer call() throws Exception {
        final String when = "by lookout demo";
        final String bootstrap = kafka.requireBootstrapServers(when);
        final String url = registry.requireUrl(when);
        if (rate <= 0) {
            throw new OptionChecks(spec).invalid("--demo-rate", rate, "must be positive");
        }
        return runner.run(new DemoConfig(bootstrap, url, rate, kafka.properties()));
    }
}
