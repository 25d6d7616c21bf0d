package dev.lookout.serde;

import java.util.HashMap;
import java.util.Map;

import dev.lookout.schemaregistry.SchemaRegistryClient;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * A Kafka {@link Serde} of {@link GenericRecord}s in Confluent's wire format; records read back
 * carry their writer schema. A drop-in for Confluent's {@code GenericAvroSerde}.
 */
public class GenericAvroSerde implements Serde<GenericRecord> {

    private final LookoutAvroSerializer serializer;
    private final LookoutAvroDeserializer deserializer;

    public GenericAvroSerde() {
        this(null);
    }

    /** Shares a registry client; null creates one from the configuration. */
    public GenericAvroSerde(final SchemaRegistryClient client) {
        this.serializer = new LookoutAvroSerializer(client);
        this.deserializer = new LookoutAvroDeserializer(client, null);
    }

    @Override
    public void configure(final Map<String, ?> configs, final boolean isKey) {
        final Map<String, Object> generic = new HashMap<>(configs);
        generic.put(AvroSerdeConfig.SPECIFIC_AVRO_READER, false);
        serializer.configure(generic, isKey);
        deserializer.configure(generic, isKey);
    }

    @Override
    @SuppressWarnings("unchecked")
    public Serializer<GenericRecord> serializer() {
        return (Serializer<GenericRecord>) (Serializer<?>) serializer;
    }

    @Override
    @SuppressWarnings("unchecked")
    public Deserializer<GenericRecord> deserializer() {
        return (Deserializer<GenericRecord>) (Deserializer<?>) deserializer;
    }

    @Override
    public void close() {
        serializer.close();
    }
}
