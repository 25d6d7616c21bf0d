package dev.lookout.schemaregistry;

import java.io.Closeable;
import java.util.List;
import java.util.Optional;

import org.apache.avro.Schema;

/**
 * The operations of Confluent Schema Registry's REST API that Lookout uses, as a Java interface.
 *
 * <p>Three implementations: {@link RestSchemaRegistryClient} speaks HTTP to any
 * Confluent-compatible registry (Confluent, Apicurio's ccompat API, Karapace, or Lookout's own
 * development server); {@link InMemorySchemaRegistry} is the registry itself, used for
 * {@code mem://} URLs and behind the development server; {@link CachingSchemaRegistryClient}
 * adds the id and schema caches that serdes need on their hot path.
 *
 * <p>API errors surface as {@link RegistryException} carrying the registry's {@code error_code};
 * an unreachable registry surfaces as {@link RegistryUnavailableException}.
 */
public interface SchemaRegistryClient extends Closeable {

    /** {@code POST /subjects/{subject}/versions}: registers (or finds) a schema, returns its global id. */
    int register(String subject, Schema schema);

    /** {@code POST /subjects/{subject}}: finds an already registered schema under a subject. */
    RegisteredSchema lookup(String subject, Schema schema);

    /** {@code GET /schemas/ids/{id}}. */
    Schema schemaById(int id);

    /** {@code GET /subjects}. */
    List<String> subjects();

    /** {@code GET /subjects/{subject}/versions}. */
    List<Integer> versions(String subject);

    /** {@code GET /subjects/{subject}/versions/{version}}. */
    RegisteredSchema version(String subject, int version);

    /** {@code GET /subjects/{subject}/versions/latest}. */
    RegisteredSchema latest(String subject);

    /**
     * {@code POST /compatibility/subjects/{subject}/versions/{version}}, where version is a number
     * or {@code latest}.
     */
    CompatibilityCheck testCompatibility(String subject, String version, Schema schema);

    /** {@code GET /config}. */
    CompatibilityLevel globalCompatibility();

    /** {@code PUT /config}. */
    CompatibilityLevel setGlobalCompatibility(CompatibilityLevel level);

    /** {@code GET /config/{subject}}; empty when the subject has no level of its own. */
    Optional<CompatibilityLevel> subjectCompatibility(String subject);

    /** {@code PUT /config/{subject}}. */
    CompatibilityLevel setSubjectCompatibility(String subject, CompatibilityLevel level);

    @Override
    default void close() {
    }

    /** One version of one subject. */
    record RegisteredSchema(String subject, int id, int version, Schema schema) {
    }

    /** The answer of a compatibility test; messages explain an incompatibility. */
    record CompatibilityCheck(boolean compatible, List<String> messages) {
    }
}
