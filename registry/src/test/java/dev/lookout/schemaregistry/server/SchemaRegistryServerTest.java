package dev.lookout.schemaregistry.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.lookout.schemaregistry.CompatibilityLevel;
import dev.lookout.schemaregistry.InMemorySchemaRegistry;
import dev.lookout.schemaregistry.RegistryException;
import dev.lookout.schemaregistry.RestSchemaRegistryClient;
import org.apache.avro.Schema;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The development server against Lookout's REST client (which must agree with it on every
 * endpoint) and against raw HTTP (which pins status codes, error bodies and content types).
 */
class SchemaRegistryServerTest {

    private static final Schema V1 = new Schema.Parser().parse(
            "{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"a\",\"type\":\"int\"}]}");
    private static final Schema V2 = new Schema.Parser().parse("{\"type\":\"record\",\"name\":\"R\",\"fields\":["
            + "{\"name\":\"a\",\"type\":\"int\"},{\"name\":\"b\",\"type\":\"string\",\"default\":\"\"}]}");
    private static final Schema BREAKING = new Schema.Parser().parse("{\"type\":\"record\",\"name\":\"R\",\"fields\":["
            + "{\"name\":\"a\",\"type\":\"int\"},{\"name\":\"c\",\"type\":\"string\"}]}");

    private static SchemaRegistryServer server;
    private static RestSchemaRegistryClient client;
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();

    @BeforeAll
    static void start() {
        server = SchemaRegistryServer.start("localhost", 0, new InMemorySchemaRegistry());
        client = clientFor(List.of(server.url()));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static RestSchemaRegistryClient clientFor(final List<URI> urls) {
        return new RestSchemaRegistryClient(new RestSchemaRegistryClient.Settings(urls, Optional.empty(), 1,
                Duration.ofMillis(10), Duration.ofMillis(20), Duration.ofSeconds(2), Duration.ofSeconds(5)));
    }

    @Test
    void shouldServeEveryClientOperation() {
        final int id1 = client.register("things-value", V1);
        final int id2 = client.register("things-value", V2);

        assertThat(client.register("things-value", V1)).isEqualTo(id1);
        assertThat(client.schemaById(id2)).isEqualTo(V2);
        assertThat(client.subjects()).contains("things-value");
        assertThat(client.versions("things-value")).containsExactly(1, 2);
        assertThat(client.version("things-value", 1).id()).isEqualTo(id1);
        assertThat(client.latest("things-value").version()).isEqualTo(2);
        assertThat(client.lookup("things-value", V2).version()).isEqualTo(2);
        assertThat(client.testCompatibility("things-value", "latest", BREAKING).compatible()).isFalse();
        assertThat(client.testCompatibility("things-value", "latest", BREAKING).messages())
                .anySatisfy(m -> assertThat(m).contains("'c'"));
        assertThat(client.testCompatibility("things-value", "1", V2).compatible()).isTrue();
    }

    @Test
    void shouldKeepGlobalAndSubjectLevels() {
        assertThat(client.globalCompatibility()).isEqualTo(CompatibilityLevel.BACKWARD);
        assertThat(client.subjectCompatibility("levels-value")).isEmpty();

        assertThat(client.setSubjectCompatibility("levels-value", CompatibilityLevel.FULL_TRANSITIVE))
                .isEqualTo(CompatibilityLevel.FULL_TRANSITIVE);

        assertThat(client.subjectCompatibility("levels-value")).contains(CompatibilityLevel.FULL_TRANSITIVE);
        client.register("levels-value", V1);
        assertThatThrownBy(() -> client.register("levels-value", BREAKING))
                .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.errorCode()).isEqualTo(409));
    }

    @Test
    void shouldFailOverToTheNextUrl() throws IOException {
        final int deadPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            deadPort = socket.getLocalPort();
        }
        final RestSchemaRegistryClient failover = clientFor(List.of(URI.create("http://localhost:" + deadPort),
                server.url()));

        assertThat(failover.register("failover-value", V1)).isPositive();
    }

    @Test
    void shouldAnswerErrorsWithConfluentsCodesAndContentType() throws Exception {
        assertError(get("/subjects/nothing/versions"), 404, 40401);
        assertError(get("/schemas/ids/9999"), 404, 40403);
        assertError(get("/schemas/ids/abc"), 404, 40403);
        assertError(post("/subjects/x-value/versions", "{\"schema\":\"{\\\"type\\\":\\\"nope\\\"}\"}"), 422, 42201);
        assertError(post("/subjects/x-value/versions", "not json"), 400, 400);
        assertError(post("/subjects/x-value/versions", "{\"schema\":\"\\\"int\\\"\",\"schemaType\":\"PROTOBUF\"}"), 422,
                42201);
        client.register("errors-value", V1);
        assertError(get("/subjects/errors-value/versions/7"), 404, 40402);
        assertError(get("/subjects/errors-value/versions/zero"), 422, 42202);
        assertError(post("/subjects/errors-value", "{\"schema\":" + JSON.writeValueAsString(V2.toString()) + "}"),
                404, 40403);
        assertError(post("/subjects/errors-value/versions", "{\"schema\":" + JSON.writeValueAsString(BREAKING.toString())
                + "}"), 409, 409);
        assertError(put("/config", "{\"compatibility\":\"SIDEWAYS\"}"), 422, 42203);
        assertError(get("/config/errors-value"), 404, 40408);
        assertError(get("/no/such/route"), 404, 404);
        assertError(HTTP.send(HttpRequest.newBuilder(server.url().resolve("/subjects")).DELETE().build(),
                HttpResponse.BodyHandlers.ofString()), 405, 405);
    }

    @Test
    void shouldAnswerInConfluentsShapes() throws Exception {
        client.register("shapes-value", V1);

        final JsonNode version = JSON.readTree(get("/subjects/shapes-value/versions/latest").body());
        assertThat(version.fieldNames()).toIterable().containsExactly("subject", "version", "id", "schema");
        assertThat(JSON.readTree(get("/config/shapes-value?defaultToGlobal=true").body()).get("compatibilityLevel")
                .asText()).isEqualTo("BACKWARD");
        final HttpResponse<String> verbose = post("/compatibility/subjects/shapes-value/versions/latest?verbose=true",
                "{\"schema\":" + JSON.writeValueAsString(BREAKING.toString()) + "}");
        assertThat(JSON.readTree(verbose.body()).get("is_compatible").asBoolean()).isFalse();
        assertThat(JSON.readTree(verbose.body()).get("messages")).isNotEmpty();
        assertThat(get("/schemas/types").body()).isEqualTo("[\"AVRO\"]");
        assertThat(JSON.readTree(get("/subjects/shapes-value/versions/1/schema").body()).get("name").asText())
                .isEqualTo("R");
    }

    private static void assertError(final HttpResponse<String> response, final int status, final int code)
            throws IOException {
        assertThat(response.statusCode()).as(response.uri() + " " + response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith(RestSchemaRegistryClient.CONTENT_TYPE));
        final JsonNode body = JSON.readTree(response.body());
        assertThat(body.get("error_code").asInt()).as(response.body()).isEqualTo(code);
        assertThat(body.get("message").asText()).isNotBlank();
    }

    private static HttpResponse<String> get(final String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(server.url().resolve(path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> post(final String path, final String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(server.url().resolve(path))
                .header("Content-Type", RestSchemaRegistryClient.CONTENT_TYPE)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> put(final String path, final String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(server.url().resolve(path))
                .header("Content-Type", RestSchemaRegistryClient.CONTENT_TYPE)
                .PUT(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
