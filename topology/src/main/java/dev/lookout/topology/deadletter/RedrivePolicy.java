package dev.lookout.topology.deadletter;

import java.util.Map;
import java.util.Optional;
import java.util.Set;

import dev.lookout.topology.Names;

/**
 * Which dead letters may be re-driven to their input topic, and why the others may not.
 *
 * <p>A re-drive sends the same key and value bytes again. It helps only when the cause lay outside
 * the record and has been fixed: a schema that was missing from the registry, a post or user that
 * came too late, a bug in Lookout. When the cause is in the record itself, the same bytes fail the
 * same way again, so those reasons are refused unless forced.
 */
public final class RedrivePolicy {

    /** Reasons whose cause lies in the record: re-driving the same bytes would fail the same way. */
    private static final Map<String, String> REFUSED = Map.ofEntries(
            Map.entry(Reasons.BAD_MAGIC_BYTE, "the value is not in the registry's wire format; the same bytes "
                    + "would fail to decode again. Fix the producer and send the events again"),
            Map.entry(Reasons.TRUNCATED, "the value is cut short; the same bytes would fail to decode again"),
            Map.entry(Reasons.MALFORMED, "the value does not match its writer schema; the same bytes would fail "
                    + "to decode again"),
            Map.entry(Reasons.UNDECODABLE, "the value cannot be decoded; the same bytes would fail again"),
            Map.entry(Reasons.NULL_KEY, "the record has no key; it would be refused again. The producer must send "
                    + "the event again with its key"),
            Map.entry(Reasons.NULL_VALUE, "the record has no value, so there is nothing to apply"),
            Map.entry(Reasons.KEY_MISMATCH, "the key differs from the event's own id field; it would be refused "
                    + "again. The producer must send the event again with the right key"),
            Map.entry(Reasons.INVALID, "the event breaks the contract's rules; it would be refused again"),
            Map.entry(Reasons.LATE, "the event is older than the grace behind stream time, and stream time only "
                    + "moves on: it would be late again"));

    /** Reasons whose cause lies outside the record, and how to fix it before re-driving. */
    private static final Set<String> REDRIVABLE = Set.of(Reasons.UNKNOWN_SCHEMA_ID, Reasons.ORPHAN,
            Reasons.PARKING_FULL, Reasons.PROCESSING_ERROR);

    private RedrivePolicy() {
    }

    /**
     * Why a dead letter must not be re-driven, or empty when it may be.
     *
     * @param reason its {@link DeadLetterHeaders#REASON}
     * @param stage its {@link DeadLetterHeaders#STAGE}
     */
    public static Optional<String> refusal(final String reason, final String stage) {
        if (reason == null || stage == null) {
            return Optional.of("the record has no lookout.dlq.reason or lookout.dlq.stage header, so it is not a "
                    + "dead letter Lookout wrote");
        }
        final String refused = REFUSED.get(reason);
        if (refused != null) {
            return Optional.of(refused);
        }
        if (!REDRIVABLE.contains(reason)) {
            return Optional.of("unknown reason '" + reason + "'");
        }
        if (Reasons.PROCESSING_ERROR.equals(reason) && !beforeDedup(stage)
                && !Redelivery.APPLYING_STAGES.contains(stage)) {
            return Optional.of("the event passed dedup before " + stage + " failed on it, and only "
                    + String.join(", ", Redelivery.APPLYING_STAGES.stream().sorted().toList())
                    + " can apply an event that passed dedup: it would count as a duplicate");
        }
        return Optional.empty();
    }

    /** True for the stages an event passes before dedup, where a failure leaves nothing applied. */
    private static boolean beforeDedup(final String stage) {
        return stage.equals(DeadLetterDeserializationHandler.STAGE) || stage.equals(Names.USER_EVENTS_GUARD)
                || stage.equals(Names.CONTENT_EVENTS_GUARD) || stage.equals(Names.AUTH_EVENTS_GUARD);
    }
}
