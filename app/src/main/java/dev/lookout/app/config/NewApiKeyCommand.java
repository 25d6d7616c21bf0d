package dev.lookout.app.config;

import java.io.PrintWriter;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;

import dev.lookout.app.security.ApiKey;
import dev.lookout.app.security.Scope;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code lookout new-api-key --id ops --scopes read:users,read:alerts}: makes a random token and
 * prints it once, with the {@code --api-key} value that stores only its hash.
 */
@Command(name = "new-api-key", mixinStandardHelpOptions = true,
        description = "Make an API key: prints the token (give it to the client) and the --api-key value (give it to Lookout).")
public final class NewApiKeyCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Option(names = "--id", required = true, description = "The key's id: the only part of a key Lookout logs.")
    private String id;

    @Option(names = "--scopes", split = ",", defaultValue = "read:users,read:alerts",
            description = "read:users, read:alerts and/or admin:dead-letters (default: ${DEFAULT-VALUE}; admin:dead-letters only when asked for).")
    private List<String> scopes;

    @Override
    public Integer call() {
        final Set<Scope> parsed = EnumSet.noneOf(Scope.class);
        final String token = ApiKey.newToken();
        final String line;
        try {
            scopes.forEach(scope -> parsed.add(Scope.parse(scope)));
            line = ApiKey.spec(id, token, parsed);
            ApiKey.parse(line);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        final PrintWriter out = spec.commandLine().getOut();
        out.println("token (shown once; the client sends it as 'Authorization: Bearer <token>'):");
        out.println("  " + token);
        out.println("Lookout setting (only the hash; repeat --api-key or join values with ';'):");
        out.println("  --api-key " + line);
        out.println("  LOOKOUT_API_KEY=" + line);
        out.flush();
        return 0;
    }
}
