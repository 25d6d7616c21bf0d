package dev.lookout.schemaregistry;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.Incompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.SchemaCompatibility.SchemaIncompatibilityType;

/**
 * Explains Avro incompatibilities in terms of field names.
 *
 * <p>Avro's checker reports a JSON-pointer location ({@code /fields/3/type/0/fields/1}); this class
 * turns it into a path of field and branch names
 * ({@code UserEvent.payload[UserRegistered].display_name}). Avro also reports a changed record
 * inside a union only as a missing union branch; this class looks inside the branch of the same
 * name and reports the real cause, so that a failed check names the field a person has to fix.
 */
final class SchemaPaths {

    private SchemaPaths() {
    }

    /** One readable line per incompatibility of reading {@code writer} data with {@code reader}. */
    static List<String> problems(final Schema reader, final Schema writer) {
        final Set<String> lines = new LinkedHashSet<>();
        collect(reader, writer, displayName(reader), lines);
        return new ArrayList<>(lines);
    }

    private static void collect(final Schema reader, final Schema writer, final String root, final Set<String> lines) {
        final var result = SchemaCompatibility.checkReaderWriterCompatibility(reader, writer).getResult();
        if (result.getCompatibility() == SchemaCompatibilityType.COMPATIBLE) {
            return;
        }
        for (final Incompatibility incompatibility : result.getIncompatibilities()) {
            final String path = path(reader, writer, incompatibility.getLocation(), root);
            final Schema writerBranch = writerBranch(incompatibility);
            final Schema readerBranch = sameNamedBranch(incompatibility, writerBranch);
            if (readerBranch != null) {
                collect(readerBranch, writerBranch, path, lines);
            } else {
                lines.add(incompatibility.getType() + " at " + path + " (" + detail(incompatibility) + ")");
            }
        }
    }

    /**
     * For "reader union lacking writer type" where the reader union does have a branch of the
     * writer's name, that branch: the branch exists but changed incompatibly.
     */
    private static Schema sameNamedBranch(final Incompatibility incompatibility, final Schema writerBranch) {
        final Schema readerUnion = incompatibility.getReaderFragment();
        if (incompatibility.getType() != SchemaIncompatibilityType.MISSING_UNION_BRANCH
                || readerUnion.getType() != Schema.Type.UNION || !isNamed(writerBranch)) {
            return null;
        }
        for (final Schema candidate : readerUnion.getTypes()) {
            if (isNamed(candidate) && candidate.getFullName().equals(writerBranch.getFullName())) {
                return candidate;
            }
        }
        return null;
    }

    /**
     * The writer branch a union incompatibility is about: Avro reports the whole writer union and
     * puts the branch index last in the location.
     */
    private static Schema writerBranch(final Incompatibility incompatibility) {
        final Schema writer = incompatibility.getWriterFragment();
        if (writer.getType() != Schema.Type.UNION) {
            return writer;
        }
        final String[] tokens = incompatibility.getLocation().split("/");
        final String last = tokens[tokens.length - 1];
        return last.matches("\\d+") ? writer.getTypes().get(Integer.parseInt(last)) : writer;
    }

    private static String detail(final Incompatibility incompatibility) {
        return switch (incompatibility.getType()) {
            case READER_FIELD_MISSING_DEFAULT_VALUE -> "field '" + incompatibility.getMessage()
                    + "' is missing in the writer and has no default value";
            case MISSING_ENUM_SYMBOLS -> "the reader enum lacks symbols " + incompatibility.getMessage()
                    + " and declares no default";
            case TYPE_MISMATCH -> "reader type " + incompatibility.getReaderFragment().getType()
                    + " cannot read writer type " + incompatibility.getWriterFragment().getType();
            default -> incompatibility.getMessage();
        };
    }

    /**
     * Walks reader and writer along the location as Avro's checker does: record fields are
     * indexed in the reader, union indexes refer to the writer's branches.
     */
    static String path(final Schema reader, final Schema writer, final String location, final String root) {
        final StringBuilder names = new StringBuilder(root);
        Schema r = reader;
        Schema w = writer;
        final String[] tokens = location.split("/");
        for (int i = 0; i < tokens.length; i++) {
            final String token = tokens[i];
            if (token.equals("fields") && i + 1 < tokens.length && r != null && r.getType() == Schema.Type.RECORD) {
                final Schema.Field field = r.getFields().get(Integer.parseInt(tokens[++i]));
                names.append('.').append(field.name());
                final Schema.Field writerField = w != null && w.getType() == Schema.Type.RECORD
                        ? w.getField(field.name()) : null;
                r = field.schema();
                w = writerField == null ? null : writerField.schema();
            } else if (token.matches("\\d+") && w != null && w.getType() == Schema.Type.UNION) {
                w = w.getTypes().get(Integer.parseInt(token));
                names.append('[').append(displayName(w)).append(']');
                r = r != null && r.getType() == Schema.Type.UNION ? null : r;
            } else if (token.equals("items") && r != null && r.getType() == Schema.Type.ARRAY) {
                names.append("[]");
                r = r.getElementType();
                w = w != null && w.getType() == Schema.Type.ARRAY ? w.getElementType() : null;
            } else if (token.equals("values") && r != null && r.getType() == Schema.Type.MAP) {
                names.append("{}");
                r = r.getValueType();
                w = w != null && w.getType() == Schema.Type.MAP ? w.getValueType() : null;
            }
        }
        return names.toString();
    }

    private static boolean isNamed(final Schema schema) {
        return switch (schema.getType()) {
            case RECORD, ENUM, FIXED -> true;
            default -> false;
        };
    }

    private static String displayName(final Schema schema) {
        return isNamed(schema) ? schema.getName() : schema.getType().getName();
    }
}
