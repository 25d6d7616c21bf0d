package dev.lookout.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import dev.lookout.schemaregistry.CompatibilityLevel;
import dev.lookout.schemaregistry.InMemorySchemaRegistry;
import dev.lookout.schemas.ContractRegistration.Outcome;
import dev.lookout.schemas.ContractRegistration.Result;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

class ContractRegistrationTest {

    private final InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
    private final ContractRegistration registration = new ContractRegistration(registry);

    @Test
    void registersEverySubjectOfTheContractWithItsPromisedMode() {
        final List<Result> results = registration.register(false);

        assertThat(results).extracting(Result::outcome).containsOnly(Outcome.REGISTERED);
        assertThat(registry.subjects()).containsExactlyInAnyOrder("user-events-value", "content-events-value",
                "auth-events-value", "security-alerts-value");
        for (final EventContract contract : EventContract.values()) {
            assertThat(registry.latest(contract.valueSubject()).schema()).isEqualTo(contract.valueSchema());
            assertThat(registry.subjectCompatibility(contract.valueSubject())).contains(contract.compatibility());
        }
        assertThat(results).allSatisfy(result -> assertThat(result.version()).isEqualTo(1));
    }

    @Test
    void aSecondRunChangesNothing() {
        registration.register(false);

        final List<Result> again = registration.register(false);

        assertThat(again).extracting(Result::outcome).containsOnly(Outcome.UNCHANGED);
        for (final EventContract contract : EventContract.values()) {
            assertThat(registry.versions(contract.valueSubject())).containsExactly(1);
        }
    }

    @Test
    void aDryRunAndACheckRegisterNothing() {
        assertThat(registration.register(true)).extracting(Result::outcome).containsOnly(Outcome.COMPATIBLE);
        assertThat(registration.check()).extracting(Result::outcome).containsOnly(Outcome.COMPATIBLE);

        assertThat(registry.subjects()).isEmpty();
        assertThat(registry.subjectCompatibility("user-events-value")).isEmpty();
    }

    @Test
    void refusesAContractThatBreaksAnOlderVersionAndNamesTheField() {
        // An older user-events schema whose event_id is a number: today's string field cannot read it.
        final Schema older = new Schema.Parser().parse(EventContract.USER_EVENTS.valueSchema().toString()
                .replaceFirst("\\{\"name\":\"event_id\",\"type\":\\{\"type\":\"string\",\"avro.java.string\":\"String\"}",
                        "{\"name\":\"event_id\",\"type\":\"long\"")
                .replaceFirst("\\{\"name\":\"event_id\",\"type\":\"string\"", "{\"name\":\"event_id\",\"type\":\"long\""));
        assertThat(older.getField("event_id").schema().getType()).isEqualTo(Schema.Type.LONG);
        registry.register("user-events-value", older);

        final List<Result> checked = registration.check();
        final Result userEvents = checked.stream().filter(r -> r.contract() == EventContract.USER_EVENTS)
                .findFirst().orElseThrow();
        assertThat(userEvents.outcome()).isEqualTo(Outcome.INCOMPATIBLE);
        assertThat(String.join("\n", userEvents.messages())).contains("event_id").contains("version 1");
        assertThat(ContractRegistration.allCompatible(checked)).isFalse();

        final List<Result> registered = registration.register(false);
        assertThat(registered.stream().filter(r -> r.contract() == EventContract.USER_EVENTS).findFirst()
                .orElseThrow().outcome()).isEqualTo(Outcome.INCOMPATIBLE);
        assertThat(registry.versions("user-events-value")).as("nothing incompatible registered").containsExactly(1);
        assertThat(registry.subjectCompatibility("user-events-value")).as("an incompatible subject is left alone")
                .isEmpty();
        assertThat(registered).filteredOn(r -> r.contract() != EventContract.USER_EVENTS)
                .extracting(Result::outcome).containsOnly(Outcome.REGISTERED);
    }

    @Test
    void keepsAModeTheRegistryOwnersSetAndSaysItDiffers() {
        registry.setSubjectCompatibility("auth-events-value", CompatibilityLevel.NONE);

        final Result auth = registration.register(false).stream()
                .filter(r -> r.contract() == EventContract.AUTH_EVENTS).findFirst().orElseThrow();

        assertThat(auth.outcome()).isEqualTo(Outcome.REGISTERED);
        assertThat(registry.subjectCompatibility("auth-events-value")).contains(CompatibilityLevel.NONE);
        assertThat(auth.describe()).contains("NONE").contains("BACKWARD_TRANSITIVE");
    }
}
