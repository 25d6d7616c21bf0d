package dev.lookout.app.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

import dev.lookout.app.query.AlertFeed;
import dev.lookout.events.SecurityAlert;
import dev.lookout.topology.Names;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * New alerts from the {@code security-alerts} topic, read with {@code isolation.level=read_committed}
 * so that only alerts of committed transactions are ever shown.
 *
 * <p>Each subscription has its own consumer, assigned every partition (no consumer group), so any
 * instance streams every alert. A position is the next offset of every partition,
 * {@code "0:120,1:98,..."}; resuming from it continues exactly after the last alert delivered.
 */
public final class KafkaAlertFeed implements AlertFeed {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaAlertFeed.class);

    private final Map<String, Object> clientProperties;
    private final Deserializer<SecurityAlert> alerts;

    public KafkaAlertFeed(final Map<String, Object> clientProperties, final Deserializer<SecurityAlert> alerts) {
        this.clientProperties = clientProperties;
        this.alerts = alerts;
    }

    @Override
    public void checkPosition(final String position) {
        parse(position);
    }

    @Override
    public Subscription subscribe(final String position, final Consumer<Delivery> deliveries) {
        final Map<Integer, Long> start = position == null ? null : parse(position);
        final Map<String, Object> props = new HashMap<>(clientProperties);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "lookout-alert-feed-" + System.nanoTime());
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        final KafkaConsumer<String, SecurityAlert> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
                alerts);
        final Thread thread = new Thread(() -> run(consumer, start, deliveries), "alert-feed");
        thread.setDaemon(true);
        thread.start();
        return () -> {
            consumer.wakeup();
            try {
                thread.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
    }

    private void run(final KafkaConsumer<String, SecurityAlert> consumer, final Map<Integer, Long> start,
                     final Consumer<Delivery> deliveries) {
        try (consumer) {
            final List<TopicPartition> partitions = new ArrayList<>();
            consumer.partitionsFor(Names.SECURITY_ALERTS, Duration.ofSeconds(30))
                    .forEach(info -> partitions.add(new TopicPartition(info.topic(), info.partition())));
            consumer.assign(partitions);
            final Map<Integer, Long> next = new TreeMap<>();
            for (final TopicPartition partition : partitions) {
                final Long from = start == null ? null : start.get(partition.partition());
                if (start == null) {
                    consumer.seekToEnd(List.of(partition));
                } else if (from == null) {
                    consumer.seekToBeginning(List.of(partition));
                } else {
                    consumer.seek(partition, from);
                }
                next.put(partition.partition(), consumer.position(partition));
            }
            while (true) {
                try {
                    for (final ConsumerRecord<String, SecurityAlert> record : consumer.poll(Duration.ofMillis(500))) {
                        next.put(record.partition(), record.offset() + 1);
                        if (record.value() != null) {
                            deliveries.accept(new Delivery(StreamsReadModel.toDto(record.value()), format(next)));
                        }
                    }
                } catch (RecordDeserializationException e) {
                    LOG.warn("Skipping an unreadable alert at {}@{}: {}", e.topicPartition(), e.offset(), e.getMessage());
                    consumer.seek(e.topicPartition(), e.offset() + 1);
                }
            }
        } catch (WakeupException stopped) {
            // The subscription was closed.
        } catch (RuntimeException e) {
            LOG.warn("Alert feed stopped: {}", e.getMessage());
        }
    }

    static String format(final Map<Integer, Long> next) {
        final StringBuilder text = new StringBuilder();
        next.forEach((partition, offset) -> text.append(text.isEmpty() ? "" : ",").append(partition).append(':')
                .append(offset));
        return text.toString();
    }

    /**
     * Reads a position.
     *
     * @throws IllegalArgumentException when it is not {@code partition:offset,...}
     */
    static Map<Integer, Long> parse(final String position) {
        final Map<Integer, Long> offsets = new TreeMap<>();
        if (position.length() > 4_096) {
            throw new IllegalArgumentException("position is too long");
        }
        for (final String part : position.split(",")) {
            final String[] pair = part.trim().split(":");
            if (pair.length != 2) {
                throw new IllegalArgumentException("position must be partition:offset pairs, e.g. 0:12,1:7");
            }
            try {
                final int partition = Integer.parseInt(pair[0]);
                final long offset = Long.parseLong(pair[1]);
                if (partition < 0 || offset < 0) {
                    throw new IllegalArgumentException("negative partition or offset in position");
                }
                offsets.put(partition, offset);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("position must be partition:offset pairs, e.g. 0:12,1:7");
            }
        }
        return offsets;
    }
}
