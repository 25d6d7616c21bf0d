package dev.lookout.app.ops;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;

import dev.lookout.app.config.KafkaOptions;
import dev.lookout.app.config.RegistryOptions;
import dev.lookout.schemaregistry.RegistryException;
import dev.lookout.schemaregistry.RegistryUnavailableException;
import dev.lookout.schemaregistry.SchemaRegistryClient;
import dev.lookout.schemas.ContractRegistration;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code lookout schemas register|check}: puts Lookout's event contract into a schema registry, or
 * checks that the registry can take it. Exit code 0 when every subject is compatible, 1 when one is
 * not (the registry's reasons are printed), 2 when the registry cannot be reached.
 */
@Command(name = "schemas", mixinStandardHelpOptions = true,
        description = "Register Lookout's event contract (user-events-value, content-events-value, auth-events-value, "
                + "security-alerts-value) in a schema registry, or check it for CI.",
        subcommands = {SchemasCommand.Register.class, SchemasCommand.Check.class})
public final class SchemasCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    /** Without a subcommand: says which there are. */
    @Override
    public Integer call() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing subcommand: register or check");
    }

    /** Exit code when a subject holds a schema the contract's schema breaks. */
    public static final int INCOMPATIBLE = 1;
    /** Exit code when the registry cannot be reached or refuses the request. */
    public static final int REGISTRY_ERROR = 2;

    /** What both subcommands take: the registry, and the pass-through properties for its credentials. */
    abstract static class RegistryCommand implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Mixin
        KafkaOptions kafka;

        @Mixin
        RegistryOptions registry;
    }

    @Command(name = "register", mixinStandardHelpOptions = true,
            description = "Register each subject's schema where the registry's compatibility check allows it.")
    static final class Register extends RegistryCommand {

        @Option(names = "--dry-run", description = "Only check and report; register nothing.")
        private boolean dryRun;

        @Override
        public Integer call() {
            return run(spec, registry, kafka, dryRun);
        }
    }

    @Command(name = "check", mixinStandardHelpOptions = true,
            description = "Check that the registry can take the contract (compatibility per subject); register nothing.")
    static final class Check extends RegistryCommand {

        @Override
        public Integer call() {
            return run(spec, registry, kafka, true);
        }
    }

    private static int run(final CommandSpec spec, final RegistryOptions registry, final KafkaOptions kafka,
                           final boolean dryRun) {
        final PrintWriter out = spec.commandLine().getOut();
        final PrintWriter err = spec.commandLine().getErr();
        final String command = "by lookout schemas " + spec.name();
        try (SchemaRegistryClient client = registry.client(kafka.properties(), command)) {
            final List<ContractRegistration.Result> results = new ContractRegistration(client).register(dryRun);
            results.forEach(result -> out.println(result.describe()));
            out.flush();
            if (!ContractRegistration.allCompatible(results)) {
                err.println("The registry holds schemas that Lookout's contract would break; nothing incompatible "
                        + "was registered.");
                err.flush();
                return INCOMPATIBLE;
            }
            return 0;
        } catch (RegistryException | RegistryUnavailableException e) {
            err.println("Schema registry error: " + e.getMessage());
            err.flush();
            return REGISTRY_ERROR;
        }
    }
}
