package dev.lookout.app.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.lookout.app.LookoutApp;
import dev.lookout.app.security.ApiKey;
import dev.lookout.app.security.Scope;
import dev.lookout.app.config.LookoutCommand;
import dev.lookout.app.kafka.KafkaDeadLetters;
import dev.lookout.app.query.DeadLetterDto;
import dev.lookout.app.query.DeadLetterFilter;
import dev.lookout.events.UserEvent;
import dev.lookout.schemaregistry.SchemaRegistryClient;
import dev.lookout.schemas.EventContract;
import dev.lookout.topology.Events;
import dev.lookout.topology.Names;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.kafka.clients.CommonClientConfigs;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Dead letters re-driven on a real broker, with the CLI and over HTTP. Every poison class is sent;
 * then the causes that lie outside the records are fixed (the schema an event was written with is
 * registered under the id it names, the post a comment waited for is published), and
 * {@code lookout dlq redrive} sends back what can be applied and refuses, with a reason, what
 * would fail the same way again. The read model then holds each event once; a second re-drive, over
 * HTTP, changes nothing and counts duplicates.
 */
@Timeout(300)
class DeadLetterRedriveIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final int PARTITIONS = 3;
    private static final String SECRET = "an-internal-secret-of-at-least-32-characters";

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = TestCluster.Kind.class, names = {"EMBEDDED", "CONTAINER"})
    void reDrivesWhatItsFixedCauseLetThroughOnceAndRefusesTheRest(final TestCluster.Kind kind,
                                                                  @TempDir final Path dir) throws Exception {
        assumeThat(TestCluster.unavailableReason(kind)).as(TestCluster.unavailableReason(kind)).isNull();
        final String admin = ApiKey.newToken();
        final String adminKey = ApiKey.spec("ops", admin, EnumSet.of(Scope.READ_USERS, Scope.READ_ALERTS,
                Scope.ADMIN_DEAD_LETTERS));
        try (TestSystem system = new TestSystem(kind, dir); EventProducer producer = system.producer()) {
            final LookoutApp app = system.startApp("--partitions", Integer.toString(PARTITIONS),
                    "--parking-timeout", "1m", "--api-key", adminKey, "--internal-secret", SECRET);
            final int port = app.httpPort();
            await().atMost(Duration.ofSeconds(90)).until(() -> Http.get(port, "/health/ready").status() == 200);
            final Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);

            // Every path of the topology once, so its internal schemas are registered before the
            // schema ids below are counted.
            producer.send(Events.registered("r-1", "u-1", "ada@example.com", "Ada", now));
            producer.send(Events.comment("c-warm", "cm-warm", "p-warm", "u-1", now.plusSeconds(1)));
            producer.send(Events.post("p-warm", "p-warm", "u-1", "Warm", now.plusSeconds(2)));
            producer.send(Events.succeeded("clock", "u-1", "10.0.0.1", now.plusSeconds(2)));
            await().atMost(Duration.ofSeconds(60)).until(() -> commentCount(port, admin, "p-warm") == 1);

            // The poison. The event written with a schema the registry does not know comes last, once
            // everything else is processed, so that no other schema takes the id it names.
            final byte[] valid = producer.serdes().userEvents().serializer().serialize(Names.USER_EVENTS,
                    Events.registered("r-9", "u-9", "x@example.com", "X", now));
            producer.raw(Names.USER_EVENTS, "u-9", "{\"user_id\":\"u-9\"}".getBytes(StandardCharsets.UTF_8));
            producer.raw(Names.USER_EVENTS, "u-9", Arrays.copyOf(valid, valid.length - 4));
            producer.raw(Names.USER_EVENTS, null, valid);
            producer.raw(Names.USER_EVENTS, "u-9", null);
            producer.raw(Names.USER_EVENTS, "u-8", valid);
            producer.raw(Names.AUTH_EVENTS, "u-1", producer.serdes().authEvents().serializer().serialize(
                    Names.AUTH_EVENTS, Events.failed("late", "u-1", "10.0.0.1", now.minusSeconds(300))));
            final String missing = Keys.inPartition("p-404-", 0, PARTITIONS);
            producer.send(Events.comment("c-orphan", "cm-orphan", missing, "u-1", now.plusSeconds(3)));
            // Stream time of that post's partition passes the parking timeout.
            producer.send(Events.post("p-adv", Keys.inPartition("p-adv-", 0, PARTITIONS), "u-1", "Later",
                    now.plus(Duration.ofMinutes(3))));

            final KafkaDeadLetters deadLetters = new KafkaDeadLetters(Map.of(
                    CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, system.cluster().bootstrapServers()));
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> deadLetters.newest(DeadLetterFilter.all(), 100).size() >= 7);
            final SchemaRegistryClient registry = system.registry();
            final Schema newer = newerUserEventSchema();
            final int unknownId = nextSchemaId(registry);
            producer.raw(Names.USER_EVENTS, "u-3", newer(Events.registered("r-3", "u-3", "cy@example.com", "Cy", now),
                    newer, unknownId));
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> deadLetters.newest(DeadLetterFilter.all(), 100).size() >= 8);
            final List<DeadLetterDto> letters = deadLetters.newest(DeadLetterFilter.all(), 100);
            assertThat(letters).extracting(DeadLetterDto::reason).containsExactlyInAnyOrder("unknown-schema-id",
                    "bad-magic-byte", "truncated", "null-key", "null-value", "key-mismatch", "late", "orphan");
            final String listed = lookout("dlq", "list", "--bootstrap-servers", system.cluster().bootstrapServers());
            assertThat(listed).contains("8 dead letter(s)").contains("orphan  post-view  " + Names.CONTENT_EVENTS);
            final DeadLetterDto orphan = letters.stream().filter(l -> l.reason().equals("orphan")).findFirst()
                    .orElseThrow();
            assertThat(lookout("dlq", "show", orphan.id(), "--bootstrap-servers",
                    system.cluster().bootstrapServers())).contains("\"reason\":\"orphan\"").contains(missing);

            // Fix the causes outside the records.
            assertThat(registry.register(EventContract.USER_EVENTS.valueSubject(), newer)).as("the id the event names")
                    .isEqualTo(unknownId);
            producer.send(Events.post("p-found", missing, "u-1", "Found", now.plus(Duration.ofMinutes(4))));
            await().atMost(Duration.ofSeconds(60)).until(() -> commentCount(port, admin, missing) == 0);

            final String first = lookout("dlq", "redrive", "--bootstrap-servers",
                    system.cluster().bootstrapServers());
            assertThat(first).contains("sent 2, refused 6").containsPattern("sent lookout.dlq/\\d+/\\d+ \\(orphan\\) -> "
                    + Names.CONTENT_EVENTS + "/0/\\d+")
                    .contains("(late): the event is older than the grace")
                    .contains("(key-mismatch): the key differs").contains("--force sends it anyway");
            assertThat(lastExitCode).as("some dead letters were refused").isEqualTo(1);

            await().atMost(Duration.ofSeconds(60)).until(() -> commentCount(port, admin, missing) == 1);
            await().atMost(Duration.ofSeconds(60)).until(() -> get(port, admin, "/api/users/u-3").status() == 200);
            final JsonNode cy = get(port, admin, "/api/users/u-3").json();
            assertThat(cy.get("email").asText()).isEqualTo("cy@example.com");
            final JsonNode ada = get(port, admin, "/api/users/u-1").json();
            assertThat(ada.get("commentCount").asLong()).as("the orphan counted for its author once").isEqualTo(2);
            assertThat(ada.get("postCount").asLong()).isEqualTo(3);

            // A second re-drive, over HTTP: nothing changes, two duplicates are counted.
            final double duplicatesBefore = duplicates(port, admin);
            final String usersBefore = get(port, admin, "/api/users/u-1").body() + get(port, admin, "/api/users/u-3").body()
                    + get(port, admin, "/api/posts/" + missing).body();
            final HttpResponse<String> second = post(port, admin, "/api/dead-letters/redrive", "{}");
            assertThat(second.statusCode()).as(second.body()).isEqualTo(200);
            final JsonNode report = JSON.readTree(second.body());
            assertThat(report.get("sent")).hasSize(2);
            assertThat(report.get("refused")).hasSize(6);
            await().atMost(Duration.ofSeconds(60)).until(() -> duplicates(port, admin) == duplicatesBefore + 2);
            assertThat(get(port, admin, "/api/users/u-1").body() + get(port, admin, "/api/users/u-3").body()
                    + get(port, admin, "/api/posts/" + missing).body()).isEqualTo(usersBefore);
            assertThat(deadLetters.newest(DeadLetterFilter.all(), 100)).as("nothing dead-lettered again").hasSize(8);
            System.out.printf("DLQ: 8 dead letters, 2 re-driven and applied once, 6 refused; a second re-drive "
                    + "counted %.0f duplicates%n", duplicates(port, admin) - duplicatesBefore);
        }
    }

    private int lastExitCode;

    private String lookout(final String... args) {
        final picocli.CommandLine commandLine = LookoutCommand.commandLine(config -> 0, demo -> 0, args, Map.of());
        final StringWriter out = new StringWriter();
        commandLine.setOut(new PrintWriter(out));
        commandLine.setErr(new PrintWriter(out));
        lastExitCode = commandLine.execute(args);
        return out.toString();
    }

    private static Http.Answer get(final int port, final String key, final String path) {
        return Http.get(HTTP, URI.create("http://localhost:" + port + path),
                Map.of("Authorization", "Bearer " + key));
    }

    private static HttpResponse<String> post(final int port, final String key, final String path,
                                             final String body) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .POST(HttpRequest.BodyPublishers.ofString(body)).header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + key).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static long commentCount(final int port, final String key, final String postId) {
        final Http.Answer answer = get(port, key, "/api/posts/" + postId);
        return answer.status() == 200 ? answer.json().get("commentCount").asLong() : -1;
    }

    private static double duplicates(final int port, final String key) {
        final Matcher lines = Pattern.compile("(?m)^lookout_duplicates_total\\{[^}]*} ([0-9.]+)$")
                .matcher(get(port, key, "/metrics").body());
        double total = 0;
        while (lines.find()) {
            total += Double.parseDouble(lines.group(1));
        }
        return total;
    }

    /** The user-events schema of a later release: one more optional field, as a producer team might add. */
    private static Schema newerUserEventSchema() throws IOException {
        final ObjectNode schema = (ObjectNode) JSON.readTree(UserEvent.getClassSchema().toString());
        final ObjectNode field = schema.withArray("fields").addObject();
        field.put("name", "nickname");
        field.putArray("type").add("null").add("string");
        field.putNull("default");
        return new Schema.Parser().parse(schema.toString());
    }

    /** The id the registry gives the next schema it has not seen. */
    private static int nextSchemaId(final SchemaRegistryClient registry) {
        int max = 0;
        for (final String subject : registry.subjects()) {
            for (final int version : registry.versions(subject)) {
                max = Math.max(max, registry.version(subject, version).id());
            }
        }
        return max + 1;
    }

    /** An event in the wire format, written with the newer schema under a schema id. */
    private static byte[] newer(final UserEvent event, final Schema newer, final int schemaId) throws IOException {
        final ByteArrayOutputStream current = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(current, null);
        new SpecificDatumWriter<>(UserEvent.class).write(event, encoder);
        encoder.flush();
        final GenericRecord record = new GenericDatumReader<GenericRecord>(UserEvent.getClassSchema(), newer)
                .read(null, DecoderFactory.get().binaryDecoder(current.toByteArray(), null));
        record.put("nickname", "three");
        final ByteArrayOutputStream wire = new ByteArrayOutputStream();
        wire.write(0);
        wire.write(ByteBuffer.allocate(Integer.BYTES).putInt(schemaId).array());
        encoder = EncoderFactory.get().binaryEncoder(wire, null);
        new GenericDatumWriter<GenericRecord>(newer).write(record, encoder);
        encoder.flush();
        return wire.toByteArray();
    }
}
