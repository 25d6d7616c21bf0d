package dev.lookout.app.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;

import dev.lookout.app.config.LookoutCommand;
import dev.lookout.schemaregistry.InMemorySchemaRegistry;
import dev.lookout.schemaregistry.server.SchemaRegistryServer;
import dev.lookout.schemas.EventContract;
import org.apache.avro.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code lookout schemas register|check} against Lookout's development registry server over HTTP,
 * the registry's own compatibility endpoint deciding.
 */
class SchemasCommandTest {

    private final SchemaRegistryServer server = SchemaRegistryServer.start("localhost", 0, new InMemorySchemaRegistry());
    private String out = "";
    private String err = "";

    @AfterEach
    void stop() {
        server.close();
    }

    private int lookout(final Map<String, String> environment, final String... args) {
        final picocli.CommandLine commandLine = LookoutCommand.commandLine(config -> 0, demo -> 0, args, environment);
        final StringWriter outText = new StringWriter();
        final StringWriter errText = new StringWriter();
        commandLine.setOut(new PrintWriter(outText));
        commandLine.setErr(new PrintWriter(errText));
        final int code = commandLine.execute(args);
        out = outText.toString();
        err = errText.toString();
        return code;
    }

    private String url() {
        return server.url().toString();
    }

    @Test
    void registersTheContractUnderTheSubjectsProducersUseAndThenChangesNothing() {
        assertThat(lookout(Map.of(), "schemas", "register", "--dry-run", "--schema-registry-url", url()))
                .as(err).isZero();
        assertThat(out).contains("user-events-value: compatible");
        assertThat(server.registry().subjects()).as("a dry run registers nothing").isEmpty();

        assertThat(lookout(Map.of(), "schemas", "register", "--schema-registry-url", url())).as(err).isZero();
        assertThat(out).contains("user-events-value: registered (id ").contains("content-events-value: registered")
                .contains("auth-events-value: registered").contains("security-alerts-value: registered");
        for (final EventContract contract : EventContract.values()) {
            assertThat(server.registry().latest(contract.valueSubject()).schema()).isEqualTo(contract.valueSchema());
        }

        assertThat(lookout(Map.of("LOOKOUT_SCHEMA_REGISTRY_URL", url()), "schemas", "check")).as(err).isZero();
        assertThat(out).contains("user-events-value: unchanged (id ");
    }

    @Test
    void failsOnAnIncompatibleOlderVersionWithTheRegistrysReasonNamingTheField() {
        final Schema older = Schema.createRecord("UserEvent", null, "dev.lookout.events", false,
                java.util.List.of(new Schema.Field("event_id", Schema.create(Schema.Type.LONG), null, (Object) null)));
        server.registry().register("user-events-value", older);

        assertThat(lookout(Map.of(), "schemas", "check", "--schema-registry-url", url()))
                .isEqualTo(SchemasCommand.INCOMPATIBLE);
        assertThat(out).contains("user-events-value: incompatible").contains("event_id");

        assertThat(lookout(Map.of(), "schemas", "register", "--schema-registry-url", url()))
                .isEqualTo(SchemasCommand.INCOMPATIBLE);
        assertThat(out).contains("user-events-value: incompatible").contains("event_id")
                .contains("auth-events-value: registered");
        assertThat(err).contains("nothing incompatible was registered");
        assertThat(server.registry().versions("user-events-value")).containsExactly(1);
    }

    @Test
    void namesTheMissingRegistryAndAnUnreachableOne() {
        assertThat(lookout(Map.of(), "schemas", "check")).isEqualTo(2);
        assertThat(err).contains("--schema-registry-url").contains("LOOKOUT_SCHEMA_REGISTRY_URL");

        assertThat(lookout(Map.of(), "schemas", "check", "--schema-registry-url", "http://localhost:1",
                "--kafka", "max.retries=0")).isEqualTo(SchemasCommand.REGISTRY_ERROR);
        assertThat(err).contains("Schema registry error").contains("localhost:1");
    }
}
