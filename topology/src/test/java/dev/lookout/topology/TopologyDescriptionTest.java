package dev.lookout.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import dev.lookout.serde.AvroSerdeConfig;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TopologyConfig;
import org.apache.kafka.streams.errors.TopologyException;
import org.junit.jupiter.api.Test;

/**
 * The topology's shape is a contract with every deployed instance: store, changelog and
 * repartition names must not change by accident. The description is snapshot-tested, and no name
 * may be generated.
 *
 * <p>After an intended change, refresh the snapshot with
 * {@code mvn -pl topology test -Dtest=TopologyDescriptionTest -Dlookout.snapshot.update=true} and
 * review the diff: a renamed store or repartition needs an application reset (deploy/README.md).
 */
class TopologyDescriptionTest {

    private static final Path SNAPSHOT = Path.of(System.getProperty("lookout.topology.dir", "."))
            .resolve("src/test/resources/topology-description.txt");

    private static String describe() {
        final EventSerdes serdes = EventSerdes.create(Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, "mem://describe"));
        return LookoutTopology.build(TopologySettings.defaults(), serdes).describe().toString();
    }

    @Test
    void shouldMatchTheCommittedSnapshot() throws IOException {
        final String description = describe();
        if (Boolean.getBoolean("lookout.snapshot.update")) {
            Files.writeString(SNAPSHOT, description);
        }
        assertThat(description)
                .as("topology description; if the change is intended, refresh %s (see the class comment)", SNAPSHOT)
                .isEqualTo(Files.readString(SNAPSHOT));
    }

    @Test
    void shouldNameEveryNodeStoreAndTopic() {
        assertThat(describe()).doesNotContain("KSTREAM-").doesNotContain("KTABLE-").doesNotContain("KSTREAM_");
    }

    @Test
    void shouldBeDeterministic() {
        assertThat(describe()).isEqualTo(describe());
    }

    @Test
    void theBuilderRefusesAnUnnamedRepartition() {
        final StreamsBuilder builder = new StreamsBuilder(new TopologyConfig(new StreamsConfig(Map.of(
                StreamsConfig.APPLICATION_ID_CONFIG, "x", StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092",
                StreamsConfig.ENSURE_EXPLICIT_INTERNAL_RESOURCE_NAMING_CONFIG, true,
                StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true))));
        builder.stream("in", org.apache.kafka.streams.kstream.Consumed.with(Serdes.String(), Serdes.String()))
                .repartition();

        assertThatThrownBy(builder::build).isInstanceOf(TopologyException.class)
                .hasMessageContaining("repartition topic(s) has not been named");
    }
}
