package dev.lookout.topology.deadletter;

import org.apache.kafka.common.header.Headers;

/**
 * A dead letter that a processor forwards itself, when no input record is being processed (an
 * expired parked event) or the original bytes are not at hand (a rejection after a repartition):
 * the re-serialised event and its headers.
 */
public record DeadLetter(byte[] key, byte[] value, Headers headers, long timestamp) {
}
