package dev.lookout.serde;

import java.util.HashMap;
import java.util.Map;

import dev.lookout.schemaregistry.SchemaRegistryClient;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * A Kafka {@link Serde} of generated Avro classes in Confluent's wire format. A drop-in for
 * Confluent's {@code io.confluent.kafka.streams.serdes.avro.SpecificAvroSerde}: same no-argument
 * construction, same config keys.
 *
 * @param <T> the generated record class
 */
public class SpecificAvroSerde<T extends SpecificRecord> implements Serde<T> {

    private final LookoutAvroSerializer serializer;
    private final LookoutAvroDeserializer deserializer;

    /** Resolves the class from each record's writer schema, as Confluent's serde does. */
    public SpecificAvroSerde() {
        this(null, null);
    }

    /**
     * Shares a registry client and reads every record into {@code type}'s schema.
     *
     * @param client registry client, or null to create one from the configuration
     * @param type reader class, or null to resolve it from the writer schema
     */
    public SpecificAvroSerde(final SchemaRegistryClient client, final Class<T> type) {
        this.serializer = new LookoutAvroSerializer(client);
        this.deserializer = new LookoutAvroDeserializer(client,
                type == null ? null : SpecificData.get().getSchema(type));
    }

    @Override
    public void configure(final Map<String, ?> configs, final boolean isKey) {
        final Map<String, Object> specific = new HashMap<>(configs);
        specific.put(AvroSerdeConfig.SPECIFIC_AVRO_READER, true);
        serializer.configure(specific, isKey);
        deserializer.configure(specific, isKey);
    }

    @Override
    @SuppressWarnings("unchecked")
    public Serializer<T> serializer() {
        return (Serializer<T>) (Serializer<?>) serializer;
    }

    @Override
    @SuppressWarnings("unchecked")
    public Deserializer<T> deserializer() {
        return (Deserializer<T>) (Deserializer<?>) deserializer;
    }

    @Override
    public void close() {
        serializer.close();
    }
}
