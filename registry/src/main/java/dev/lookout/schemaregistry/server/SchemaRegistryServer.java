package dev.lookout.schemaregistry.server;

import java.io.IOException;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.lookout.schemaregistry.CompatibilityLevel;
import dev.lookout.schemaregistry.InMemorySchemaRegistry;
import dev.lookout.schemaregistry.RegistryException;
import dev.lookout.schemaregistry.RestSchemaRegistryClient;
import dev.lookout.schemaregistry.SchemaRegistryClient;
import dev.lookout.schemaregistry.SchemaRegistryClient.CompatibilityCheck;
import dev.lookout.schemaregistry.SchemaRegistryClient.RegisteredSchema;
import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import org.apache.avro.Schema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lookout's development schema registry: Confluent Schema Registry's REST API over an
 * {@link InMemorySchemaRegistry} (or its {@link JournaledSchemaRegistry} that survives restarts).
 *
 * <p>It answers the endpoints Confluent's serializers and clients use, with Confluent's status
 * codes, {@code {"error_code":…,"message":…}} bodies and content type, so that Confluent's own
 * clients (Java, Node.js, Go) work against it unchanged. Storage is in memory: it is for the
 * embedded demo and for tests. Production points {@code schema.registry.url} at Confluent Schema
 * Registry, Apicurio (ccompat API) or Karapace.
 */
public final class SchemaRegistryServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SchemaRegistryServer.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Marks a response whose error body is already written, so the 404 fallback leaves it alone. */
    private static final String ANSWERED_ERROR = "lookout.registry.error";

    private final SchemaRegistryClient registry;
    private final Javalin app;

    private SchemaRegistryServer(final SchemaRegistryClient registry, final String host, final int port) {
        this.registry = registry;
        this.app = Javalin.create(this::configure).start(host, port);
    }

    /** Starts a server on {@code host:port} (port 0 picks a free one) over the given registry. */
    public static SchemaRegistryServer start(final String host, final int port, final SchemaRegistryClient registry) {
        final SchemaRegistryServer server = new SchemaRegistryServer(registry, host, port);
        LOG.info("Development schema registry listening on {}", server.url());
        return server;
    }

    /** The base URL clients use as {@code schema.registry.url}. */
    public URI url() {
        return URI.create("http://localhost:" + app.port());
    }

    public int port() {
        return app.port();
    }

    public SchemaRegistryClient registry() {
        return registry;
    }

    @Override
    public void close() {
        app.stop();
        registry.close();
    }

    private void configure(final JavalinConfig config) {
        config.startup.showJavalinBanner = false;
        config.http.prefer405over404 = true;
        config.routes.get("/", ctx -> answer(ctx, Map.of()));
        config.routes.get("/schemas/types", ctx -> answer(ctx, List.of("AVRO")));
        config.routes.get("/schemas/ids/{id}", ctx -> answer(ctx, Map.of("schema", schemaById(ctx).toString())));
        config.routes.get("/schemas/ids/{id}/schema", ctx -> answer(ctx, JSON.readTree(schemaById(ctx).toString())));
        config.routes.get("/subjects", ctx -> answer(ctx, registry.subjects()));
        config.routes.post("/subjects/{subject}/versions", ctx ->
                answer(ctx, Map.of("id", registry.register(ctx.pathParam("subject"), schemaFromBody(ctx)))));
        config.routes.get("/subjects/{subject}/versions", ctx -> answer(ctx, registry.versions(ctx.pathParam("subject"))));
        config.routes.get("/subjects/{subject}/versions/{version}", ctx -> answer(ctx, describe(version(ctx))));
        config.routes.get("/subjects/{subject}/versions/{version}/schema",
                ctx -> answer(ctx, JSON.readTree(version(ctx).schema().toString())));
        config.routes.post("/subjects/{subject}", ctx ->
                answer(ctx, describe(registry.lookup(ctx.pathParam("subject"), schemaFromBody(ctx)))));
        config.routes.post("/compatibility/subjects/{subject}/versions/{version}", ctx ->
                answer(ctx, compatibility(ctx, registry.testCompatibility(ctx.pathParam("subject"),
                        ctx.pathParam("version"), schemaFromBody(ctx)))));
        config.routes.get("/config", ctx -> answer(ctx, Map.of("compatibilityLevel", registry.globalCompatibility())));
        config.routes.put("/config", ctx ->
                answer(ctx, Map.of("compatibility", registry.setGlobalCompatibility(levelFromBody(ctx)))));
        config.routes.get("/config/{subject}", this::subjectConfig);
        config.routes.put("/config/{subject}", ctx -> answer(ctx, Map.of("compatibility",
                registry.setSubjectCompatibility(ctx.pathParam("subject"), levelFromBody(ctx)))));

        config.routes.exception(RegistryException.class, (e, ctx) -> error(ctx, e.httpStatus(), e.errorCode(), e.getMessage()));
        config.routes.exception(JsonProcessingException.class, (e, ctx) ->
                error(ctx, 400, 400, "Malformed request body: " + e.getOriginalMessage()));
        config.routes.exception(Exception.class, (e, ctx) -> {
            LOG.error("Registry request {} {} failed", ctx.method(), ctx.path(), e);
            error(ctx, 500, RegistryException.STORE_ERROR, "Error in the backend data store: " + e.getMessage());
        });
        config.routes.error(404, ctx -> {
            if (ctx.attribute(ANSWERED_ERROR) == null) {
                error(ctx, 404, 404, "HTTP 404 Not Found");
            }
        });
        config.routes.error(405, ctx -> error(ctx, 405, 405, "HTTP 405 Method Not Allowed"));
    }

    private Schema schemaById(final Context ctx) {
        return registry.schemaById(intParam(ctx.pathParam("id"), RegistryException.schemaNotFound()));
    }

    private RegisteredSchema version(final Context ctx) {
        final String subject = ctx.pathParam("subject");
        final String version = ctx.pathParam("version");
        if ("latest".equals(version) || "-1".equals(version)) {
            return registry.latest(subject);
        }
        return registry.version(subject, InMemorySchemaRegistry.parseVersion(version));
    }

    private void subjectConfig(final Context ctx) throws IOException {
        final String subject = ctx.pathParam("subject");
        final var level = registry.subjectCompatibility(subject);
        if (level.isPresent()) {
            answer(ctx, Map.of("compatibilityLevel", level.get()));
        } else if (Boolean.parseBoolean(ctx.queryParam("defaultToGlobal"))) {
            answer(ctx, Map.of("compatibilityLevel", registry.globalCompatibility()));
        } else {
            throw RegistryException.noSubjectLevel(subject);
        }
    }

    private static Map<String, Object> describe(final RegisteredSchema registered) {
        final Map<String, Object> body = new LinkedHashMap<>();
        body.put("subject", registered.subject());
        body.put("version", registered.version());
        body.put("id", registered.id());
        body.put("schema", registered.schema().toString());
        return body;
    }

    private static Map<String, Object> compatibility(final Context ctx, final CompatibilityCheck check) {
        final Map<String, Object> body = new LinkedHashMap<>();
        body.put("is_compatible", check.compatible());
        if (Boolean.parseBoolean(ctx.queryParam("verbose"))) {
            body.put("messages", check.messages());
        }
        return body;
    }

    private static Schema schemaFromBody(final Context ctx) throws IOException {
        final JsonNode body = requestBody(ctx);
        final String type = body.path("schemaType").asText("AVRO");
        if (!"AVRO".equals(type)) {
            throw new RegistryException(RegistryException.INVALID_SCHEMA,
                    "Invalid schema type " + type + ": this registry stores AVRO schemas only");
        }
        if (body.path("references").isArray() && !body.path("references").isEmpty()) {
            throw new RegistryException(RegistryException.INVALID_SCHEMA,
                    "Invalid schema: schema references are not supported by this development registry");
        }
        return InMemorySchemaRegistry.parse(body.path("schema").isTextual() ? body.get("schema").asText() : null);
    }

    private static CompatibilityLevel levelFromBody(final Context ctx) throws IOException {
        final String text = requestBody(ctx).path("compatibility").asText(null);
        try {
            return CompatibilityLevel.parse(text);
        } catch (IllegalArgumentException e) {
            throw RegistryException.invalidCompatibilityLevel(text);
        }
    }

    private static JsonNode requestBody(final Context ctx) throws IOException {
        final byte[] body = ctx.bodyAsBytes();
        final JsonNode node = body.length == 0 ? null : JSON.readTree(body);
        if (node == null || !node.isObject()) {
            throw new RegistryException(400, "Malformed request body: a JSON object is required");
        }
        return node;
    }

    private static int intParam(final String text, final RegistryException otherwise) {
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw otherwise;
        }
    }

    private static void answer(final Context ctx, final Object body) throws JsonProcessingException {
        ctx.contentType(RestSchemaRegistryClient.CONTENT_TYPE).result(JSON.writeValueAsBytes(body));
    }

    private static void error(final Context ctx, final int status, final int code, final String message) {
        final Map<String, Object> body = new LinkedHashMap<>();
        body.put("error_code", code);
        body.put("message", message);
        ctx.attribute(ANSWERED_ERROR, code);
        try {
            ctx.status(status).contentType(RestSchemaRegistryClient.CONTENT_TYPE).result(JSON.writeValueAsBytes(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Runs the registry on its own: {@code SchemaRegistryServer [port [journal-file]]} (default 8081, in memory). */
    public static void main(final String[] args) {
        final int port = args.length > 0 ? Integer.parseInt(args[0]) : 8081;
        final SchemaRegistryClient backend = args.length > 1
                ? JournaledSchemaRegistry.open(java.nio.file.Path.of(args[1])) : new InMemorySchemaRegistry();
        final SchemaRegistryServer server = start("0.0.0.0", port, backend);
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "registry-shutdown"));
    }
}
