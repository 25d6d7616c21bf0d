package dev.lookout.serde;

import java.nio.ByteBuffer;

/**
 * Confluent's wire format: magic byte {@code 0}, then the schema id as a 4-byte big-endian int,
 * then the Avro binary encoding of the value.
 */
public final class WireFormat {

    public static final byte MAGIC_BYTE = 0x0;
    public static final int HEADER_SIZE = 5;

    private WireFormat() {
    }

    /**
     * Reads and checks the header of a record.
     *
     * @throws UnknownMagicByteException when the first byte is not 0
     * @throws TruncatedPayloadException when the record is shorter than the header
     */
    public static int schemaId(final String topic, final byte[] record) {
        if (record.length > 0 && record[0] != MAGIC_BYTE) {
            throw new UnknownMagicByteException(topic, record[0]);
        }
        if (record.length < HEADER_SIZE) {
            throw new TruncatedPayloadException(topic, record.length,
                    "the wire-format header needs " + HEADER_SIZE + " bytes (magic byte and schema id)", null);
        }
        return ByteBuffer.wrap(record, 1, 4).getInt();
    }

    /** Writes the header for a schema id into the first five bytes of {@code target}. */
    public static void writeHeader(final byte[] target, final int schemaId) {
        target[0] = MAGIC_BYTE;
        target[1] = (byte) (schemaId >>> 24);
        target[2] = (byte) (schemaId >>> 16);
        target[3] = (byte) (schemaId >>> 8);
        target[4] = (byte) schemaId;
    }
}
