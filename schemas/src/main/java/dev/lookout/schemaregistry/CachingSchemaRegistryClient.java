package dev.lookout.schemaregistry;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.LongSupplier;

import org.apache.avro.Schema;

/**
 * Caches what never changes in a registry: the id of a schema under a subject, and the schema of
 * an id. The latest version of a subject can change, so it is cached for a configurable time
 * ({@code latest.cache.ttl.sec}; negative keeps it forever, as Confluent's client does).
 *
 * <p>Serdes call the registry on every record; with this cache only the first record of each
 * schema leaves the JVM.
 */
public final class CachingSchemaRegistryClient implements SchemaRegistryClient {

    private final SchemaRegistryClient delegate;
    private final ConcurrentMap<SubjectSchema, Integer> idsBySubjectSchema = new ConcurrentHashMap<>();
    private final ConcurrentMap<SubjectSchema, RegisteredSchema> lookups = new ConcurrentHashMap<>();
    private final ConcurrentMap<Integer, Schema> schemasById = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, Timed> latestBySubject = new ConcurrentHashMap<>();
    private final Duration latestTtl;
    private final LongSupplier nanoClock;

    public CachingSchemaRegistryClient(final SchemaRegistryClient delegate, final Duration latestTtl) {
        this(delegate, latestTtl, System::nanoTime);
    }

    CachingSchemaRegistryClient(final SchemaRegistryClient delegate, final Duration latestTtl,
                                final LongSupplier nanoClock) {
        this.delegate = delegate;
        this.latestTtl = latestTtl;
        this.nanoClock = nanoClock;
    }

    @Override
    public int register(final String subject, final Schema schema) {
        final SubjectSchema key = new SubjectSchema(subject, schema);
        final Integer cached = idsBySubjectSchema.get(key);
        if (cached != null) {
            return cached;
        }
        final int id = delegate.register(subject, schema);
        idsBySubjectSchema.put(key, id);
        schemasById.putIfAbsent(id, schema);
        return id;
    }

    @Override
    public RegisteredSchema lookup(final String subject, final Schema schema) {
        final SubjectSchema key = new SubjectSchema(subject, schema);
        final RegisteredSchema cached = lookups.get(key);
        if (cached != null) {
            return cached;
        }
        final RegisteredSchema found = delegate.lookup(subject, schema);
        lookups.put(key, found);
        idsBySubjectSchema.putIfAbsent(key, found.id());
        schemasById.putIfAbsent(found.id(), schema);
        return found;
    }

    @Override
    public Schema schemaById(final int id) {
        final Schema cached = schemasById.get(id);
        if (cached != null) {
            return cached;
        }
        final Schema schema = delegate.schemaById(id);
        schemasById.putIfAbsent(id, schema);
        return schema;
    }

    @Override
    public RegisteredSchema latest(final String subject) {
        final Timed cached = latestBySubject.get(subject);
        final long now = nanoClock.getAsLong();
        if (cached != null && (latestTtl.isNegative() || now - cached.loadedAtNanos() < latestTtl.toNanos())) {
            return cached.value();
        }
        final RegisteredSchema latest = delegate.latest(subject);
        latestBySubject.put(subject, new Timed(latest, now));
        schemasById.putIfAbsent(latest.id(), latest.schema());
        return latest;
    }

    @Override
    public List<String> subjects() {
        return delegate.subjects();
    }

    @Override
    public List<Integer> versions(final String subject) {
        return delegate.versions(subject);
    }

    @Override
    public RegisteredSchema version(final String subject, final int version) {
        return delegate.version(subject, version);
    }

    @Override
    public CompatibilityCheck testCompatibility(final String subject, final String version, final Schema schema) {
        return delegate.testCompatibility(subject, version, schema);
    }

    @Override
    public CompatibilityLevel globalCompatibility() {
        return delegate.globalCompatibility();
    }

    @Override
    public CompatibilityLevel setGlobalCompatibility(final CompatibilityLevel level) {
        return delegate.setGlobalCompatibility(level);
    }

    @Override
    public Optional<CompatibilityLevel> subjectCompatibility(final String subject) {
        return delegate.subjectCompatibility(subject);
    }

    @Override
    public CompatibilityLevel setSubjectCompatibility(final String subject, final CompatibilityLevel level) {
        return delegate.setSubjectCompatibility(subject, level);
    }

    @Override
    public void close() {
        delegate.close();
    }

    private record SubjectSchema(String subject, Schema schema) {
    }

    private record Timed(RegisteredSchema value, long loadedAtNanos) {
    }
}
