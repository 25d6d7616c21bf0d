package dev.lookout.schemaregistry;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;

/**
 * A complete schema registry held in memory: global schema ids, versioned subjects, and the seven
 * compatibility modes enforced with Avro's checker.
 *
 * <p>It backs {@code mem://<scope>} URLs (the equivalent of Confluent's {@code mock://}), so unit
 * tests get real registry behaviour without HTTP, and it is the store behind Lookout's
 * development registry server. Instances for a scope are shared within the JVM, like Confluent's
 * mock scopes. All methods are synchronised: a registry is written rarely and read through
 * {@link CachingSchemaRegistryClient}.
 */
public final class InMemorySchemaRegistry implements SchemaRegistryClient {

    private static final ConcurrentMap<String, InMemorySchemaRegistry> SCOPES = new ConcurrentHashMap<>();

    private final Map<String, Integer> idsByCanonicalForm = new HashMap<>();
    private final List<Schema> schemasById = new ArrayList<>();
    private final Map<String, List<Integer>> idsBySubject = new TreeMap<>();
    private final Map<String, CompatibilityLevel> subjectLevels = new HashMap<>();
    private CompatibilityLevel globalLevel = CompatibilityLevel.BACKWARD;

    /** The registry shared by every {@code mem://name} URL in this JVM. */
    public static InMemorySchemaRegistry scope(final String name) {
        return SCOPES.computeIfAbsent(name, ignored -> new InMemorySchemaRegistry());
    }

    /** Forgets a scope, so the next use of its URL starts empty. */
    public static void dropScope(final String name) {
        SCOPES.remove(name);
    }

    /**
     * Parses schema text the way the registry does on registration.
     *
     * @throws RegistryException with code 42201 when the text is not a valid Avro schema
     */
    public static Schema parse(final String schemaText) {
        if (schemaText == null || schemaText.isBlank()) {
            throw RegistryException.invalidSchema("(empty): the request must carry a \"schema\" string");
        }
        try {
            return new Schema.Parser().parse(schemaText);
        } catch (SchemaParseException | NullPointerException e) {
            throw RegistryException.invalidSchema(schemaText.length() > 200
                    ? schemaText.substring(0, 200) + "…: " + e.getMessage() : schemaText + ": " + e.getMessage());
        }
    }

    @Override
    public synchronized int register(final String subject, final Schema schema) {
        final String canonical = schema.toString();
        final List<Integer> versions = idsBySubject.getOrDefault(subject, List.of());
        for (final int id : versions) {
            if (schemaAt(id).toString().equals(canonical)) {
                return id;
            }
        }
        final List<String> problems = effectiveLevel(subject).problems(schema, schemasOf(versions));
        if (!problems.isEmpty()) {
            throw RegistryException.incompatible(subject, problems);
        }
        final int id = idsByCanonicalForm.computeIfAbsent(canonical, ignored -> {
            schemasById.add(schema);
            return schemasById.size();
        });
        idsBySubject.computeIfAbsent(subject, ignored -> new ArrayList<>()).add(id);
        return id;
    }

    @Override
    public synchronized RegisteredSchema lookup(final String subject, final Schema schema) {
        final List<Integer> versions = requireSubject(subject);
        final String canonical = schema.toString();
        for (int i = 0; i < versions.size(); i++) {
            final int id = versions.get(i);
            if (schemaAt(id).toString().equals(canonical)) {
                return new RegisteredSchema(subject, id, i + 1, schemaAt(id));
            }
        }
        throw RegistryException.schemaNotFound();
    }

    @Override
    public synchronized Schema schemaById(final int id) {
        if (id < 1 || id > schemasById.size()) {
            throw RegistryException.schemaNotFound(id);
        }
        return schemaAt(id);
    }

    @Override
    public synchronized List<String> subjects() {
        return List.copyOf(idsBySubject.keySet());
    }

    @Override
    public synchronized List<Integer> versions(final String subject) {
        final int count = requireSubject(subject).size();
        final List<Integer> numbers = new ArrayList<>(count);
        for (int v = 1; v <= count; v++) {
            numbers.add(v);
        }
        return numbers;
    }

    @Override
    public synchronized RegisteredSchema version(final String subject, final int version) {
        final List<Integer> versions = requireSubject(subject);
        if (version < 1) {
            throw RegistryException.invalidVersion(Integer.toString(version));
        }
        if (version > versions.size()) {
            throw RegistryException.versionNotFound(version);
        }
        final int id = versions.get(version - 1);
        return new RegisteredSchema(subject, id, version, schemaAt(id));
    }

    @Override
    public synchronized RegisteredSchema latest(final String subject) {
        return version(subject, requireSubject(subject).size());
    }

    @Override
    public synchronized CompatibilityCheck testCompatibility(final String subject, final String version,
                                                             final Schema schema) {
        final Schema against;
        if ("latest".equals(version) || "-1".equals(version)) {
            if (!idsBySubject.containsKey(subject)) {
                return new CompatibilityCheck(true, List.of());
            }
            against = latest(subject).schema();
        } else {
            against = version(subject, parseVersion(version)).schema();
        }
        final List<String> problems = nonTransitive(effectiveLevel(subject)).problems(schema, List.of(against));
        return new CompatibilityCheck(problems.isEmpty(), problems);
    }

    @Override
    public synchronized CompatibilityLevel globalCompatibility() {
        return globalLevel;
    }

    @Override
    public synchronized CompatibilityLevel setGlobalCompatibility(final CompatibilityLevel level) {
        globalLevel = level;
        return level;
    }

    @Override
    public synchronized Optional<CompatibilityLevel> subjectCompatibility(final String subject) {
        return Optional.ofNullable(subjectLevels.get(subject));
    }

    @Override
    public synchronized CompatibilityLevel setSubjectCompatibility(final String subject,
                                                                   final CompatibilityLevel level) {
        subjectLevels.put(subject, level);
        return level;
    }

    /**
     * Parses a version path segment as Confluent does: a positive integer, {@code latest} or -1.
     *
     * @throws RegistryException 42202 for anything else
     */
    public static int parseVersion(final String version) {
        try {
            final int parsed = Integer.parseInt(version);
            if (parsed >= 1) {
                return parsed;
            }
        } catch (NumberFormatException ignored) {
            // answered below with the registry's own error
        }
        throw RegistryException.invalidVersion(version);
    }

    private CompatibilityLevel effectiveLevel(final String subject) {
        return subjectLevels.getOrDefault(subject, globalLevel);
    }

    private static CompatibilityLevel nonTransitive(final CompatibilityLevel level) {
        return switch (level) {
            case BACKWARD_TRANSITIVE -> CompatibilityLevel.BACKWARD;
            case FORWARD_TRANSITIVE -> CompatibilityLevel.FORWARD;
            case FULL_TRANSITIVE -> CompatibilityLevel.FULL;
            default -> level;
        };
    }

    private List<Integer> requireSubject(final String subject) {
        final List<Integer> versions = idsBySubject.get(subject);
        if (versions == null) {
            throw RegistryException.subjectNotFound(subject);
        }
        return versions;
    }

    private List<Schema> schemasOf(final List<Integer> ids) {
        final List<Schema> schemas = new ArrayList<>(ids.size());
        for (final int id : ids) {
            schemas.add(schemaAt(id));
        }
        return schemas;
    }

    private Schema schemaAt(final int id) {
        return schemasById.get(id - 1);
    }
}
