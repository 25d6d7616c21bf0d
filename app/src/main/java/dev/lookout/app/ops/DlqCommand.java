package dev.lookout.app.ops;

import java.io.PrintWriter;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import dev.lookout.app.config.KafkaOptions;
import dev.lookout.app.kafka.KafkaDeadLetters;
import dev.lookout.app.query.DeadLetterAdmin;
import dev.lookout.app.query.DeadLetterDto;
import dev.lookout.app.query.DeadLetterFilter;
import dev.lookout.app.query.RedriveReport;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code lookout dlq list|show|redrive}: inspect the dead-letter topic, and send dead letters back
 * to their input topic once their cause is fixed. A re-drive is safe to repeat: each dead letter
 * is applied at most once.
 */
@Command(name = "dlq", mixinStandardHelpOptions = true,
        description = "Inspect dead letters (lookout.dlq) and re-drive them to their input topic.",
        subcommands = {DlqCommand.ListLetters.class, DlqCommand.Show.class, DlqCommand.Redrive.class})
public final class DlqCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    /** Without a subcommand: says which there are. */
    @Override
    public Integer call() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing subcommand: list, show or redrive");
    }

    private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    /** Which dead letters: the filter options every subcommand shares. */
    static final class FilterOptions {

        @Option(names = "--reason", description = "Only this reason, e.g. orphan, unknown-schema-id, late.")
        private String reason;

        @Option(names = "--stage", description = "Only this stage, e.g. deserialize, post-view, user-view.")
        private String stage;

        @Option(names = "--origin-topic", description = "Only dead letters read from this input topic.")
        private String originTopic;

        @Option(names = "--from", paramLabel = "INSTANT", description = "Only records whose original timestamp is at or after this ISO-8601 instant, e.g. 2026-12-01T00:00:00Z.")
        private String from;

        @Option(names = "--to", paramLabel = "INSTANT", description = "Only records whose original timestamp is before this ISO-8601 instant.")
        private String to;

        DeadLetterFilter filter(final CommandSpec spec) {
            return new DeadLetterFilter(reason, stage, originTopic, instant(spec, "--from", from),
                    instant(spec, "--to", to));
        }

        private static Instant instant(final CommandSpec spec, final String option, final String text) {
            if (text == null) {
                return null;
            }
            try {
                return Instant.parse(text);
            } catch (DateTimeParseException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), "Invalid value '" + text + "' for "
                        + option + ": use an ISO-8601 instant such as 2026-12-01T00:00:00Z");
            }
        }
    }

    /** What list and redrive take: the cluster, and which dead letters. */
    abstract static class FilteredCommand implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Mixin
        KafkaOptions kafka;

        @Mixin
        FilterOptions filter;
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List dead letters, newest first.")
    static final class ListLetters extends FilteredCommand {

        @Option(names = "--limit", defaultValue = "100", description = "At most this many (default: ${DEFAULT-VALUE}).")
        private int limit;

        @Option(names = "--json", description = "One JSON object per line.")
        private boolean json;

        @Override
        public Integer call() {
            final DeadLetterAdmin letters = admin(spec, kafka);
            final List<DeadLetterDto> found = letters.newest(filter.filter(spec), Math.max(1, limit));
            final PrintWriter out = spec.commandLine().getOut();
            for (final DeadLetterDto letter : found) {
                out.println(json ? json(letter) : line(letter));
            }
            if (!json) {
                out.println(found.size() + " dead letter(s)");
            }
            out.flush();
            return 0;
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "Show one dead letter, with its stack trace and value.")
    static final class Show implements Callable<Integer> {

        @Spec
        private CommandSpec spec;

        @Mixin
        private KafkaOptions kafka;

        @Parameters(paramLabel = "ID", description = "The dead letter: lookout.dlq/<partition>/<offset>, as list prints it.")
        private String id;

        @Override
        public Integer call() {
            final Optional<DeadLetterAdmin.Shown> shown;
            try {
                shown = admin(spec, kafka).show(id);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
            }
            final PrintWriter out = spec.commandLine().getOut();
            if (shown.isEmpty()) {
                spec.commandLine().getErr().println("No dead letter " + id);
                spec.commandLine().getErr().flush();
                return 1;
            }
            out.println(json(shown.get()));
            out.flush();
            return 0;
        }
    }

    @Command(name = "redrive", mixinStandardHelpOptions = true,
            description = "Send matching dead letters back to their input topic (original key, value, headers and "
                    + "partition, plus lookout.redriven-from). Reasons that would fail the same way again are "
                    + "refused unless --force. Safe to repeat: each dead letter is applied at most once.")
    static final class Redrive extends FilteredCommand {

        @Option(names = "--limit", defaultValue = "10000", description = "At most this many, oldest first (default: ${DEFAULT-VALUE}).")
        private int limit;

        @Option(names = "--force", description = "Also send the reasons that are refused because they would fail the same way again.")
        private boolean force;

        @Option(names = "--dry-run", description = "Only report what would be sent.")
        private boolean dryRun;

        @Override
        public Integer call() {
            final RedriveReport report = admin(spec, kafka).redrive(filter.filter(spec), Math.max(1, limit), force,
                    dryRun);
            final PrintWriter out = spec.commandLine().getOut();
            final String verb = report.dryRun() ? "would send " : "sent ";
            report.sent().forEach(sent -> out.println(verb + sent.deadLetter() + " (" + sent.reason() + ") -> "
                    + sent.to()));
            report.refused().forEach(refused -> out.println("refused " + refused.deadLetter() + " ("
                    + refused.reason() + "): " + refused.why()));
            out.println((report.dryRun() ? "would send " : "sent ") + report.sent().size() + ", refused "
                    + report.refused().size());
            out.flush();
            return report.refused().isEmpty() ? 0 : 1;
        }
    }

    private static DeadLetterAdmin admin(final CommandSpec spec, final KafkaOptions kafka) {
        return new KafkaDeadLetters(kafka.client("by lookout dlq " + spec.name()));
    }

    private static String line(final DeadLetterDto letter) {
        final DeadLetterDto.Origin origin = letter.origin();
        return String.join("  ", letter.id(), String.valueOf(letter.timestamp()), letter.reason(), letter.stage(),
                origin == null ? "-" : origin.topic() + "/" + origin.partition() + "/" + origin.offset(),
                letter.redrive() == null ? "re-drivable" : "not re-drivable",
                letter.message() == null ? "" : letter.message());
    }

    private static String json(final Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
