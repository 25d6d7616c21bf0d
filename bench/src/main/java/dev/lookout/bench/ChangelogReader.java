package dev.lookout.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The ceiling of a restore: a plain {@code KafkaConsumer} that reads every partition of an
 * application's changelog topics, as bytes, from the beginning to the end, and does nothing with
 * them. It runs in the harness's JVM ({@link #read}), or in a JVM of its own ({@link #main},
 * through {@link #inNewJvm}), as a restoring Lookout instance does.
 */
final class ChangelogReader {

    /** What {@link #main} prints, and {@link #inNewJvm} parses. */
    private static final Pattern RESULT = Pattern.compile("read (\\d+) records in ([\\d.]+) s; JVM start to end ([\\d.]+) s");

    /**
     * One read.
     *
     * @param records changelog records read
     * @param seconds from the seek to the beginning to the last record
     * @param launchToEnd from the start of the reading JVM to the last record (NaN when read in the harness's JVM)
     */
    record Read(long records, double seconds, double launchToEnd) {

        double rate() {
            return records / seconds;
        }
    }

    private ChangelogReader() {
    }

    /** {@code ChangelogReader <bootstrap servers> <application id>}: reads once and prints the result. */
    public static void main(final String[] args) throws Exception {
        final Read read = read(args[0], args[1]);
        final double sinceJvmStart = (System.currentTimeMillis()
                - ManagementFactory.getRuntimeMXBean().getStartTime()) / 1e3;
        System.out.printf(Locale.ROOT, "read %d records in %.3f s; JVM start to end %.3f s%n", read.records(),
                read.seconds(), sinceJvmStart);
    }

    /** Reads the changelogs of {@code applicationId} in this JVM. */
    static Read read(final String bootstrapServers, final String applicationId) throws Exception {
        final List<TopicPartition> partitions = new ArrayList<>();
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrapServers))) {
            for (final var description : admin.describeTopics(admin.listTopics().names().get().stream()
                            .filter(name -> name.startsWith(applicationId + "-") && name.endsWith("-changelog"))
                            .toList())
                    .allTopicNames().get().values()) {
                description.partitions().forEach(p -> partitions.add(new TopicPartition(description.name(),
                        p.partition())));
            }
        }
        final Map<String, Object> props = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false, ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2_000,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.assign(partitions);
            final Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            consumer.seekToBeginning(partitions);
            final long started = System.nanoTime();
            long records = 0;
            while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p))) {
                records += consumer.poll(Duration.ofMillis(500)).count();
            }
            return new Read(records, (System.nanoTime() - started) / 1e9, Double.NaN);
        }
    }

    /** Reads the changelogs of {@code applicationId} in a new JVM with these options; its output goes to {@code log}. */
    static Read inNewJvm(final String bootstrapServers, final String applicationId, final List<String> jvmOptions,
                         final Path log) throws IOException, InterruptedException {
        final List<String> command = ChildLookout.java(jvmOptions, ChangelogReader.class.getName());
        command.addAll(List.of(bootstrapServers, applicationId));
        Files.createDirectories(log.getParent());
        final Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile())
                .start();
        if (!process.waitFor(10, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new IllegalStateException("the changelog reader did not finish within 10 minutes; see " + log);
        }
        final Matcher result = RESULT.matcher(Files.readString(log));
        if (process.exitValue() != 0 || !result.find()) {
            throw new IllegalStateException("the changelog reader failed (exit " + process.exitValue() + "); see " + log);
        }
        return new Read(Long.parseLong(result.group(1)), Double.parseDouble(result.group(2)),
                Double.parseDouble(result.group(3)));
    }
}
