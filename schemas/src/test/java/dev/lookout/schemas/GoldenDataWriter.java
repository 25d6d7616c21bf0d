package dev.lookout.schemas;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;

/**
 * Writes the golden v1 records under {@code src/test/resources/golden/}, encoded with the v1
 * schemas of {@code schema-history/}. Run once when a new historic version is added; the files are
 * committed and must never be regenerated for an existing version, since they stand for data
 * already written in production.
 *
 * <pre>mvn -pl schemas test-compile exec:java -Dexec.mainClass=dev.lookout.schemas.GoldenDataWriter \
 *     -Dexec.classpathScope=test</pre>
 */
public final class GoldenDataWriter {

    static final long OCCURRED_AT = 1_700_000_000_000L;

    private GoldenDataWriter() {
    }

    public static void main(final String[] args) throws IOException {
        final Path schemas = Path.of(args.length > 0 ? args[0] : "schemas");
        final Path out = schemas.resolve("src/test/resources/golden");
        final Schema userV1 = new Schema.Parser().parse(schemas.resolve("schema-history/user-events-value/v1.avsc").toFile());
        final Schema authV1 = new Schema.Parser().parse(schemas.resolve("schema-history/auth-events-value/v1.avsc").toFile());

        final GenericRecord registered = new GenericData.Record(userV1.getField("payload").schema().getTypes().get(0));
        registered.put("email", "ada@example.com");
        write(out.resolve("user-events-v1/registered.avro"), userEvent(userV1, "e-1", registered));

        final GenericRecord emailChanged = new GenericData.Record(userV1.getField("payload").schema().getTypes().get(2));
        emailChanged.put("old_email", "ada@example.com");
        emailChanged.put("new_email", "ada@lovelace.dev");
        write(out.resolve("user-events-v1/email-changed.avro"), userEvent(userV1, "e-2", emailChanged));

        write(out.resolve("auth-events-v1/login-failed.avro"), loginFailed(authV1, "a-1", "UNKNOWN_USER"));
        // OTHER is symbol 2 in v1 and symbol 4 now: decoding proves resolution by name, not by index.
        write(out.resolve("auth-events-v1/login-failed-other.avro"), loginFailed(authV1, "a-2", "OTHER"));
    }

    private static GenericRecord loginFailed(final Schema authV1, final String eventId, final String reason) {
        final Schema failedSchema = authV1.getField("payload").schema().getTypes().get(1);
        final GenericRecord failed = new GenericData.Record(failedSchema);
        failed.put("reason", new GenericData.EnumSymbol(failedSchema.getField("reason").schema(), reason));
        final GenericRecord auth = new GenericData.Record(authV1);
        auth.put("event_id", eventId);
        auth.put("user_id", "u-1");
        auth.put("occurred_at", OCCURRED_AT);
        auth.put("source_ip", "203.0.113.7");
        auth.put("payload", failed);
        return auth;
    }

    private static GenericRecord userEvent(final Schema schema, final String eventId, final GenericRecord payload) {
        final GenericRecord event = new GenericData.Record(schema);
        event.put("event_id", eventId);
        event.put("user_id", "u-1");
        event.put("occurred_at", OCCURRED_AT);
        event.put("payload", payload);
        return event;
    }

    private static void write(final Path file, final GenericRecord record) throws IOException {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(bytes, null);
        new GenericDatumWriter<GenericRecord>(record.getSchema()).write(record, encoder);
        encoder.flush();
        Files.createDirectories(file.getParent());
        Files.write(file, bytes.toByteArray());
    }
}
