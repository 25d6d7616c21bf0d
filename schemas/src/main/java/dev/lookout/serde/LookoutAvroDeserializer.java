package dev.lookout.serde;

import java.io.EOFException;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import dev.lookout.schemaregistry.RegistryException;
import dev.lookout.schemaregistry.RegistryUnavailableException;
import dev.lookout.schemaregistry.SchemaRegistryClient;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads records in Confluent's wire format, as Confluent's {@code KafkaAvroDeserializer} does.
 *
 * <p>The writer schema comes from the registry by the id in the header (cached). The reader
 * schema is, in order: the schema of a fixed reader class (see {@link SpecificAvroSerde}); the
 * generated class named like the writer schema when {@code specific.avro.reader=true}; or the
 * writer schema itself (generic records). Avro's schema resolution then reads records written
 * with any earlier version into the current shape, filling defaults.
 *
 * <p>Each way a record can be unreadable has its own exception: {@link UnknownMagicByteException},
 * {@link UnknownSchemaIdException}, {@link TruncatedPayloadException},
 * {@link MalformedPayloadException}; an unreachable registry is a
 * {@link SchemaRegistryUnavailableException}, which is an outage and not bad data.
 */
public class LookoutAvroDeserializer implements Deserializer<Object> {

    private static final ThreadLocal<BinaryDecoder> DECODERS = new ThreadLocal<>();

    private final Schema fixedReaderSchema;
    private SchemaRegistryClient client;
    private AvroSerdeConfig config;
    private final ConcurrentMap<Integer, DatumReader<Object>> readers = new ConcurrentHashMap<>();

    /** For Kafka's reflective construction; {@link #configure} creates the registry client. */
    public LookoutAvroDeserializer() {
        this(null, null);
    }

    /**
     * Uses a given registry client and, when {@code readerSchema} is not null, always reads into
     * that (specific) schema.
     */
    public LookoutAvroDeserializer(final SchemaRegistryClient client, final Schema readerSchema) {
        this.client = client;
        this.fixedReaderSchema = readerSchema;
    }

    @Override
    public void configure(final Map<String, ?> configs, final boolean isKey) {
        this.config = AvroSerdeConfig.from(configs);
        if (client == null) {
            client = SchemaRegistryClients.create(config);
        }
    }

    @Override
    public Object deserialize(final String topic, final byte[] data) {
        if (data == null) {
            return null;
        }
        if (config == null) {
            throw new IllegalStateException("LookoutAvroDeserializer used before configure()");
        }
        final int schemaId = WireFormat.schemaId(topic, data);
        final DatumReader<Object> reader = readers.computeIfAbsent(schemaId, id -> readerFor(topic, id));
        final BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(data, WireFormat.HEADER_SIZE,
                data.length - WireFormat.HEADER_SIZE, DECODERS.get());
        DECODERS.set(decoder);
        try {
            return reader.read(null, decoder);
        } catch (EOFException e) {
            throw new TruncatedPayloadException(topic, data.length,
                    "the Avro body ended before the record of schema id " + schemaId + " was complete", e);
        } catch (IOException | RuntimeException e) {
            if (e.getCause() instanceof EOFException) {
                throw new TruncatedPayloadException(topic, data.length,
                        "the Avro body ended before the record of schema id " + schemaId + " was complete", e);
            }
            throw new MalformedPayloadException(topic, schemaId, e);
        }
    }

    private DatumReader<Object> readerFor(final String topic, final int schemaId) {
        final Schema writer;
        try {
            writer = client.schemaById(schemaId);
        } catch (RegistryUnavailableException e) {
            throw new SchemaRegistryUnavailableException(e.getMessage(), e);
        } catch (RegistryException e) {
            if (e.errorCode() == RegistryException.SCHEMA_NOT_FOUND) {
                throw new UnknownSchemaIdException(topic, schemaId, e);
            }
            throw new AvroSerdeException("Registry refused schema id " + schemaId + ": " + e.getMessage(), e);
        }
        if (fixedReaderSchema != null) {
            return new SpecificDatumReader<>(writer, fixedReaderSchema, SpecificData.getForSchema(fixedReaderSchema));
        }
        if (config.specificAvroReader()) {
            final SpecificData model = SpecificData.getForSchema(writer);
            final Class<?> type = model.getClass(writer);
            if (type != null) {
                final Schema reader = model.getSchema(type);
                return new SpecificDatumReader<>(writer, reader, SpecificData.getForSchema(reader));
            }
        }
        return new GenericDatumReader<>(writer);
    }

    @Override
    public void close() {
        if (client != null) {
            client.close();
        }
    }
}
