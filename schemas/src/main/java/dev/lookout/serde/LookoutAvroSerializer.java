package dev.lookout.serde;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import dev.lookout.schemaregistry.RegistryException;
import dev.lookout.schemaregistry.RegistryUnavailableException;
import dev.lookout.schemaregistry.SchemaRegistryClient;
import dev.lookout.schemaregistry.SchemaRegistryClient.RegisteredSchema;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.generic.GenericContainer;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Writes Avro records (specific or generic) in Confluent's wire format, byte for byte as
 * Confluent's {@code KafkaAvroSerializer} does.
 *
 * <p>The schema id comes from the registry under the {@code TopicNameStrategy} subject
 * ({@code <topic>-value} or {@code <topic>-key}): registered on first use when
 * {@code auto.register.schemas=true} (the default), looked up otherwise, or taken from the
 * subject's latest version when {@code use.latest.version=true}. Ids are cached, so the registry
 * is asked once per schema.
 */
public class LookoutAvroSerializer implements Serializer<Object> {

    private static final ThreadLocal<BinaryEncoder> ENCODERS = new ThreadLocal<>();

    private SchemaRegistryClient client;
    private AvroSerdeConfig config;
    private boolean isKey;
    private final ConcurrentMap<Schema, DatumWriter<Object>> specificWriters = new ConcurrentHashMap<>();
    private final ConcurrentMap<Schema, DatumWriter<Object>> genericWriters = new ConcurrentHashMap<>();
    private final ConcurrentMap<Schema, LatestTarget> latestTargets = new ConcurrentHashMap<>();

    /** For Kafka's reflective construction; {@link #configure} creates the registry client. */
    public LookoutAvroSerializer() {
    }

    /** Uses a given registry client, shared with other serdes. */
    public LookoutAvroSerializer(final SchemaRegistryClient client) {
        this.client = client;
    }

    @Override
    public void configure(final Map<String, ?> configs, final boolean isKey) {
        this.config = AvroSerdeConfig.from(configs);
        this.isKey = isKey;
        if (client == null) {
            client = SchemaRegistryClients.create(config);
        }
    }

    @Override
    public byte[] serialize(final String topic, final Object data) {
        if (data == null) {
            return null;
        }
        if (config == null) {
            throw new IllegalStateException("LookoutAvroSerializer used before configure()");
        }
        if (!(data instanceof GenericContainer container)) {
            throw new AvroSerdeException("LookoutAvroSerializer writes Avro records; got "
                    + data.getClass().getName() + " for topic '" + topic + "'");
        }
        final String subject = subject(topic, isKey);
        final Schema schema = container.getSchema();
        if (config.useLatestVersion()) {
            final LatestTarget target = latestTargets.computeIfAbsent(schema, s -> latestTarget(subject, s));
            final Object datum = target.sameSchema() ? data : target.convert(data, this);
            return write(target.id(), target.schema(), datum);
        }
        return write(schemaId(subject, schema), schema, data);
    }

    /** The subject of a topic under Confluent's {@code TopicNameStrategy}. */
    public static String subject(final String topic, final boolean isKey) {
        return topic + (isKey ? "-key" : "-value");
    }

    private int schemaId(final String subject, final Schema schema) {
        try {
            return config.autoRegisterSchemas() ? client.register(subject, schema) : client.lookup(subject, schema).id();
        } catch (RegistryUnavailableException e) {
            throw new SchemaRegistryUnavailableException(e.getMessage(), e);
        } catch (RegistryException e) {
            final String hint = config.autoRegisterSchemas() ? ""
                    : " With auto.register.schemas=false the schema must be registered under '" + subject
                            + "' before producing.";
            throw new SchemaRegistrationException("Cannot get a schema id for " + schema.getFullName() + " under subject '"
                    + subject + "': " + e.getMessage() + " (error " + e.errorCode() + ")." + hint, e);
        }
    }

    private LatestTarget latestTarget(final String subject, final Schema schema) {
        final RegisteredSchema latest;
        try {
            latest = client.latest(subject);
        } catch (RegistryUnavailableException e) {
            throw new SchemaRegistryUnavailableException(e.getMessage(), e);
        } catch (RegistryException e) {
            throw new SchemaRegistrationException("use.latest.version=true but subject '" + subject
                    + "' has no version: " + e.getMessage(), e);
        }
        if (latest.schema().equals(schema)) {
            return new LatestTarget(latest.id(), latest.schema(), true);
        }
        final var compatibility = SchemaCompatibility.checkReaderWriterCompatibility(latest.schema(), schema);
        if (compatibility.getType() != SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
            throw new SchemaRegistrationException("use.latest.version=true: the latest schema of '" + subject
                    + "' (id " + latest.id() + ") cannot represent records of " + schema.getFullName() + ": "
                    + compatibility.getDescription(), null);
        }
        return new LatestTarget(latest.id(), latest.schema(), false);
    }

    private byte[] write(final int schemaId, final Schema schema, final Object datum) {
        final ByteArrayOutputStream out = new ByteArrayOutputStream(128);
        out.write(WireFormat.MAGIC_BYTE);
        out.write(schemaId >>> 24);
        out.write(schemaId >>> 16);
        out.write(schemaId >>> 8);
        out.write(schemaId);
        final BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, ENCODERS.get());
        ENCODERS.set(encoder);
        try {
            writerFor(schema, datum).write(datum, encoder);
            encoder.flush();
        } catch (IOException | RuntimeException e) {
            throw new AvroSerdeException("Cannot write a " + schema.getFullName() + " as Avro: " + e.getMessage(), e);
        }
        return out.toByteArray();
    }

    @SuppressWarnings("unchecked")
    private DatumWriter<Object> writerFor(final Schema schema, final Object datum) {
        if (datum instanceof SpecificRecord) {
            return specificWriters.computeIfAbsent(schema,
                    s -> (DatumWriter<Object>) (DatumWriter<?>) new SpecificDatumWriter<>(s, SpecificData.getForSchema(s)));
        }
        return genericWriters.computeIfAbsent(schema, GenericDatumWriter::new);
    }

    @Override
    public void close() {
        if (client != null) {
            client.close();
        }
    }

    /** The latest registered schema of a subject, and whether a record's own schema equals it. */
    private record LatestTarget(int id, Schema schema, boolean sameSchema) {

        /** Re-encodes a record in the latest schema through Avro's schema resolution. */
        GenericRecord convert(final Object datum, final LookoutAvroSerializer owner) {
            final Schema own = ((GenericContainer) datum).getSchema();
            final byte[] body = owner.write(0, own, datum);
            try {
                return new GenericDatumReader<GenericRecord>(own, schema)
                        .read(null, DecoderFactory.get().binaryDecoder(body, WireFormat.HEADER_SIZE,
                                body.length - WireFormat.HEADER_SIZE, null));
            } catch (IOException e) {
                throw new AvroSerdeException("Cannot convert " + own.getFullName() + " to the latest schema", e);
            }
        }
    }
}
