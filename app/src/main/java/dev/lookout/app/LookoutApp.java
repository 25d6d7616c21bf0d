package dev.lookout.app;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Properties;
import java.util.Set;

import dev.lookout.app.config.LookoutConfig;
import dev.lookout.app.config.Mode;
import dev.lookout.app.demo.DemoProducer;
import dev.lookout.app.embedded.DataDirLock;
import dev.lookout.app.embedded.EmbeddedKafka;
import dev.lookout.app.http.ApiServer;
import dev.lookout.app.kafka.InstanceProbe;
import dev.lookout.app.kafka.KafkaAlertFeed;
import dev.lookout.app.kafka.KafkaDeadLetters;
import dev.lookout.app.kafka.StreamsConfigs;
import dev.lookout.app.kafka.StreamsReadModel;
import dev.lookout.app.kafka.StreamsRuntime;
import dev.lookout.app.kafka.TopicSetup;
import dev.lookout.app.kafka.TopologyDescriptions;
import dev.lookout.app.metrics.Metrics;
import dev.lookout.schemaregistry.SchemaRegistryClient;
import dev.lookout.schemaregistry.server.JournaledSchemaRegistry;
import dev.lookout.schemaregistry.server.SchemaRegistryServer;
import dev.lookout.schemas.ContractRegistration;
import dev.lookout.topology.EventSerdes;
import dev.lookout.topology.LookoutCounters;
import dev.lookout.topology.LookoutTopology;
import dev.lookout.topology.Names;
import dev.lookout.topology.ViewChanges;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.streams.Topology;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Assembles a running Lookout from its configuration, in order — embedded infrastructure (if
 * any), topics, serdes, topology, Kafka Streams, read model, HTTP API, demo traffic — and closes
 * it in reverse order.
 */
public final class LookoutApp implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LookoutApp.class);

    /**
     * How long a stop may take at most: Kafka Streams' close timeout, then the rest (HTTP server,
     * embedded broker and registry). {@code Main} halts the process when it is exceeded, so a
     * container's stop grace period must be longer (Dockerfile, docker-compose.yml, deploy/).
     */
    public static final Duration STOP_DEADLINE = StreamsRuntime.CLOSE_TIMEOUT.plusSeconds(10);

    private final Deque<AutoCloseable> resources = new ArrayDeque<>();
    private final LookoutConfig config;
    private final StreamsRuntime runtime;
    private final ApiServer api;

    private LookoutApp(final LookoutConfig initial) throws Exception {
        LookoutConfig config = initial;
        try {
            if (config.mode() == Mode.EMBEDDED) {
                config = startEmbedded(config);
            }
            this.config = config;
            try (Admin admin = Admin.create(StreamsConfigs.client(config))) {
                TopicSetup.ensure(admin, new TopicSetup.Plan(config.topology().partitions(), config.replicationFactor(),
                        config.topicRetentionMs(), config.createTopics()));
            }
            final EventSerdes serdes = EventSerdes.create(StreamsConfigs.serdes(config));
            final LookoutCounters counters = new LookoutCounters();
            final Topology topology = LookoutTopology.build(config.topology(), serdes);
            final Properties props = StreamsConfigs.streams(config, counters);
            final ViewChanges viewChanges = (ViewChanges) props.get(ViewChanges.CONFIG);
            this.runtime = keep(StreamsRuntime.start(topology, props));
            final Metrics metrics = keep(new Metrics(runtime.streams(), counters));
            final InstanceProbe probe = keep(new InstanceProbe(runtime, topology.describe(),
                    Set.of(Names.USER_EVENTS, Names.CONTENT_EVENTS, Names.AUTH_EVENTS), counters,
                    config.applicationServer(), Clock.systemUTC()));
            final StreamsReadModel readModel = new StreamsReadModel(runtime.streams(), config.applicationServer(),
                    config.topology(), TopologyDescriptions.of(topology.describe(), config.topology()), runtime::readiness,
                    probe::status, () -> runtime.lifecycleChanges() + viewChanges.count());
            final KafkaAlertFeed feed = new KafkaAlertFeed(StreamsConfigs.client(config),
                    serdes.securityAlerts().deserializer());
            this.api = keep(ApiServer.start(ApiServer.Settings.defaults(config.httpHost(), config.httpPort())
                    .withSecurity(config.security()).withLimits(config.httpLimits()).withTls(config.tls())
                    .withObserver(metrics::httpRequest),
                    readModel, feed, new KafkaDeadLetters(StreamsConfigs.client(config)), runtime::alive,
                    metrics::scrape));
            if (!config.security().authRequired() && config.mode() == Mode.PRODUCTION) {
                LOG.warn("--insecure-no-auth: the HTTP API on port {} answers anyone, with personal data",
                        api.port());
            }
            if (config.demo()) {
                keep(DemoProducer.start(StreamsConfigs.client(config), serdes, config.demoRate()));
            }
        } catch (Exception | Error e) {
            close();
            throw e;
        }
    }

    /** Starts everything the configuration asks for. */
    public static LookoutApp start(final LookoutConfig config) throws Exception {
        return new LookoutApp(config);
    }

    private LookoutConfig startEmbedded(final LookoutConfig config) {
        final Path data = config.dataDir();
        keep(DataDirLock.acquire(data));
        final EmbeddedKafka kafka = keep(EmbeddedKafka.start(data.resolve("kafka"), config.kafkaPort(),
                config.controllerPort(), java.util.Map.of()));
        final SchemaRegistryServer registry = keep(SchemaRegistryServer.start("0.0.0.0", config.registryPort(),
                JournaledSchemaRegistry.open(data.resolve("registry").resolve("schemas.jsonl"))));
        registerContract(registry.registry());
        return config.withEmbeddedAddresses(kafka.bootstrapServers(), "http://localhost:" + registry.port());
    }

    /**
     * Registers the event contract on the embedded registry, as {@code lookout schemas register}
     * does on a team's: a producer that only looks schemas up ({@code auto.register.schemas=false},
     * {@code use.latest.version=true}) finds every subject from the first start.
     */
    private static void registerContract(final SchemaRegistryClient registry) {
        for (final ContractRegistration.Result result : new ContractRegistration(registry).register(false)) {
            if (result.outcome() == ContractRegistration.Outcome.INCOMPATIBLE) {
                LOG.warn("Schema registry: {}", result.describe());
            } else {
                LOG.info("Schema registry: {}", result.describe());
            }
        }
    }

    private <T extends AutoCloseable> T keep(final T resource) {
        resources.push(resource);
        return resource;
    }

    public LookoutConfig config() {
        return config;
    }

    public int httpPort() {
        return api.port();
    }

    public StreamsRuntime runtime() {
        return runtime;
    }

    /** The short block that tells a person where everything is and what to try. */
    public String banner() {
        final String api = (config.tls() == null ? "http" : "https") + "://localhost:" + httpPort();
        final boolean keys = config.security().authRequired();
        final String auth = keys ? " -H \"Authorization: Bearer $LOOKOUT_TOKEN\"" : "";
        final StringBuilder text = new StringBuilder();
        text.append("\n  Lookout is running (").append(config.mode().name().toLowerCase()).append(" mode)\n")
                .append("    Kafka bootstrap   ").append(config.bootstrapServers()).append('\n')
                .append("    Schema registry   ").append(config.schemaRegistryUrl()).append('\n')
                .append("    HTTP API          ").append(api).append('\n');
        if (config.demo()) {
            text.append("    Demo traffic      ").append(config.demoRate()).append(" events/s\n");
        }
        if (!keys) {
            text.append('\n')
                    .append("  !!! NO AUTHENTICATION: anyone who can reach port ").append(httpPort())
                    .append(" can read emails, login history and alerts.\n")
                    .append("  !!! Fine for this demo on your machine. To require API keys, create one with\n")
                    .append("  !!! 'java -jar app/target/lookout.jar new-api-key --id me' and pass the --api-key it prints.\n\n");
        }
        text.append("  Try:\n")
                .append("    curl -s").append(auth).append(" '").append(api).append("/api/users/recent?limit=5'\n")
                .append("    curl -s").append(auth).append(" ").append(api).append("/api/users/u-00001\n")
                .append("    curl -s").append(auth).append(" '").append(api).append("/api/alerts?limit=5'\n");
        return text.toString();
    }

    @Override
    public void close() {
        while (!resources.isEmpty()) {
            final AutoCloseable resource = resources.pop();
            try {
                resource.close();
            } catch (Exception e) {
                LOG.warn("Error while closing {}: {}", resource.getClass().getSimpleName(), e.toString());
            }
        }
    }
}
