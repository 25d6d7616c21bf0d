package dev.lookout.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import dev.lookout.schemaregistry.CompatibilityLevel;
import org.apache.avro.Schema;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The build-time schema-evolution gate.
 *
 * <p>For every subject of the public contract, each version (the files under
 * {@code schemas/schema-history/<subject>/vN.avsc}, then the current schema compiled from
 * {@code src/main/avro}) must be compatible with all earlier versions in the mode the subject
 * promises ({@link EventContract#compatibility()}). A breaking edit fails {@code mvn verify} with a
 * message naming the subject, the versions and the field.
 */
class SchemaEvolutionGateTest {

    private static final Pattern VERSION_FILE = Pattern.compile("v(\\d+)\\.avsc");

    static Path historyDir() {
        return Path.of(System.getProperty("lookout.schemas.dir", ".")).resolve("schema-history");
    }

    /** Earlier versions of a subject, oldest first; empty when the subject has only its current version. */
    static List<Schema> history(final String subject) throws IOException {
        final Path dir = historyDir().resolve(subject);
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        final List<Path> files;
        try (Stream<Path> listing = Files.list(dir)) {
            files = listing.filter(p -> VERSION_FILE.matcher(p.getFileName().toString()).matches())
                    .sorted(Comparator.comparingInt(SchemaEvolutionGateTest::versionOf))
                    .toList();
        }
        for (int i = 0; i < files.size(); i++) {
            assertThat(versionOf(files.get(i)))
                    .as("%s: history files must be numbered v1, v2, ... without gaps", dir)
                    .isEqualTo(i + 1);
        }
        final List<Schema> schemas = new ArrayList<>();
        for (final Path file : files) {
            schemas.add(new Schema.Parser().parse(file.toFile()));
        }
        return schemas;
    }

    private static int versionOf(final Path file) {
        final Matcher matcher = VERSION_FILE.matcher(file.getFileName().toString());
        if (!matcher.matches()) {
            throw new IllegalArgumentException(file.toString());
        }
        return Integer.parseInt(matcher.group(1));
    }

    /** Checks a version sequence; returns one line per problem. */
    static List<String> gate(final String subject, final CompatibilityLevel level, final List<Schema> versions) {
        final List<String> problems = new ArrayList<>();
        for (int i = 1; i < versions.size(); i++) {
            final String name = i == versions.size() - 1 ? "v" + (i + 1) + " (current)" : "v" + (i + 1);
            for (final String problem : level.problems(versions.get(i), versions.subList(0, i))) {
                problems.add(subject + ": " + name + " breaks " + level + ": " + problem);
            }
        }
        return problems;
    }

    @TestFactory
    Stream<DynamicTest> everyVersionIsCompatibleWithAllEarlierOnesInThePromisedMode() {
        return Stream.of(EventContract.values()).map(contract -> DynamicTest.dynamicTest(contract.valueSubject(), () -> {
            final List<Schema> versions = new ArrayList<>(history(contract.valueSubject()));
            versions.add(contract.valueSchema());
            assertThat(gate(contract.valueSubject(), contract.compatibility(), versions))
                    .as("schema evolution gate for %s (edit the schema, or add only optional fields with defaults)",
                            contract.valueSubject())
                    .isEmpty();
        }));
    }

    @Test
    void userAndAuthFamiliesKeepARealEarlierVersion() throws IOException {
        assertThat(history(EventContract.USER_EVENTS.valueSubject())).isNotEmpty()
                .allSatisfy(v1 -> assertThat(v1).isNotEqualTo(EventContract.USER_EVENTS.valueSchema()));
        assertThat(history(EventContract.AUTH_EVENTS.valueSubject())).isNotEmpty()
                .allSatisfy(v1 -> assertThat(v1).isNotEqualTo(EventContract.AUTH_EVENTS.valueSchema()));
    }

    /** The current schema source with one edit applied, as a person would edit the .avsc file. */
    static Schema editedSource(final String file, final String from, final String to) throws IOException {
        final String source = Files.readString(historyDir().resolveSibling("src/main/avro").resolve(file));
        assertThat(source).as("the edit must apply to %s", file).contains(from);
        return new Schema.Parser().parse(source.replace(from, to));
    }

    @Test
    void shouldNameTheFieldWhenARequiredFieldIsAddedWithoutDefault() throws IOException {
        final Schema broken = editedSource("UserEvent.avsc",
                "{\"name\": \"email\", \"type\": \"string\"},\n            {\"name\": \"display_name\", \"type\": [\"null\", \"string\"], \"default\": null}",
                "{\"name\": \"email\", \"type\": \"string\"},\n            {\"name\": \"display_name\", \"type\": \"string\"}");
        final List<Schema> versions = new ArrayList<>(history(EventContract.USER_EVENTS.valueSubject()));
        versions.add(broken);

        final List<String> problems = gate("user-events-value", CompatibilityLevel.BACKWARD_TRANSITIVE, versions);

        assertThat(problems).singleElement().asString()
                .contains("user-events-value: v2 (current) breaks BACKWARD_TRANSITIVE")
                .contains("READER_FIELD_MISSING_DEFAULT_VALUE at UserEvent.payload[UserRegistered]")
                .contains("'display_name'");
    }

    @Test
    void shouldNameTheEnumWhenASymbolIsRemovedWithoutDefault() throws IOException {
        final Schema noDefault = editedSource("AuthEvent.avsc",
                "\"symbols\": [\"BAD_PASSWORD\", \"UNKNOWN_USER\", \"ACCOUNT_LOCKED\", \"MFA_FAILED\", \"OTHER\"],\n"
                        + "                \"default\": \"OTHER\"",
                "\"symbols\": [\"BAD_PASSWORD\", \"OTHER\"]");

        final List<String> problems = gate("auth-events-value", CompatibilityLevel.BACKWARD_TRANSITIVE,
                List.of(EventContract.AUTH_EVENTS.valueSchema(), noDefault));

        assertThat(problems).singleElement().asString()
                .contains("MISSING_ENUM_SYMBOLS at AuthEvent.payload[LoginFailed].reason")
                .contains("ACCOUNT_LOCKED");
    }

    @Test
    void shouldRefuseAnAlertFieldRemovedUnderFullTransitive() throws IOException {
        final Schema withoutCount = editedSource("SecurityAlert.avsc",
                "    {\"name\": \"failure_count\", \"type\": \"int\", \"doc\": \"Failures counted when the alert was raised.\"},\n",
                "");

        final List<String> problems = gate("security-alerts-value", CompatibilityLevel.FULL_TRANSITIVE,
                List.of(EventContract.SECURITY_ALERTS.valueSchema(), withoutCount));

        assertThat(problems).singleElement().asString()
                .contains("a reader using version 1 cannot read data written with the new schema")
                .contains("'failure_count'");
    }
}
