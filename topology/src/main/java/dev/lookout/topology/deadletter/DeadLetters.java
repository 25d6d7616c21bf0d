package dev.lookout.topology.deadletter;

import java.nio.charset.StandardCharsets;

import dev.lookout.events.AuthEvent;
import dev.lookout.events.ContentEvent;
import dev.lookout.events.UserEvent;
import dev.lookout.internal.Origin;
import dev.lookout.topology.Emitted;
import dev.lookout.topology.LookoutCounters;
import dev.lookout.topology.Names;
import dev.lookout.topology.Topics;
import dev.lookout.topology.ingest.EventShape;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Dead letters that processors write themselves: the event re-serialised in its topic's format,
 * under its original key, with the headers of {@link DeadLetterHeaders} naming the original
 * record.
 */
public final class DeadLetters {

    private final Topics topics;

    public DeadLetters(final Topics topics) {
        this.topics = topics;
    }

    /** A dead letter for an input event (a {@code UserEvent}, {@code ContentEvent} or {@code AuthEvent}). */
    public DeadLetter of(final Object event, final Origin origin, final String stage, final String reason,
                         final String message) {
        final Headers headers = DeadLetterHeaders.forRejection(stage, reason, origin,
                RejectedRecordException.class.getName(), message);
        final String key;
        final byte[] value;
        if (event instanceof UserEvent user) {
            key = user.getUserId();
            value = topics.userEvents().valueSerde().serializer().serialize(topics.userEvents().name(), user);
        } else if (event instanceof ContentEvent content) {
            key = EventShape.postId(content);
            value = topics.contentEvents().valueSerde().serializer().serialize(topics.contentEvents().name(), content);
        } else if (event instanceof AuthEvent auth) {
            key = auth.getUserId();
            value = topics.authEvents().valueSerde().serializer().serialize(topics.authEvents().name(), auth);
        } else {
            throw new IllegalArgumentException("not an input event: " + event);
        }
        return new DeadLetter(key == null ? null : key.getBytes(StandardCharsets.UTF_8), value, headers,
                origin.getTimestamp());
    }

    /** Forwards a dead letter to a processor's dead-letter branch and counts it. */
    public static void forward(final ProcessorContext<String, Emitted> context, final LookoutCounters counters,
                               final DeadLetter letter) {
        counters.increment(LookoutCounters.Kind.DEAD_LETTERS, DeadLetterHeaders.text(letter.headers(),
                DeadLetterHeaders.STAGE) + "/" + DeadLetterHeaders.text(letter.headers(), DeadLetterHeaders.REASON));
        context.forward(new Record<String, Emitted>(null, new Emitted.Dead(letter), letter.timestamp(),
                letter.headers()));
    }

    /**
     * Writes a branch of dead letters to the dead-letter topic, through named nodes
     * ({@code <prefix>dead-letters-unwrap}, {@code <prefix>dead-letters-sink}).
     */
    public static void sink(final KStream<String, Emitted> branch, final String prefix, final Topics topics) {
        branch.map((key, emitted) -> {
            final DeadLetter letter = ((Emitted.Dead) emitted).letter();
            return KeyValue.pair(letter.key(), letter.value());
        }, Named.as(Names.unwrap(prefix, Names.BRANCH_DEAD_LETTERS)))
                .to(topics.deadLetters().name(),
                        topics.deadLetters().produced(Names.sink(prefix, Names.BRANCH_DEAD_LETTERS)));
    }
}
