package dev.lookout.app;

import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;

import dev.lookout.app.config.DemoCommand;
import dev.lookout.app.config.LookoutCommand;
import dev.lookout.app.demo.DemoProducer;
import dev.lookout.topology.EventSerdes;
import dev.lookout.serde.AvroSerdeConfig;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.config.ConfigException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

/** The entry point: parses the configuration, runs Lookout until the process is told to stop. */
public final class Main {

    private static final Logger LOG = LoggerFactory.getLogger(Main.class);

    private Main() {
    }

    public static void main(final String[] args) {
        final CommandLine commandLine;
        try {
            commandLine = LookoutCommand.commandLine(Main::run, Main::demo, args, System.getenv());
        } catch (IllegalArgumentException e) {
            System.err.println("Lookout cannot start: " + e.getMessage());
            System.exit(2);
            return;
        }
        commandLine.setExecutionExceptionHandler((exception, cmd, parsed) -> {
            if (exception instanceof ConfigException || exception instanceof IllegalStateException
                    || exception instanceof KafkaException && cmd != commandLine) {
                final String prefix = cmd == commandLine ? "Lookout cannot start: "
                        : cmd.getCommandSpec().qualifiedName() + ": ";
                cmd.getErr().println(prefix + exception.getMessage());
                return 2;
            }
            throw exception;
        });
        System.exit(commandLine.execute(args));
    }

    private static int run(final dev.lookout.app.config.LookoutConfig config) throws Exception {
        final LookoutApp app = LookoutApp.start(config);
        final CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stopWithin(app, LookoutApp.STOP_DEADLINE);
            stopped.countDown();
        }, "lookout-shutdown"));
        System.out.println(app.banner());
        stopped.await();
        return 0;
    }

    /**
     * Closes the app on a thread of its own and halts the process if that takes longer than the
     * deadline: a stop must end whatever state a component is in (an embedded broker whose metadata
     * log was damaged has been seen to hang in its shutdown for good).
     */
    private static void stopWithin(final LookoutApp app, final Duration deadline) {
        LOG.info("Stopping Lookout (at most {} s)", deadline.toSeconds());
        final Thread closer = new Thread(app::close, "lookout-close");
        closer.setDaemon(true);
        closer.start();
        try {
            closer.join(deadline.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (closer.isAlive()) {
            LOG.error("Lookout did not stop within {} s; halting. Still running: {}", deadline.toSeconds(),
                    Arrays.toString(closer.getStackTrace()));
            Runtime.getRuntime().halt(1);
        }
    }

    private static int demo(final DemoCommand.DemoConfig config) throws InterruptedException {
        final java.util.Map<String, Object> client = new java.util.HashMap<>(config.kafka());
        client.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        final java.util.Map<String, Object> serde = new java.util.HashMap<>(config.kafka());
        serde.put(AvroSerdeConfig.SCHEMA_REGISTRY_URL, config.schemaRegistryUrl());
        final DemoProducer demo = DemoProducer.start(client, EventSerdes.create(serde), config.rate());
        final CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            demo.close();
            stopped.countDown();
        }, "demo-shutdown"));
        stopped.await();
        return 0;
    }
}
