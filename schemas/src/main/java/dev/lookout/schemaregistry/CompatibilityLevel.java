package dev.lookout.schemaregistry;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.apache.avro.Schema;

/**
 * The compatibility modes of Confluent Schema Registry, enforced with Avro's own
 * {@link SchemaCompatibility} checker.
 *
 * <p>One implementation serves both the registry (which refuses incompatible registrations) and
 * the build-time evolution gate (which fails the build on a breaking edit), so the two can never
 * disagree.
 */
public enum CompatibilityLevel {
    NONE(false, false, false),
    BACKWARD(true, false, false),
    BACKWARD_TRANSITIVE(true, false, true),
    FORWARD(false, true, false),
    FORWARD_TRANSITIVE(false, true, true),
    FULL(true, true, false),
    FULL_TRANSITIVE(true, true, true);

    private final boolean backward;
    private final boolean forward;
    private final boolean transitive;

    CompatibilityLevel(final boolean backward, final boolean forward, final boolean transitive) {
        this.backward = backward;
        this.forward = forward;
        this.transitive = transitive;
    }

    /**
     * Parses a level case-insensitively, as the registry's REST API accepts it.
     *
     * @throws IllegalArgumentException naming the valid values
     */
    public static CompatibilityLevel parse(final String text) {
        if (text != null) {
            for (final CompatibilityLevel level : values()) {
                if (level.name().equalsIgnoreCase(text.trim())) {
                    return level;
                }
            }
        }
        throw new IllegalArgumentException("Invalid compatibility level '" + text + "'. Valid values are none, backward, "
                + "forward, full, backward_transitive, forward_transitive, and full_transitive");
    }

    /**
     * Checks a candidate schema against the schemas already registered, oldest first.
     *
     * @return one readable line per problem; empty when the candidate is compatible
     */
    public List<String> problems(final Schema candidate, final List<Schema> earlierOldestFirst) {
        final List<String> problems = new ArrayList<>();
        if (earlierOldestFirst.isEmpty() || this == NONE) {
            return problems;
        }
        final int from = transitive ? 0 : earlierOldestFirst.size() - 1;
        for (int i = from; i < earlierOldestFirst.size(); i++) {
            final Schema earlier = earlierOldestFirst.get(i);
            final String which = "version " + (i + 1);
            if (backward) {
                problems.addAll(describe(candidate, earlier,
                        "a reader using the new schema cannot read data written with " + which));
            }
            if (forward) {
                problems.addAll(describe(earlier, candidate,
                        "a reader using " + which + " cannot read data written with the new schema"));
            }
        }
        return problems;
    }

    /** Whether a registration of {@code candidate} would be accepted. */
    public boolean isCompatible(final Schema candidate, final List<Schema> earlierOldestFirst) {
        return problems(candidate, earlierOldestFirst).isEmpty();
    }

    /** The lower-case name used in the REST API's error messages. */
    public String lowerName() {
        return name().toLowerCase(Locale.ROOT);
    }

    private static List<String> describe(final Schema reader, final Schema writer, final String consequence) {
        final List<String> lines = new ArrayList<>();
        for (final String problem : SchemaPaths.problems(reader, writer)) {
            lines.add(problem + ": " + consequence);
        }
        return lines;
    }
}
