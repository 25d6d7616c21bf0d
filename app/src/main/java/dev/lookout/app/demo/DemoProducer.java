package dev.lookout.app.demo;

import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import dev.lookout.events.AuthEvent;
import dev.lookout.events.ContentEvent;
import dev.lookout.events.UserEvent;
import dev.lookout.topology.EventSerdes;
import dev.lookout.topology.Names;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends {@link DemoTraffic} at a steady rate with the real serde (Confluent wire format through
 * the schema registry), as any producer of the topics would.
 */
public final class DemoProducer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DemoProducer.class);
    private static final long TICK_MILLIS = 20;

    private final KafkaProducer<String, byte[]> producer;
    private final EventSerdes serdes;
    private final DemoTraffic traffic;
    private final double ratePerSecond;
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(runnable -> {
        final Thread thread = new Thread(runnable, "demo-producer");
        thread.setDaemon(true);
        return thread;
    });
    private final AtomicLong sent = new AtomicLong();
    private double budget;

    private DemoProducer(final Map<String, Object> clientProperties, final EventSerdes serdes,
                         final double ratePerSecond) {
        final Map<String, Object> props = new HashMap<>(clientProperties);
        props.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, 5);
        props.putIfAbsent(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.CLIENT_ID_CONFIG, "lookout-demo");
        this.producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
        this.serdes = serdes;
        this.traffic = new DemoTraffic(System.nanoTime(), Clock.systemUTC());
        this.ratePerSecond = ratePerSecond;
    }

    /** Starts sending {@code ratePerSecond} events per second. */
    public static DemoProducer start(final Map<String, Object> clientProperties, final EventSerdes serdes,
                                     final double ratePerSecond) {
        final DemoProducer demo = new DemoProducer(clientProperties, serdes, ratePerSecond);
        demo.ticker.scheduleAtFixedRate(demo::tick, 0, TICK_MILLIS, TimeUnit.MILLISECONDS);
        demo.ticker.scheduleAtFixedRate(() -> LOG.info("demo: {} events sent", demo.sent.get()), 30, 30,
                TimeUnit.SECONDS);
        LOG.info("Demo producer sending {} events/s", ratePerSecond);
        return demo;
    }

    private void tick() {
        try {
            budget += ratePerSecond * TICK_MILLIS / 1000.0;
            final int count = (int) budget;
            budget -= count;
            for (final DemoTraffic.Emit emit : traffic.next(count)) {
                producer.send(new ProducerRecord<>(emit.topic(), emit.key(), serialize(emit)));
                sent.incrementAndGet();
            }
        } catch (RuntimeException e) {
            LOG.warn("demo: could not send: {}", e.getMessage());
        }
    }

    private byte[] serialize(final DemoTraffic.Emit emit) {
        if (emit.value() instanceof UserEvent user) {
            return serdes.userEvents().serializer().serialize(Names.USER_EVENTS, user);
        }
        if (emit.value() instanceof ContentEvent content) {
            return serdes.contentEvents().serializer().serialize(Names.CONTENT_EVENTS, content);
        }
        return serdes.authEvents().serializer().serialize(Names.AUTH_EVENTS, (AuthEvent) emit.value());
    }

    public long sent() {
        return sent.get();
    }

    @Override
    public void close() {
        ticker.shutdownNow();
        try {
            ticker.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.close();
    }
}
