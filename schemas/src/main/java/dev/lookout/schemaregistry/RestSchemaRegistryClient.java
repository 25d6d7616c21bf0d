package dev.lookout.schemaregistry;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.failsafe.Failsafe;
import dev.failsafe.FailsafeException;
import dev.failsafe.RetryPolicy;
import dev.failsafe.RetryPolicyBuilder;
import org.apache.avro.Schema;

/**
 * Speaks Confluent Schema Registry's REST API over HTTP.
 *
 * <p>Several base URLs may be given: each attempt tries them in order and takes the first that
 * answers, as Confluent's client does. Connection failures and 5xx answers are retried with
 * exponential back-off (Failsafe); when every attempt fails the call ends in a
 * {@link RegistryUnavailableException} that names the URLs and the last failure. 4xx answers are
 * not retried: they become a {@link RegistryException} carrying the registry's
 * {@code error_code}.
 */
public final class RestSchemaRegistryClient implements SchemaRegistryClient {

    /** The content type of every request and answer of the registry API. */
    public static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    private static final String ACCEPT = CONTENT_TYPE
            + ", application/vnd.schemaregistry+json; qs=0.9, application/json; qs=0.5";

    private final List<URI> baseUrls;
    private final Optional<String> authorization;
    private final Duration requestTimeout;
    private final RetryPolicy<Object> retryPolicy;
    private final HttpClient http;
    private final ObjectMapper json = new ObjectMapper();

    /** Connection and retry settings. {@code userInfo} is {@code user:password} for basic auth. */
    public record Settings(List<URI> baseUrls, Optional<String> userInfo, int maxRetries, Duration retryWait,
                           Duration retryMaxWait, Duration connectTimeout, Duration requestTimeout) {
        public Settings {
            if (baseUrls.isEmpty()) {
                throw new IllegalArgumentException("at least one schema registry URL is required");
            }
            baseUrls = List.copyOf(baseUrls);
        }
    }

    public RestSchemaRegistryClient(final Settings settings) {
        this.baseUrls = settings.baseUrls();
        this.authorization = settings.userInfo().map(info ->
                "Basic " + Base64.getEncoder().encodeToString(info.getBytes(StandardCharsets.UTF_8)));
        this.requestTimeout = settings.requestTimeout();
        this.http = HttpClient.newBuilder().connectTimeout(settings.connectTimeout()).build();
        final RetryPolicyBuilder<Object> retry = RetryPolicy.builder()
                .handle(TransientFailure.class)
                .withMaxRetries(settings.maxRetries());
        if (settings.retryMaxWait().compareTo(settings.retryWait()) > 0 && !settings.retryWait().isZero()) {
            retry.withBackoff(settings.retryWait(), settings.retryMaxWait());
        } else {
            retry.withDelay(settings.retryWait());
        }
        this.retryPolicy = retry.build();
    }

    @Override
    public int register(final String subject, final Schema schema) {
        return call("POST", "/subjects/" + encode(subject) + "/versions", schemaBody(schema)).get("id").asInt();
    }

    @Override
    public RegisteredSchema lookup(final String subject, final Schema schema) {
        final JsonNode answer = call("POST", "/subjects/" + encode(subject), schemaBody(schema));
        return new RegisteredSchema(answer.path("subject").asText(subject), answer.get("id").asInt(),
                answer.get("version").asInt(), schema);
    }

    @Override
    public Schema schemaById(final int id) {
        return InMemorySchemaRegistry.parse(call("GET", "/schemas/ids/" + id, null).get("schema").asText());
    }

    @Override
    public List<String> subjects() {
        final List<String> subjects = new ArrayList<>();
        call("GET", "/subjects", null).forEach(node -> subjects.add(node.asText()));
        return subjects;
    }

    @Override
    public List<Integer> versions(final String subject) {
        final List<Integer> versions = new ArrayList<>();
        call("GET", "/subjects/" + encode(subject) + "/versions", null).forEach(node -> versions.add(node.asInt()));
        return versions;
    }

    @Override
    public RegisteredSchema version(final String subject, final int version) {
        return registered(call("GET", "/subjects/" + encode(subject) + "/versions/" + version, null));
    }

    @Override
    public RegisteredSchema latest(final String subject) {
        return registered(call("GET", "/subjects/" + encode(subject) + "/versions/latest", null));
    }

    @Override
    public CompatibilityCheck testCompatibility(final String subject, final String version, final Schema schema) {
        final JsonNode answer = call("POST", "/compatibility/subjects/" + encode(subject) + "/versions/"
                + encode(version) + "?verbose=true", schemaBody(schema));
        final List<String> messages = new ArrayList<>();
        answer.path("messages").forEach(node -> messages.add(node.asText()));
        return new CompatibilityCheck(answer.get("is_compatible").asBoolean(), messages);
    }

    @Override
    public CompatibilityLevel globalCompatibility() {
        return CompatibilityLevel.parse(call("GET", "/config", null).get("compatibilityLevel").asText());
    }

    @Override
    public CompatibilityLevel setGlobalCompatibility(final CompatibilityLevel level) {
        return CompatibilityLevel.parse(call("PUT", "/config", Map.of("compatibility", level.name()))
                .get("compatibility").asText());
    }

    @Override
    public Optional<CompatibilityLevel> subjectCompatibility(final String subject) {
        try {
            return Optional.of(CompatibilityLevel.parse(
                    call("GET", "/config/" + encode(subject), null).get("compatibilityLevel").asText()));
        } catch (RegistryException e) {
            if (e.errorCode() == RegistryException.SUBJECT_LEVEL_COMPATIBILITY_NOT_CONFIGURED
                    || e.errorCode() == RegistryException.SUBJECT_NOT_FOUND) {
                return Optional.empty();
            }
            throw e;
        }
    }

    @Override
    public CompatibilityLevel setSubjectCompatibility(final String subject, final CompatibilityLevel level) {
        return CompatibilityLevel.parse(call("PUT", "/config/" + encode(subject),
                Map.of("compatibility", level.name())).get("compatibility").asText());
    }

    private RegisteredSchema registered(final JsonNode answer) {
        return new RegisteredSchema(answer.get("subject").asText(), answer.get("id").asInt(),
                answer.get("version").asInt(), InMemorySchemaRegistry.parse(answer.get("schema").asText()));
    }

    private ObjectNode schemaBody(final Schema schema) {
        final ObjectNode body = json.createObjectNode();
        body.put("schema", schema.toString());
        return body;
    }

    private JsonNode call(final String method, final String pathAndQuery, final Object body) {
        final byte[] payload;
        try {
            payload = body == null ? null : json.writeValueAsBytes(body);
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode registry request", e);
        }
        try {
            return Failsafe.with(retryPolicy).get(() -> tryEachUrl(method, pathAndQuery, payload));
        } catch (TransientFailure e) {
            throw new RegistryUnavailableException("Schema registry unreachable at " + baseUrls + " after "
                    + (retryPolicy.getConfig().getMaxRetries() + 1) + " attempts (" + method + " " + pathAndQuery
                    + "): " + e.getMessage() + ". Check schema.registry.url and that the registry is running.",
                    e.getCause());
        } catch (FailsafeException e) {
            if (e.getCause() instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new RegistryUnavailableException("Schema registry call interrupted: " + method + " " + pathAndQuery,
                    e.getCause());
        }
    }

    private JsonNode tryEachUrl(final String method, final String pathAndQuery, final byte[] payload)
            throws InterruptedException {
        TransientFailure last = null;
        for (final URI base : baseUrls) {
            try {
                return send(base, method, pathAndQuery, payload);
            } catch (TransientFailure e) {
                last = e;
            }
        }
        throw last;
    }

    private JsonNode send(final URI base, final String method, final String pathAndQuery, final byte[] payload)
            throws InterruptedException {
        final HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(stripSlash(base) + pathAndQuery))
                .timeout(requestTimeout)
                .header("Accept", ACCEPT)
                .method(method, payload == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(payload));
        if (payload != null) {
            request.header("Content-Type", CONTENT_TYPE);
        }
        authorization.ifPresent(value -> request.header("Authorization", value));
        final HttpResponse<byte[]> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new TransientFailure(base + ": " + describe(e), e);
        }
        return answer(base, response);
    }

    private JsonNode answer(final URI base, final HttpResponse<byte[]> response) {
        final int status = response.statusCode();
        JsonNode body;
        try {
            body = response.body().length == 0 ? json.nullNode() : json.readTree(response.body());
        } catch (IOException e) {
            body = null;
        }
        if (status >= 200 && status < 300 && body != null) {
            return body;
        }
        final String text = new String(response.body(), StandardCharsets.UTF_8);
        if (status >= 500 || body == null && status < 400) {
            throw new TransientFailure(base + " answered HTTP " + status + ": " + abbreviate(text), null);
        }
        if (body != null && body.has("error_code")) {
            throw new RegistryException(body.get("error_code").asInt(), body.path("message").asText(text));
        }
        throw new RegistryException(status, "HTTP " + status + " from " + base + ": " + abbreviate(text));
    }

    private static String describe(final IOException e) {
        final String message = e.getMessage();
        return e.getClass().getSimpleName() + (message == null ? "" : " " + message);
    }

    private static String abbreviate(final String text) {
        return text.length() > 300 ? text.substring(0, 300) + "…" : text;
    }

    private static String stripSlash(final URI base) {
        final String text = base.toString();
        return text.endsWith("/") ? text.substring(0, text.length() - 1) : text;
    }

    private static String encode(final String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** A failure worth retrying: no answer, or a 5xx answer. */
    private static final class TransientFailure extends RuntimeException {
        TransientFailure(final String message, final Throwable cause) {
            super(message, cause);
        }
    }
}
