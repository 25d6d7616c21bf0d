package dev.lookout.serde;

/**
 * The first byte of a record is not the Confluent wire format's magic byte 0: the producer did not
 * write it with a schema-registry Avro serializer.
 */
public class UnknownMagicByteException extends AvroSerdeException {

    public UnknownMagicByteException(final String topic, final byte found) {
        super(String.format("Unknown magic byte 0x%02x in a record of topic '%s': the Confluent wire format starts "
                + "with 0x00. The producer did not use a schema-registry Avro serializer (0x7b would be JSON); "
                + "configure it with a Confluent-compatible Avro serializer.", found, topic));
    }
}
