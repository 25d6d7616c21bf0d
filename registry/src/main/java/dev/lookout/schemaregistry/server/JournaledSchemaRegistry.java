package dev.lookout.schemaregistry.server;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.lookout.schemaregistry.CompatibilityLevel;
import dev.lookout.schemaregistry.InMemorySchemaRegistry;
import dev.lookout.schemaregistry.SchemaRegistryClient;
import org.apache.avro.Schema;

/**
 * An {@link InMemorySchemaRegistry} whose changes are appended to a journal file and replayed on
 * start, so that schema ids survive a restart of the embedded system, as the records that carry
 * them survive in the broker's data directory. Replaying the same registrations in the same order
 * gives the same ids.
 *
 * <p>A development store: one JSON line per registration or configuration change, flushed on
 * every write.
 */
public final class JournaledSchemaRegistry implements SchemaRegistryClient {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
    private final BufferedWriter journal;

    private JournaledSchemaRegistry(final Path file) throws IOException {
        if (Files.exists(file)) {
            for (final String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (!line.isBlank()) {
                    replay(JSON.readTree(line));
                }
            }
        } else {
            Files.createDirectories(file.toAbsolutePath().getParent());
        }
        this.journal = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
    }

    /** Opens (and replays) the journal at {@code file}, creating it when missing. */
    public static JournaledSchemaRegistry open(final Path file) {
        try {
            return new JournaledSchemaRegistry(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open schema journal " + file, e);
        }
    }

    private void replay(final JsonNode entry) {
        final String subject = entry.path("subject").isTextual() ? entry.get("subject").asText() : null;
        switch (entry.path("op").asText()) {
            case "register" -> registry.register(subject, InMemorySchemaRegistry.parse(entry.get("schema").asText()));
            case "config" -> {
                final CompatibilityLevel level = CompatibilityLevel.parse(entry.get("level").asText());
                if (subject == null) {
                    registry.setGlobalCompatibility(level);
                } else {
                    registry.setSubjectCompatibility(subject, level);
                }
            }
            default -> throw new IllegalStateException("unknown journal entry " + entry);
        }
    }

    @Override
    public synchronized int register(final String subject, final Schema schema) {
        final int before = registry.subjects().contains(subject) ? registry.versions(subject).size() : 0;
        final int id = registry.register(subject, schema);
        final int after = registry.versions(subject).size();
        if (after > before) {
            write("register", subject, Map.of("schema", schema.toString()));
        }
        return id;
    }

    @Override
    public synchronized CompatibilityLevel setGlobalCompatibility(final CompatibilityLevel level) {
        registry.setGlobalCompatibility(level);
        write("config", null, Map.of("level", level.name()));
        return level;
    }

    @Override
    public synchronized CompatibilityLevel setSubjectCompatibility(final String subject, final CompatibilityLevel level) {
        registry.setSubjectCompatibility(subject, level);
        write("config", subject, Map.of("level", level.name()));
        return level;
    }

    private void write(final String op, final String subject, final Map<String, String> fields) {
        final Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("op", op);
        entry.put("subject", subject);
        entry.putAll(fields);
        try {
            journal.write(JSON.writeValueAsString(entry));
            journal.newLine();
            journal.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to the schema journal", e);
        }
    }

    @Override
    public RegisteredSchema lookup(final String subject, final Schema schema) {
        return registry.lookup(subject, schema);
    }

    @Override
    public Schema schemaById(final int id) {
        return registry.schemaById(id);
    }

    @Override
    public List<String> subjects() {
        return registry.subjects();
    }

    @Override
    public List<Integer> versions(final String subject) {
        return registry.versions(subject);
    }

    @Override
    public RegisteredSchema version(final String subject, final int version) {
        return registry.version(subject, version);
    }

    @Override
    public RegisteredSchema latest(final String subject) {
        return registry.latest(subject);
    }

    @Override
    public CompatibilityCheck testCompatibility(final String subject, final String version, final Schema schema) {
        return registry.testCompatibility(subject, version, schema);
    }

    @Override
    public CompatibilityLevel globalCompatibility() {
        return registry.globalCompatibility();
    }

    @Override
    public Optional<CompatibilityLevel> subjectCompatibility(final String subject) {
        return registry.subjectCompatibility(subject);
    }

    @Override
    public synchronized void close() {
        try {
            journal.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
