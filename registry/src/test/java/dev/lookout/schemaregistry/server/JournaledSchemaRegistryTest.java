package dev.lookout.schemaregistry.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import dev.lookout.schemaregistry.CompatibilityLevel;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JournaledSchemaRegistryTest {

    private static final Schema A = new Schema.Parser().parse(
            "{\"type\":\"record\",\"name\":\"A\",\"fields\":[{\"name\":\"x\",\"type\":\"int\"}]}");
    private static final Schema B = new Schema.Parser().parse(
            "{\"type\":\"record\",\"name\":\"B\",\"fields\":[{\"name\":\"y\",\"type\":\"string\"}]}");

    @Test
    void shouldKeepIdsVersionsAndLevelsAcrossARestart(@TempDir final Path dir) {
        final Path journal = dir.resolve("schemas.jsonl");
        final int idA;
        final int idB;
        try (JournaledSchemaRegistry registry = JournaledSchemaRegistry.open(journal)) {
            registry.setSubjectCompatibility("b-value", CompatibilityLevel.FULL_TRANSITIVE);
            idA = registry.register("a-value", A);
            idB = registry.register("b-value", B);
            registry.register("a-value", A);
            registry.setGlobalCompatibility(CompatibilityLevel.NONE);
        }

        try (JournaledSchemaRegistry reopened = JournaledSchemaRegistry.open(journal)) {
            assertThat(reopened.schemaById(idA)).isEqualTo(A);
            assertThat(reopened.schemaById(idB)).isEqualTo(B);
            assertThat(reopened.versions("a-value")).containsExactly(1);
            assertThat(reopened.subjectCompatibility("b-value")).contains(CompatibilityLevel.FULL_TRANSITIVE);
            assertThat(reopened.globalCompatibility()).isEqualTo(CompatibilityLevel.NONE);
            assertThat(reopened.register("c-value", A)).as("same schema, same id").isEqualTo(idA);
        }
    }
}
