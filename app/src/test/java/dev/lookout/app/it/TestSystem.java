package dev.lookout.app.it;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.lookout.app.LookoutApp;
import dev.lookout.app.config.LookoutConfig;
import dev.lookout.schemaregistry.InMemorySchemaRegistry;
import dev.lookout.schemaregistry.SchemaRegistryClient;
import dev.lookout.schemaregistry.server.SchemaRegistryServer;
import dev.lookout.schemas.EventContract;

/**
 * A cluster, a schema registry and the Lookout instances of one broker test, closed together.
 * Instances run in production mode against the cluster, as they would in a deployment, with the
 * API's authentication off ({@code --insecure-no-auth}) unless a test passes keys.
 */
public final class TestSystem implements AutoCloseable {

    private final Path dir;
    private final TestCluster cluster;
    private final SchemaRegistryServer registry;
    private final List<LookoutApp> apps = new ArrayList<>();
    private int instances;

    public TestSystem(final TestCluster.Kind kind, final Path dir) throws Exception {
        this(kind, dir, Map.of());
    }

    /** A system whose brokers take these properties over the defaults. */
    public TestSystem(final TestCluster.Kind kind, final Path dir, final Map<String, String> brokerProperties)
            throws Exception {
        this.dir = dir;
        this.cluster = TestCluster.start(kind, dir.resolve("kafka"), brokerProperties);
        this.registry = SchemaRegistryServer.start("localhost", 0, new InMemorySchemaRegistry());
        for (final EventContract contract : EventContract.values()) {
            registry.registry().setSubjectCompatibility(contract.valueSubject(), contract.compatibility());
        }
    }

    public TestCluster cluster() {
        return cluster;
    }

    /** The registry itself, to register or look up schemas as a team's tooling would. */
    public SchemaRegistryClient registry() {
        return registry.registry();
    }

    public String registryUrl() {
        return registry.url().toString();
    }

    /** Arguments of a new instance: production mode against this system, its own state and port. */
    public List<String> instanceArgs(final String... extra) throws Exception {
        final int index = instances++;
        final Path state = Files.createDirectories(dir.resolve("instance-" + index));
        final int port = Ports.free();
        final List<String> args = new ArrayList<>(List.of(
                "--bootstrap-servers", cluster.bootstrapServers(),
                "--schema-registry-url", registryUrl(),
                "--application-id", "lookout-it",
                "--state-dir", state.toString(),
                "--http-host", "localhost",
                "--http-port", Integer.toString(port),
                "--application-server", "localhost:" + port,
                "--replication-factor", Short.toString(cluster.replicationFactor()),
                "--kafka", "session.timeout.ms=6000",
                "--kafka", "heartbeat.interval.ms=1500"));
        args.addAll(List.of(extra));
        if (!args.contains("--api-key")) {
            // The broker scenarios are about Kafka; SecureApiIT covers the API's keys and TLS.
            args.add("--insecure-no-auth");
        }
        return args;
    }

    /** Starts an instance in this JVM. */
    public LookoutApp startApp(final String... extra) throws Exception {
        return startApp(instanceArgs(extra));
    }

    /** Starts an instance in this JVM with arguments from {@link #instanceArgs}, e.g. again after a stop. */
    public LookoutApp startApp(final List<String> args) throws Exception {
        final LookoutConfig config = Configs.parse(args.toArray(String[]::new));
        final LookoutApp app = LookoutApp.start(config);
        apps.add(app);
        return app;
    }

    public EventProducer producer() {
        return new EventProducer(cluster.bootstrapServers(), registryUrl());
    }

    @Override
    public void close() throws Exception {
        ChildApp.killAll();
        for (final LookoutApp app : apps) {
            app.close();
        }
        registry.close();
        cluster.close();
    }
}
