package dev.lookout.app.query;

import java.time.Instant;
import java.util.Map;

/**
 * One record of the dead-letter topic, with its headers decoded.
 *
 * @param id where it is: {@code <topic>/<partition>/<offset>}, as {@code lookout dlq show} takes it
 * @param timestamp the original record's timestamp, which the dead letter keeps
 * @param stage the step that rejected it ({@code lookout.dlq.stage})
 * @param reason why ({@code lookout.dlq.reason})
 * @param origin the input record it came from
 * @param exception the exception class (KIP-1034 {@code __streams.errors.exception})
 * @param message the exception's message
 * @param key the record key as UTF-8 text, or null
 * @param valueBytes the size of the original value
 * @param headers the original record's own headers (not the dead-letter ones), as text
 * @param redrive empty when it may be re-driven, else why not
 */
public record DeadLetterDto(String id, Instant timestamp, String stage, String reason, Origin origin,
                            String exception, String message, String key, int valueBytes,
                            Map<String, String> headers, String redrive) {

    /** The input record a dead letter came from. */
    public record Origin(String topic, Integer partition, Long offset, Instant timestamp) {
    }
}
