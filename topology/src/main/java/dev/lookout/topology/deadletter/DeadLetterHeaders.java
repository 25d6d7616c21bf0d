package dev.lookout.topology.deadletter;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

import dev.lookout.internal.AuthEnvelope;
import dev.lookout.internal.AuthorActivity;
import dev.lookout.internal.IpFeed;
import dev.lookout.internal.Origin;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * The headers of a dead letter in {@code lookout.dlq}.
 *
 * <p>Every dead letter carries Kafka's KIP-1034 headers ({@code __streams.errors.exception},
 * {@code .message}, {@code .topic}, {@code .partition}, {@code .offset}, and for exceptions
 * {@code .stacktrace}) plus Lookout's:
 * <ul>
 *   <li>{@value #STAGE}: the step that rejected the record, e.g. {@code deserialize},
 *       {@code user-events-guard}, {@code user-view};</li>
 *   <li>{@value #REASON}: why, e.g. {@code late}, {@code key-mismatch}, {@code orphan};</li>
 *   <li>{@value #ORIGIN_TOPIC}, {@value #ORIGIN_PARTITION}, {@value #ORIGIN_OFFSET},
 *       {@value #ORIGIN_TIMESTAMP}: the input record, also when it was rejected after a
 *       repartition.</li>
 * </ul>
 */
public final class DeadLetterHeaders {

    public static final String STAGE = "lookout.dlq.stage";
    public static final String REASON = "lookout.dlq.reason";
    public static final String ORIGIN_TOPIC = "lookout.dlq.origin.topic";
    public static final String ORIGIN_PARTITION = "lookout.dlq.origin.partition";
    public static final String ORIGIN_OFFSET = "lookout.dlq.origin.offset";
    public static final String ORIGIN_TIMESTAMP = "lookout.dlq.origin.timestamp";

    // Kafka's KIP-1034 header names (org.apache.kafka.streams.errors.internals.ExceptionHandlerUtils).
    public static final String ERROR_EXCEPTION = "__streams.errors.exception";
    public static final String ERROR_MESSAGE = "__streams.errors.message";
    public static final String ERROR_STACKTRACE = "__streams.errors.stacktrace";
    public static final String ERROR_TOPIC = "__streams.errors.topic";
    public static final String ERROR_PARTITION = "__streams.errors.partition";
    public static final String ERROR_OFFSET = "__streams.errors.offset";

    private DeadLetterHeaders() {
    }

    /** Adds Lookout's headers to a dead letter's headers. */
    public static void addLookoutHeaders(final Headers headers, final String stage, final String reason,
                                         final Origin origin) {
        put(headers, STAGE, stage);
        put(headers, REASON, reason);
        put(headers, ORIGIN_TOPIC, origin.getTopic());
        put(headers, ORIGIN_PARTITION, Integer.toString(origin.getPartition()));
        put(headers, ORIGIN_OFFSET, Long.toString(origin.getOffset()));
        put(headers, ORIGIN_TIMESTAMP, Long.toString(origin.getTimestamp()));
    }

    /**
     * All headers of a dead letter that a processor writes itself (not an exception handler): the
     * KIP-1034 ones, filled from the origin, and Lookout's.
     */
    public static Headers forRejection(final String stage, final String reason, final Origin origin,
                                       final String exceptionClass, final String message) {
        final Headers headers = new RecordHeaders();
        put(headers, ERROR_EXCEPTION, exceptionClass);
        put(headers, ERROR_MESSAGE, message);
        put(headers, ERROR_TOPIC, origin.getTopic());
        put(headers, ERROR_PARTITION, Integer.toString(origin.getPartition()));
        put(headers, ERROR_OFFSET, Long.toString(origin.getOffset()));
        addLookoutHeaders(headers, stage, reason, origin);
        return headers;
    }

    /** The origin a Lookout envelope carries through a repartition, if the value is one. */
    public static Optional<Origin> carriedOrigin(final Object value) {
        if (value instanceof AuthorActivity activity) {
            return Optional.of(activity.getOrigin());
        }
        if (value instanceof AuthEnvelope envelope) {
            return Optional.of(envelope.getOrigin());
        }
        if (value instanceof IpFeed feed && feed.getFailure() != null) {
            return Optional.of(feed.getFailure().getOrigin());
        }
        return Optional.empty();
    }

    /** A header's value as text, or null. */
    public static String text(final Headers headers, final String name) {
        final Header header = headers.lastHeader(name);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private static void put(final Headers headers, final String name, final String value) {
        headers.remove(name);
        headers.add(name, value == null ? null : value.getBytes(StandardCharsets.UTF_8));
    }
}
