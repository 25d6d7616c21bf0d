package dev.lookout.app.kafka;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.function.Predicate;

import dev.lookout.app.query.DeadLetterAdmin;
import dev.lookout.app.query.DeadLetterDto;
import dev.lookout.app.query.DeadLetterFilter;
import dev.lookout.app.query.RedriveReport;
import dev.lookout.topology.Names;
import dev.lookout.topology.deadletter.DeadLetterHeaders;
import dev.lookout.topology.deadletter.Redelivery;
import dev.lookout.topology.deadletter.RedrivePolicy;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads {@code lookout.dlq} (committed records only) and re-drives dead letters to their input
 * topics: the original key, value and headers, to the original partition, with
 * {@value Redelivery#REDRIVEN_FROM} and {@value Redelivery#REDRIVEN_STAGE} added. Dedup then applies
 * each dead letter once, however often it is re-driven (see {@link Redelivery}).
 *
 * <p>Each call reads the topic from its start to its end as of the call: dead letters are rare,
 * and an operator's question is about all of them.
 */
public final class KafkaDeadLetters implements DeadLetterAdmin {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaDeadLetters.class);
    /** How long one read of the whole topic may take. */
    private static final Duration READ_DEADLINE = Duration.ofSeconds(30);
    private static final Set<String> INPUTS = Set.of(Names.USER_EVENTS, Names.CONTENT_EVENTS, Names.AUTH_EVENTS);

    private final Map<String, Object> client;
    private final String topic;

    /**
     * @param client Kafka client settings (bootstrap servers, security)
     * @param topic the dead-letter topic
     */
    public KafkaDeadLetters(final Map<String, Object> client, final String topic) {
        this.client = Map.copyOf(client);
        this.topic = topic;
    }

    public KafkaDeadLetters(final Map<String, Object> client) {
        this(client, Names.DEAD_LETTERS);
    }

    @Override
    public List<DeadLetterDto> newest(final DeadLetterFilter filter, final int limit) {
        final Deque<DeadLetterDto> newest = new ArrayDeque<>();
        scan(record -> {
            final DeadLetterDto letter = describe(record);
            if (filter.matches(letter)) {
                newest.addFirst(letter);
                if (newest.size() > limit) {
                    newest.removeLast();
                }
            }
            return true;
        });
        final List<DeadLetterDto> sorted = new ArrayList<>(newest);
        sorted.sort((a, b) -> b.timestamp().compareTo(a.timestamp()));
        return sorted;
    }

    @Override
    public Optional<Shown> show(final String id) {
        final Coordinates wanted = Coordinates.parse(id, topic);
        final List<Shown> found = new ArrayList<>();
        scan(wanted.partition(), record -> {
            if (record.offset() == wanted.offset()) {
                found.add(new Shown(describe(record), DeadLetterHeaders.text(record.headers(),
                        DeadLetterHeaders.ERROR_STACKTRACE),
                        record.value() == null ? null : Base64.getEncoder().encodeToString(record.value())));
                return false;
            }
            return record.offset() < wanted.offset();
        });
        return found.stream().findFirst();
    }

    @Override
    public RedriveReport redrive(final DeadLetterFilter filter, final int limit, final boolean force,
                                 final boolean dryRun) {
        final List<ConsumerRecord<byte[], byte[]>> chosen = new ArrayList<>();
        final List<RedriveReport.Refused> refused = new ArrayList<>();
        scan(record -> {
            final DeadLetterDto letter = describe(record);
            if (!filter.matches(letter)) {
                return true;
            }
            final Optional<String> why = whyNot(record, letter, force);
            if (why.isPresent()) {
                refused.add(new RedriveReport.Refused(letter.id(), letter.reason(), why.get()));
            } else if (chosen.size() < limit) {
                chosen.add(record);
            }
            return true;
        });
        if (dryRun) {
            return new RedriveReport(true, chosen.stream().map(record -> new RedriveReport.Sent(id(record),
                    reason(record), originTopic(record) + "/" + originPartition(record))).toList(), refused);
        }
        return new RedriveReport(false, send(chosen), refused);
    }

    private Optional<String> whyNot(final ConsumerRecord<byte[], byte[]> record, final DeadLetterDto letter,
                                    final boolean force) {
        final DeadLetterDto.Origin origin = letter.origin();
        if (origin == null || origin.topic() == null || origin.partition() == null) {
            return Optional.of("the dead letter names no origin topic and partition");
        }
        if (!INPUTS.contains(origin.topic())) {
            return Optional.of("its origin " + origin.topic() + " is not one of Lookout's input topics " + INPUTS);
        }
        if (record.value() == null) {
            return Optional.of("it has no value");
        }
        return force ? Optional.empty() : RedrivePolicy.refusal(letter.reason(), letter.stage())
                .map(why -> why + " (--force sends it anyway)");
    }

    private List<RedriveReport.Sent> send(final List<ConsumerRecord<byte[], byte[]>> records) {
        if (records.isEmpty()) {
            return List.of();
        }
        final Map<String, Object> settings = new HashMap<>(client);
        settings.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        settings.put(ProducerConfig.ACKS_CONFIG, "all");
        settings.put(ProducerConfig.CLIENT_ID_CONFIG, "lookout-redrive");
        final List<RedriveReport.Sent> sent = new ArrayList<>();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(settings, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            final List<Future<RecordMetadata>> pending = new ArrayList<>();
            for (final ConsumerRecord<byte[], byte[]> record : records) {
                pending.add(producer.send(new ProducerRecord<>(originTopic(record), originPartition(record),
                        record.timestamp(), record.key(), record.value(), redriveHeaders(record))));
            }
            producer.flush();
            for (int i = 0; i < records.size(); i++) {
                final RecordMetadata metadata = pending.get(i).get();
                final String to = metadata.topic() + "/" + metadata.partition() + "/" + metadata.offset();
                LOG.info("Re-drove dead letter {} ({}) to {}", id(records.get(i)), reason(records.get(i)), to);
                sent.add(new RedriveReport.Sent(id(records.get(i)), reason(records.get(i)), to));
            }
        } catch (ExecutionException e) {
            throw new IllegalStateException("re-drive failed after " + sent.size() + " of " + records.size()
                    + " dead letters: " + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("re-drive interrupted after " + sent.size() + " dead letters", e);
        }
        return sent;
    }

    /** The original record's headers, without the dead-letter ones, plus where it is re-driven from. */
    private Headers redriveHeaders(final ConsumerRecord<byte[], byte[]> record) {
        final Headers headers = new RecordHeaders();
        for (final Header header : record.headers()) {
            if (!isDeadLetterHeader(header.key())) {
                headers.add(header);
            }
        }
        headers.add(Redelivery.REDRIVEN_FROM, id(record).getBytes(StandardCharsets.UTF_8));
        headers.add(Redelivery.REDRIVEN_STAGE, stage(record).getBytes(StandardCharsets.UTF_8));
        return headers;
    }

    private static boolean isDeadLetterHeader(final String name) {
        return name.startsWith("__streams.errors.") || name.startsWith("lookout.dlq.")
                || name.equals(Redelivery.REDRIVEN_FROM) || name.equals(Redelivery.REDRIVEN_STAGE);
    }

    private DeadLetterDto describe(final ConsumerRecord<byte[], byte[]> record) {
        final Headers headers = record.headers();
        final Map<String, String> own = new LinkedHashMap<>();
        for (final Header header : headers) {
            if (!isDeadLetterHeader(header.key())) {
                own.put(header.key(), text(header.value()));
            }
        }
        final String originTimestamp = DeadLetterHeaders.text(headers, DeadLetterHeaders.ORIGIN_TIMESTAMP);
        final DeadLetterDto.Origin origin = new DeadLetterDto.Origin(originTopic(record), originPartition(record),
                number(DeadLetterHeaders.text(headers, DeadLetterHeaders.ORIGIN_OFFSET)),
                originTimestamp == null ? null : Instant.ofEpochMilli(Long.parseLong(originTimestamp)));
        final String reason = reason(record);
        final String stage = stage(record);
        return new DeadLetterDto(id(record), Instant.ofEpochMilli(record.timestamp()), stage, reason, origin,
                DeadLetterHeaders.text(headers, DeadLetterHeaders.ERROR_EXCEPTION),
                DeadLetterHeaders.text(headers, DeadLetterHeaders.ERROR_MESSAGE), text(record.key()),
                record.value() == null ? 0 : record.value().length, own,
                RedrivePolicy.refusal(reason, stage).orElse(null));
    }

    private String id(final ConsumerRecord<?, ?> record) {
        return record.topic() + "/" + record.partition() + "/" + record.offset();
    }

    private static String reason(final ConsumerRecord<?, ?> record) {
        return DeadLetterHeaders.text(record.headers(), DeadLetterHeaders.REASON);
    }

    private static String stage(final ConsumerRecord<?, ?> record) {
        return DeadLetterHeaders.text(record.headers(), DeadLetterHeaders.STAGE);
    }

    private static String originTopic(final ConsumerRecord<?, ?> record) {
        final String origin = DeadLetterHeaders.text(record.headers(), DeadLetterHeaders.ORIGIN_TOPIC);
        return origin != null ? origin : DeadLetterHeaders.text(record.headers(), DeadLetterHeaders.ERROR_TOPIC);
    }

    private static Integer originPartition(final ConsumerRecord<?, ?> record) {
        String partition = DeadLetterHeaders.text(record.headers(), DeadLetterHeaders.ORIGIN_PARTITION);
        if (partition == null) {
            partition = DeadLetterHeaders.text(record.headers(), DeadLetterHeaders.ERROR_PARTITION);
        }
        final Long number = number(partition);
        return number == null ? null : number.intValue();
    }

    private static Long number(final String text) {
        try {
            return text == null ? null : Long.parseLong(text);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** Bytes as UTF-8 text, or null when they are absent or not UTF-8. */
    private static String text(final byte[] bytes) {
        if (bytes == null) {
            return null;
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    private void scan(final Predicate<ConsumerRecord<byte[], byte[]>> visitor) {
        scan(-1, visitor);
    }

    /**
     * Reads the topic (or one partition) from its start to its end as of now, committed records
     * only, until the visitor returns false.
     */
    private void scan(final int onlyPartition, final Predicate<ConsumerRecord<byte[], byte[]>> visitor) {
        final Map<String, Object> settings = new HashMap<>(client);
        settings.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        settings.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        settings.put(ConsumerConfig.CLIENT_ID_CONFIG, "lookout-dead-letters");
        settings.remove(ConsumerConfig.GROUP_ID_CONFIG);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(settings, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            final List<TopicPartition> partitions = consumer.partitionsFor(topic, READ_DEADLINE).stream()
                    .map(info -> new TopicPartition(topic, info.partition()))
                    .filter(partition -> onlyPartition < 0 || partition.partition() == onlyPartition)
                    .toList();
            if (partitions.isEmpty()) {
                return;
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            final Map<TopicPartition, Long> end = consumer.endOffsets(partitions, READ_DEADLINE);
            final long deadline = System.nanoTime() + READ_DEADLINE.toNanos();
            while (partitions.stream().anyMatch(partition -> consumer.position(partition) < end.get(partition))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read " + topic + " to its end within "
                            + READ_DEADLINE.toSeconds() + " s");
                }
                for (final ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    if (record.offset() < end.get(new TopicPartition(record.topic(), record.partition()))
                            && !visitor.test(record)) {
                        return;
                    }
                }
            }
        }
    }

    /** A dead letter's place: {@code <topic>/<partition>/<offset>}. */
    private record Coordinates(int partition, long offset) {
        static Coordinates parse(final String id, final String topic) {
            final String[] parts = id.split("/");
            if (parts.length != 3 || !parts[0].equals(topic)) {
                throw new IllegalArgumentException("'" + id + "' is not a dead letter id: use " + topic
                        + "/<partition>/<offset>");
            }
            try {
                return new Coordinates(Integer.parseInt(parts[1]), Long.parseLong(parts[2]));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("'" + id + "' is not a dead letter id: use " + topic
                        + "/<partition>/<offset>");
            }
        }
    }
}
