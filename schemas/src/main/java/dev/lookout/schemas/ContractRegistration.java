package dev.lookout.schemas;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import dev.lookout.schemaregistry.CompatibilityLevel;
import dev.lookout.schemaregistry.RegistryException;
import dev.lookout.schemaregistry.SchemaRegistryClient;
import dev.lookout.schemaregistry.SchemaRegistryClient.CompatibilityCheck;
import dev.lookout.schemaregistry.SchemaRegistryClient.RegisteredSchema;

/**
 * Puts Lookout's contract ({@link EventContract}) into a team's schema registry, so that producers
 * configured with {@code auto.register.schemas=false} and {@code use.latest.version=true} find each
 * subject, and checks a registry against the contract for CI pipelines.
 *
 * <p>For each subject: a schema already registered there is left alone; otherwise the registry's
 * own compatibility endpoint tests the contract's schema against what is registered (every version
 * for a transitive mode, the latest otherwise), and only a compatible schema is registered. A
 * subject with no compatibility mode of its own gets the one the contract promises; a subject that
 * has one keeps it, since the registry's owners set it, and a mode that differs is reported.
 */
public final class ContractRegistration {

    /** What happened to one subject. */
    public enum Outcome {
        /** The contract's schema was already registered under the subject. */
        UNCHANGED,
        /** The schema was registered ({@code register}). */
        REGISTERED,
        /** The schema is compatible and would be registered ({@code --dry-run} or {@code check}). */
        COMPATIBLE,
        /** The schema breaks what the subject holds; nothing was registered. */
        INCOMPATIBLE
    }

    /**
     * The answer for one subject.
     *
     * @param version the subject's version of the contract's schema, or 0 when it is not registered
     * @param messages the registry's explanations of an incompatibility, and notes such as a
     *     compatibility mode that differs from the contract's
     */
    public record Result(EventContract contract, Outcome outcome, int id, int version, List<String> messages) {
        public Result {
            messages = List.copyOf(messages);
        }

        /** One line for a person: subject, outcome, id and version, then the messages. */
        public String describe() {
            final StringBuilder line = new StringBuilder(contract.valueSubject()).append(": ")
                    .append(outcome.name().toLowerCase());
            if (version > 0) {
                line.append(" (id ").append(id).append(", version ").append(version).append(')');
            }
            messages.forEach(message -> line.append("\n    ").append(message));
            return line.toString();
        }
    }

    private final SchemaRegistryClient registry;

    public ContractRegistration(final SchemaRegistryClient registry) {
        this.registry = registry;
    }

    /** Registers every subject of the contract that is compatible; registers nothing if {@code dryRun}. */
    public List<Result> register(final boolean dryRun) {
        final List<Result> results = new ArrayList<>();
        for (final EventContract contract : EventContract.values()) {
            results.add(registerOne(contract, dryRun));
        }
        return results;
    }

    /** Checks every subject of the contract; registers nothing. */
    public List<Result> check() {
        return register(true);
    }

    /** True when every result is compatible with the registry. */
    public static boolean allCompatible(final List<Result> results) {
        return results.stream().noneMatch(result -> result.outcome() == Outcome.INCOMPATIBLE);
    }

    private Result registerOne(final EventContract contract, final boolean dryRun) {
        final String subject = contract.valueSubject();
        final List<String> notes = new ArrayList<>();
        final Optional<CompatibilityLevel> level = registry.subjectCompatibility(subject);
        level.filter(configured -> configured != contract.compatibility()).ifPresent(configured ->
                notes.add("the subject's compatibility mode is " + configured + "; Lookout's contract promises "
                        + contract.compatibility()));
        final List<Integer> versions = versions(subject);
        if (!versions.isEmpty()) {
            final Optional<RegisteredSchema> existing = lookup(subject, contract);
            if (existing.isPresent()) {
                return new Result(contract, Outcome.UNCHANGED, existing.get().id(), existing.get().version(), notes);
            }
            final List<String> problems = problems(contract, versions);
            if (!problems.isEmpty()) {
                problems.addAll(notes);
                return new Result(contract, Outcome.INCOMPATIBLE, 0, 0, problems);
            }
        }
        if (dryRun) {
            if (level.isEmpty()) {
                notes.add("would set the subject's compatibility mode to " + contract.compatibility());
            }
            return new Result(contract, Outcome.COMPATIBLE, 0, 0, notes);
        }
        if (level.isEmpty()) {
            registry.setSubjectCompatibility(subject, contract.compatibility());
        }
        final int id;
        try {
            id = registry.register(subject, contract.valueSchema());
        } catch (RegistryException e) {
            if (e.errorCode() == RegistryException.INCOMPATIBLE_SCHEMA) {
                notes.add(0, e.getMessage());
                return new Result(contract, Outcome.INCOMPATIBLE, 0, 0, notes);
            }
            throw e;
        }
        final RegisteredSchema registered = registry.lookup(subject, contract.valueSchema());
        return new Result(contract, Outcome.REGISTERED, id, registered.version(), notes);
    }

    /** The registry's explanations of why the schema breaks the versions the contract's mode checks. */
    private List<String> problems(final EventContract contract, final List<Integer> versions) {
        final List<Integer> against = contract.compatibility().name().endsWith("_TRANSITIVE")
                ? versions : List.of(versions.get(versions.size() - 1));
        final List<String> problems = new ArrayList<>();
        for (final int version : against) {
            final CompatibilityCheck check = registry.testCompatibility(contract.valueSubject(),
                    Integer.toString(version), contract.valueSchema());
            if (!check.compatible()) {
                final List<String> messages = check.messages().isEmpty()
                        ? List.of("incompatible (the registry gave no reason)") : check.messages();
                messages.forEach(message -> problems.add("against version " + version + ": " + message));
            }
        }
        return problems;
    }

    private List<Integer> versions(final String subject) {
        try {
            return registry.versions(subject);
        } catch (RegistryException e) {
            if (e.errorCode() == RegistryException.SUBJECT_NOT_FOUND) {
                return List.of();
            }
            throw e;
        }
    }

    private Optional<RegisteredSchema> lookup(final String subject, final EventContract contract) {
        try {
            return Optional.of(registry.lookup(subject, contract.valueSchema()));
        } catch (RegistryException e) {
            if (e.errorCode() == RegistryException.SCHEMA_NOT_FOUND
                    || e.errorCode() == RegistryException.SUBJECT_NOT_FOUND) {
                return Optional.empty();
            }
            throw e;
        }
    }
}
