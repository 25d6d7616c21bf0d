package dev.lookout.schemaregistry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class InMemorySchemaRegistryTest {

    private final InMemorySchemaRegistry registry = new InMemorySchemaRegistry();

    static Schema record(final String fields) {
        return new Schema.Parser().parse("{\"type\":\"record\",\"name\":\"R\",\"fields\":[" + fields + "]}");
    }

    static final Schema A = record("{\"name\":\"a\",\"type\":\"int\"}");
    static final Schema A_WITH_DEFAULT = record("{\"name\":\"a\",\"type\":\"int\",\"default\":0}");
    static final Schema A_AND_OPTIONAL_B = record(
            "{\"name\":\"a\",\"type\":\"int\"},{\"name\":\"b\",\"type\":\"int\",\"default\":1}");
    static final Schema A_AND_REQUIRED_B = record("{\"name\":\"a\",\"type\":\"int\"},{\"name\":\"b\",\"type\":\"int\"}");
    static final Schema ONLY_B = record("{\"name\":\"b\",\"type\":\"int\"}");
    static final Schema ONLY_OPTIONAL_B = record("{\"name\":\"b\",\"type\":\"int\",\"default\":0}");
    static final Schema BOTH_OPTIONAL = record(
            "{\"name\":\"a\",\"type\":\"int\",\"default\":0},{\"name\":\"b\",\"type\":\"int\",\"default\":0}");

    @Test
    void shouldGiveTheSameIdToTheSameSchemaAcrossSubjects() {
        final int first = registry.register("a-value", A);
        final int again = registry.register("a-value", new Schema.Parser().parse(A.toString()));
        final int elsewhere = registry.register("b-value", A);

        assertThat(again).isEqualTo(first);
        assertThat(elsewhere).isEqualTo(first);
        assertThat(registry.versions("a-value")).containsExactly(1);
        assertThat(registry.subjects()).containsExactly("a-value", "b-value");
        assertThat(registry.schemaById(first)).isEqualTo(A);
    }

    @Test
    void shouldNumberVersionsAndFindThemByLookup() {
        registry.register("s", A);
        final int second = registry.register("s", A_AND_OPTIONAL_B);

        assertThat(registry.latest("s").version()).isEqualTo(2);
        assertThat(registry.latest("s").id()).isEqualTo(second);
        assertThat(registry.version("s", 1).schema()).isEqualTo(A);
        assertThat(registry.lookup("s", A_AND_OPTIONAL_B).version()).isEqualTo(2);
    }

    @Test
    void shouldAnswerWithConfluentsErrorCodes() {
        registry.register("s", A);

        assertThatThrownBy(() -> registry.versions("missing")).isInstanceOfSatisfying(RegistryException.class,
                e -> assertThat(e.errorCode()).isEqualTo(40401));
        assertThatThrownBy(() -> registry.version("s", 9)).isInstanceOfSatisfying(RegistryException.class,
                e -> assertThat(e.errorCode()).isEqualTo(40402));
        assertThatThrownBy(() -> registry.schemaById(77)).isInstanceOfSatisfying(RegistryException.class,
                e -> assertThat(e.errorCode()).isEqualTo(40403));
        assertThatThrownBy(() -> registry.lookup("s", ONLY_B)).isInstanceOfSatisfying(RegistryException.class,
                e -> assertThat(e.errorCode()).isEqualTo(40403));
        assertThatThrownBy(() -> InMemorySchemaRegistry.parseVersion("0")).isInstanceOfSatisfying(
                RegistryException.class, e -> assertThat(e.errorCode()).isEqualTo(42202));
        assertThatThrownBy(() -> InMemorySchemaRegistry.parse("{\"type\":\"recrd\"}")).isInstanceOfSatisfying(
                RegistryException.class, e -> {
                    assertThat(e.errorCode()).isEqualTo(42201);
                    assertThat(e.httpStatus()).isEqualTo(422);
                });
    }

    @Test
    void shouldRefuseAnIncompatibleRegistrationWith409AndNameTheField() {
        registry.register("s", A);

        assertThatThrownBy(() -> registry.register("s", A_AND_REQUIRED_B))
                .isInstanceOfSatisfying(RegistryException.class, e -> {
                    assertThat(e.errorCode()).isEqualTo(409);
                    assertThat(e.httpStatus()).isEqualTo(409);
                    assertThat(e.getMessage()).contains("READER_FIELD_MISSING_DEFAULT_VALUE").contains("'b'");
                });
        assertThat(registry.versions("s")).containsExactly(1);
    }

    /**
     * Each row registers three versions under one mode; the last column says whether the third is
     * accepted. The rows separate each transitive mode from its non-transitive twin.
     */
    @ParameterizedTest(name = "{0}: v3 accepted = {4}")
    @CsvSource({
        "NONE,                A,      A_AND_OPTIONAL_B, ONLY_B,           true",
        "BACKWARD,            A,      A_AND_OPTIONAL_B, ONLY_B,           true",
        "BACKWARD_TRANSITIVE, A,      A_AND_OPTIONAL_B, ONLY_B,           false",
        "FORWARD,             A,      A_WITH_DEFAULT,   ONLY_B,           true",
        "FORWARD_TRANSITIVE,  A,      A_WITH_DEFAULT,   ONLY_B,           false",
        "FULL,                A,      BOTH_OPTIONAL,    ONLY_OPTIONAL_B,  true",
        "FULL_TRANSITIVE,     A,      BOTH_OPTIONAL,    ONLY_OPTIONAL_B,  false",
    })
    void shouldEnforceEachCompatibilityMode(final String level, final String v1, final String v2, final String v3,
                                            final boolean accepted) {
        registry.setSubjectCompatibility("s", CompatibilityLevel.parse(level));
        registry.register("s", named(v1));
        registry.register("s", named(v2));

        if (accepted) {
            registry.register("s", named(v3));
            assertThat(registry.versions("s")).hasSize(3);
        } else {
            assertThatThrownBy(() -> registry.register("s", named(v3)))
                    .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.errorCode()).isEqualTo(409));
        }
    }

    @Test
    void shouldRefuseRequiredFieldUnderBackwardButAcceptItUnderForward() {
        registry.setSubjectCompatibility("backward", CompatibilityLevel.BACKWARD);
        registry.setSubjectCompatibility("forward", CompatibilityLevel.FORWARD);
        registry.register("backward", A);
        registry.register("forward", A);

        assertThat(registry.testCompatibility("backward", "latest", A_AND_REQUIRED_B).compatible()).isFalse();
        assertThat(registry.testCompatibility("forward", "1", A_AND_REQUIRED_B).compatible()).isTrue();
    }

    @Test
    void shouldTreatAMissingSubjectAsCompatibleWithLatest() {
        assertThat(registry.testCompatibility("nothing-yet", "latest", A))
                .isEqualTo(new SchemaRegistryClient.CompatibilityCheck(true, List.of()));
    }

    @Test
    void shouldFallBackToTheGlobalLevel() {
        assertThat(registry.globalCompatibility()).isEqualTo(CompatibilityLevel.BACKWARD);
        assertThat(registry.subjectCompatibility("s")).isEmpty();

        registry.setGlobalCompatibility(CompatibilityLevel.NONE);
        registry.register("s", A);
        registry.register("s", ONLY_B);

        assertThat(registry.versions("s")).containsExactly(1, 2);
    }

    @Test
    void shouldShareAScopeWithinTheJvmUntilDropped() {
        final InMemorySchemaRegistry scoped = InMemorySchemaRegistry.scope("shared-test");
        scoped.register("s", A);

        assertThat(InMemorySchemaRegistry.scope("shared-test").versions("s")).containsExactly(1);
        InMemorySchemaRegistry.dropScope("shared-test");
        assertThat(InMemorySchemaRegistry.scope("shared-test").subjects()).isEmpty();
        InMemorySchemaRegistry.dropScope("shared-test");
    }

    private static Schema named(final String name) {
        return switch (name) {
            case "A" -> A;
            case "A_WITH_DEFAULT" -> A_WITH_DEFAULT;
            case "A_AND_OPTIONAL_B" -> A_AND_OPTIONAL_B;
            case "ONLY_B" -> ONLY_B;
            case "ONLY_OPTIONAL_B" -> ONLY_OPTIONAL_B;
            case "BOTH_OPTIONAL" -> BOTH_OPTIONAL;
            default -> throw new IllegalArgumentException(name);
        };
    }
}
