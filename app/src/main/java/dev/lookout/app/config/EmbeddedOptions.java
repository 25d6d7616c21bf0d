package dev.lookout.app.config;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** The ports of the embedded broker, controller and registry. */
public final class EmbeddedOptions {

    @Spec(Spec.Target.MIXEE)
    private CommandSpec mixee;

    @Option(names = "--kafka-port", defaultValue = "9092", description = "Embedded broker port (default: ${DEFAULT-VALUE}).")
    private int kafkaPort;

    @Option(names = "--controller-port", defaultValue = "9093", description = "Embedded KRaft controller port (default: ${DEFAULT-VALUE}).")
    private int controllerPort;

    @Option(names = "--registry-port", defaultValue = "8081", description = "Embedded schema registry port (default: ${DEFAULT-VALUE}).")
    private int registryPort;

    public int kafkaPort() {
        new OptionChecks(mixee).port(kafkaPort, "--kafka-port");
        return kafkaPort;
    }

    public int controllerPort() {
        new OptionChecks(mixee).port(controllerPort, "--controller-port");
        return controllerPort;
    }

    public int registryPort() {
        new OptionChecks(mixee).port(registryPort, "--registry-port");
        return registryPort;
    }
}
