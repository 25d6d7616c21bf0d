package dev.lookout.app.it;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import dev.lookout.app.config.LookoutCommand;
import dev.lookout.app.config.LookoutConfig;

/** Configurations for apps under test, built through the real command line. */
public final class Configs {

    private Configs() {
    }

    /** Parses {@code lookout} arguments exactly as {@code main} would, without the environment. */
    public static LookoutConfig parse(final String... args) {
        return parse(Map.of(), args);
    }

    /** Parses {@code lookout} arguments exactly as {@code main} would, with this environment. */
    public static LookoutConfig parse(final Map<String, String> environment, final String... args) {
        final AtomicReference<LookoutConfig> config = new AtomicReference<>();
        final int code = LookoutCommand.commandLine(parsed -> {
            config.set(parsed);
            return 0;
        }, demo -> 0, args, environment).execute(args);
        if (code != 0 || config.get() == null) {
            throw new IllegalArgumentException("invalid test configuration " + List.of(args));
        }
        return config.get();
    }

    /** An embedded system on free ports under {@code dir}: no demo traffic, 3 partitions. */
    public static LookoutConfig embedded(final Path dir, final String... extra) {
        final List<String> args = new ArrayList<>(List.of(
                "--data-dir", dir.resolve("data").toString(),
                "--state-dir", dir.resolve("state").toString(),
                "--kafka-port", Integer.toString(Ports.free()),
                "--controller-port", Integer.toString(Ports.free()),
                "--registry-port", Integer.toString(Ports.free()),
                "--http-port", Integer.toString(Ports.free()),
                "--partitions", "3"));
        if (!List.of(extra).contains("--demo")) {
            args.addAll(List.of("--demo", "false"));
        }
        args.addAll(List.of(extra));
        return parse(args.toArray(String[]::new));
    }

    /** Another instance of the same application, joining the cluster and registry of {@code first}. */
    public static LookoutConfig joining(final LookoutConfig first, final Path dir, final String... extra) {
        final int port = Ports.free();
        final List<String> args = new ArrayList<>(List.of(
                "--bootstrap-servers", first.bootstrapServers(),
                "--schema-registry-url", first.schemaRegistryUrl(),
                "--application-id", first.applicationId(),
                "--state-dir", dir.resolve("state").toString(),
                "--http-port", Integer.toString(port),
                "--application-server", "localhost:" + port,
                "--partitions", Integer.toString(first.topology().partitions()),
                "--insecure-no-auth"));
        args.addAll(List.of(extra));
        return parse(args.toArray(String[]::new));
    }
}
