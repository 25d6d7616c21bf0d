package dev.lookout.topology;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import dev.lookout.events.AuthEvent;
import dev.lookout.events.ContentEvent;
import dev.lookout.events.SecurityAlert;
import dev.lookout.events.UserEvent;
import dev.lookout.schemaregistry.SchemaRegistryClient;
import dev.lookout.serde.AvroSerdeConfig;
import dev.lookout.serde.SchemaRegistryClients;
import dev.lookout.serde.SpecificAvroSerde;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.serialization.Serde;

/**
 * The one place serdes are made. Built from the serde configuration (Confluent's keys:
 * {@code schema.registry.url}, ...) and passed to the topology, the app and the demo producer,
 * so that no feature repeats the {@code new Serde(); configure(...)} dance.
 *
 * <p>By default every serde is Lookout's {@link SpecificAvroSerde}, sharing one registry client.
 * {@value #SERDE_CLASS_CONFIG} names another {@code Serde} class with a no-argument constructor,
 * e.g. {@code io.confluent.kafka.streams.serdes.avro.SpecificAvroSerde}; it receives the same
 * configuration.
 *
 * <p>Serdes of Lookout's internal records (state stores and repartitions) always auto-register
 * their schemas, under the subjects of the internal topics, even when producers must not
 * ({@code auto.register.schemas=false} for the public topics).
 */
public final class EventSerdes {

    /** The serde class to use instead of Lookout's own. */
    public static final String SERDE_CLASS_CONFIG = "lookout.avro.serde.class";

    private final Map<String, Object> publicConfig;
    private final Map<String, Object> internalConfig;
    private final String serdeClass;
    private final SchemaRegistryClient sharedClient;
    private final ConcurrentMap<Class<?>, Serde<?>> publicSerdes = new ConcurrentHashMap<>();
    private final ConcurrentMap<Class<?>, Serde<?>> internalSerdes = new ConcurrentHashMap<>();

    private EventSerdes(final Map<String, ?> config) {
        this.publicConfig = new HashMap<>(config);
        this.serdeClass = String.valueOf(publicConfig.getOrDefault(SERDE_CLASS_CONFIG,
                SpecificAvroSerde.class.getName()));
        this.internalConfig = new HashMap<>(publicConfig);
        internalConfig.put(AvroSerdeConfig.AUTO_REGISTER_SCHEMAS, true);
        internalConfig.put(AvroSerdeConfig.USE_LATEST_VERSION, false);
        this.sharedClient = lookoutSerde() ? SchemaRegistryClients.create(AvroSerdeConfig.from(publicConfig)) : null;
    }

    /**
     * Serdes for the given configuration.
     *
     * @throws ConfigException naming the key of a missing or invalid setting
     */
    public static EventSerdes create(final Map<String, ?> config) {
        return new EventSerdes(config);
    }

    public Serde<UserEvent> userEvents() {
        return publicSerde(UserEvent.class);
    }

    public Serde<ContentEvent> contentEvents() {
        return publicSerde(ContentEvent.class);
    }

    public Serde<AuthEvent> authEvents() {
        return publicSerde(AuthEvent.class);
    }

    public Serde<SecurityAlert> securityAlerts() {
        return publicSerde(SecurityAlert.class);
    }

    /** The serde of one of Lookout's internal records ({@code dev.lookout.internal}). */
    public <T extends SpecificRecord> Serde<T> internal(final Class<T> type) {
        return cached(internalSerdes, type, internalConfig);
    }

    /** The registry client the serdes share, when they are Lookout's own. */
    public SchemaRegistryClient registryClient() {
        if (sharedClient == null) {
            throw new IllegalStateException("serdes of class " + serdeClass + " bring their own registry client");
        }
        return sharedClient;
    }

    private <T extends SpecificRecord> Serde<T> publicSerde(final Class<T> type) {
        return cached(publicSerdes, type, publicConfig);
    }

    @SuppressWarnings("unchecked")
    private <T extends SpecificRecord> Serde<T> cached(final ConcurrentMap<Class<?>, Serde<?>> cache,
                                                       final Class<T> type, final Map<String, Object> config) {
        return (Serde<T>) cache.computeIfAbsent(type, ignored -> {
            final Serde<T> serde = instantiate(type);
            serde.configure(config, false);
            return serde;
        });
    }

    private boolean lookoutSerde() {
        return SpecificAvroSerde.class.getName().equals(serdeClass);
    }

    @SuppressWarnings("unchecked")
    private <T extends SpecificRecord> Serde<T> instantiate(final Class<T> type) {
        if (lookoutSerde()) {
            return new SpecificAvroSerde<>(sharedClient, type);
        }
        try {
            return (Serde<T>) Class.forName(serdeClass).getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException | ClassCastException | LinkageError e) {
            throw new ConfigException(SERDE_CLASS_CONFIG, serdeClass,
                    "must name a Serde class with a public no-argument constructor on the classpath: " + e);
        }
    }
}
