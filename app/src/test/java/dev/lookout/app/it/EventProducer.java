package dev.lookout.app.it;

import java.util.HashMap;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;

import dev.lookout.events.AuthEvent;
import dev.lookout.events.ContentEvent;
import dev.lookout.events.UserEvent;
import dev.lookout.serde.AvroSerdeConfig;
import dev.lookout.topology.EventSerdes;
import dev.lookout.topology.Names;
import dev.lookout.topology.ingest.EventShape;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Produces events as an application would: real serde, through the schema registry. */
public final class EventProducer implements AutoCloseable {

    private final KafkaProducer<String, byte[]> producer;
    private final EventSerdes serdes;
    /** Sends that failed: {@link #flush()} fails the test with them, so no input goes missing unnoticed. */
    private final Queue<Exception> failures = new ConcurrentLinkedQueue<>();
    private final Callback recordFailure = (metadata, exception) -> {
        if (exception != null) {
            failures.add(exception);
        }
    };

    public EventProducer(final String bootstrapServers, final String registryUrl) {
        this(bootstrapServers, registryUrl, Map.of());
    }

    /**
     * A producer with extra client properties, e.g. {@code security.protocol} and
     * {@code sasl.jaas.config} for a secured listener; they are applied over the defaults.
     */
    public EventProducer(final String bootstrapServers, final String registryUrl,
                         final Map<String, Object> clientProperties) {
        final Map<String, Object> props = new HashMap<>();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        props.putAll(clientProperties);
        this.producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
        this.serdes = EventSerdes.create(Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, registryUrl));
    }

    public EventSerdes serdes() {
        return serdes;
    }

    public void send(final UserEvent event) {
        raw(Names.USER_EVENTS, event.getUserId(), serdes.userEvents().serializer().serialize(Names.USER_EVENTS, event));
    }

    public void send(final ContentEvent event) {
        raw(Names.CONTENT_EVENTS, EventShape.postId(event),
                serdes.contentEvents().serializer().serialize(Names.CONTENT_EVENTS, event));
    }

    public void send(final AuthEvent event) {
        raw(Names.AUTH_EVENTS, event.getUserId(), serdes.authEvents().serializer().serialize(Names.AUTH_EVENTS, event));
    }

    /** Sends an input event without waiting for it; {@link #flush()} waits for all. */
    public void sendAsync(final Object event) {
        if (event instanceof UserEvent user) {
            producer.send(new ProducerRecord<>(Names.USER_EVENTS, user.getUserId(),
                    serdes.userEvents().serializer().serialize(Names.USER_EVENTS, user)), recordFailure);
        } else if (event instanceof ContentEvent content) {
            producer.send(new ProducerRecord<>(Names.CONTENT_EVENTS, EventShape.postId(content),
                    serdes.contentEvents().serializer().serialize(Names.CONTENT_EVENTS, content)), recordFailure);
        } else {
            final AuthEvent auth = (AuthEvent) event;
            producer.send(new ProducerRecord<>(Names.AUTH_EVENTS, auth.getUserId(),
                    serdes.authEvents().serializer().serialize(Names.AUTH_EVENTS, auth)), recordFailure);
        }
    }

    public void flush() {
        producer.flush();
        if (!failures.isEmpty()) {
            throw new AssertionError(failures.size() + " input records were not sent; the first failure: "
                    + failures.peek(), failures.peek());
        }
    }

    /** Sends any bytes, for records no serializer would write. */
    public void raw(final String topic, final String key, final byte[] value) {
        try {
            producer.send(new ProducerRecord<>(topic, key, value)).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("send failed", e.getCause());
        }
    }

    @Override
    public void close() {
        producer.close();
    }
}
