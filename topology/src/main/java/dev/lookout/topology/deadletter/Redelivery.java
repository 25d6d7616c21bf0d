package dev.lookout.topology.deadletter;

import java.nio.charset.StandardCharsets;
import java.util.Set;

import dev.lookout.topology.Names;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * A dead letter sent back to its input topic ("re-driven"), and how the topology applies it
 * exactly once.
 *
 * <p>A re-driven record carries {@value #REDRIVEN_FROM} (the dead letter's topic, partition and
 * offset, e.g. {@code lookout.dlq/3/1207}) and {@value #REDRIVEN_STAGE} (the stage that
 * dead-lettered it). The input's {@code Deduplicator} remembers each dead letter it has taken
 * back, next to the event ids, so re-driving the same dead letter twice applies it once. What it
 * does with the first re-drive depends on whether the event's id was seen before:
 * <ul>
 *   <li><b>Not seen</b>: the event never passed dedup (it was rejected while being read, e.g.
 *       {@code unknown-schema-id}). It is applied like any new event.</li>
 *   <li><b>Seen</b>: the event passed dedup and was applied up to the stage that dead-lettered it
 *       (e.g. a comment counted for its author, then {@code orphan} at {@code post-view}). It is
 *       marked {@value #APPLY_ONLY} with that stage, and every other stage lets it pass without
 *       applying it again. Only the stages in {@link #APPLYING_STAGES} can take such a record;
 *       for any other stage it is a duplicate.</li>
 * </ul>
 * A dead letter that is dead-lettered again (its post still missing) is a new dead letter at a new
 * offset, so it can be re-driven once more when its cause is fixed.
 */
public final class Redelivery {

    /** The dead letter a re-driven record came from: {@code <topic>/<partition>/<offset>}. */
    public static final String REDRIVEN_FROM = "lookout.redriven-from";
    /** The stage that dead-lettered a re-driven record ({@link DeadLetterHeaders#STAGE}). */
    public static final String REDRIVEN_STAGE = "lookout.redriven-stage";
    /**
     * Set by dedup only, never taken from input: the one stage that applies a re-driven event
     * whose earlier stages already applied it.
     */
    static final String APPLY_ONLY = "lookout.apply-only";

    /**
     * The stages that apply an event after dedup and check {@value #APPLY_ONLY}: the post view,
     * the user view (which also takes authored posts and comments) and the login detector, which
     * every later auth stage derives from.
     */
    public static final Set<String> APPLYING_STAGES = Set.of(Names.POST_VIEW, Names.USER_VIEW, Names.LOGIN_DETECTOR);

    private Redelivery() {
    }

    /** The dead letter a record was re-driven from, or null for a record that was not re-driven. */
    public static String redrivenFrom(final Headers headers) {
        return DeadLetterHeaders.text(headers, REDRIVEN_FROM);
    }

    /** The stage that dead-lettered a re-driven record, or null. */
    public static String redrivenStage(final Headers headers) {
        return DeadLetterHeaders.text(headers, REDRIVEN_STAGE);
    }

    /** The one stage that may apply the record, or null when every stage applies it. */
    public static String applyOnly(final Headers headers) {
        return DeadLetterHeaders.text(headers, APPLY_ONLY);
    }

    /** True when {@code stage} must let the record pass without applying it. */
    public static boolean skips(final Headers headers, final String stage) {
        final String only = applyOnly(headers);
        return only != null && !only.equals(stage);
    }

    /**
     * The headers without {@value #APPLY_ONLY}, so no input record can set it: the same instance
     * when it is absent (every record but a forged one), a copy otherwise.
     */
    public static Headers withoutApplyOnly(final Headers headers) {
        if (headers.lastHeader(APPLY_ONLY) == null) {
            return headers;
        }
        final Headers copy = new RecordHeaders(headers.toArray());
        copy.remove(APPLY_ONLY);
        return copy;
    }

    /** A copy of the headers that lets only {@code stage} apply the record. */
    public static Headers applyOnly(final Headers headers, final String stage) {
        final Headers copy = new RecordHeaders(headers.toArray());
        copy.remove(APPLY_ONLY);
        copy.add(APPLY_ONLY, stage.getBytes(StandardCharsets.UTF_8));
        return copy;
    }

    /** Headers that carry an {@value #APPLY_ONLY} mark on to a record a stage derives, or none. */
    public static Headers carry(final Headers from) {
        final String only = applyOnly(from);
        final Headers headers = new RecordHeaders();
        if (only != null) {
            headers.add(APPLY_ONLY, only.getBytes(StandardCharsets.UTF_8));
        }
        return headers;
    }
}
