package dev.lookout.app.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;

import dev.lookout.app.config.LookoutCommand;
import dev.lookout.app.config.LookoutConfig;
import dev.lookout.topology.LookoutCounters;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.streams.CloseOptions.GroupMembershipOperation;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

class StreamsConfigsTest {

    private static final String RESTORE_FETCH_WAIT =
            StreamsConfig.restoreConsumerPrefix(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG);

    private static Properties streams(final String... args) {
        final AtomicReference<LookoutConfig> config = new AtomicReference<>();
        LookoutCommand.commandLine(parsed -> {
            config.set(parsed);
            return 0;
        }, demo -> 0, args, Map.of()).execute(args);
        return StreamsConfigs.streams(config.get().withEmbeddedAddresses("localhost:9092", "http://localhost:8081"),
                new LookoutCounters());
    }

    @Test
    void shouldLetTheRestoreConsumerWaitAtMost50MsForAFetch() {
        final Map<String, Object> restore = new StreamsConfig(streams()).getRestoreConsumerConfigs("client");

        assertThat(restore).containsEntry(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 50);
    }

    @Test
    void shouldHandTheStateUpdater10000RecordsPerPollOfTheRestoreConsumerOnly() {
        final StreamsConfig config = new StreamsConfig(streams());

        assertThat(config.getRestoreConsumerConfigs("client")).containsEntry(ConsumerConfig.MAX_POLL_RECORDS_CONFIG,
                10_000);
        assertThat(config.getMainConsumerConfigs("group", "client", 0))
                .doesNotContainEntry(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 10_000);
    }

    @Test
    void shouldPushNoClientMetricsToTheBrokerUnlessAsked() {
        final StreamsConfig defaults = new StreamsConfig(streams());
        final StreamsConfig asked = new StreamsConfig(streams("--kafka", "enable.metrics.push=true"));

        assertThat(defaults.getMainConsumerConfigs("group", "client", 0))
                .containsEntry(CommonClientConfigs.ENABLE_METRICS_PUSH_CONFIG, false);
        assertThat(defaults.getProducerConfigs("client")).containsEntry(CommonClientConfigs.ENABLE_METRICS_PUSH_CONFIG, false);
        assertThat(asked.getMainConsumerConfigs("group", "client", 0))
                .containsEntry(CommonClientConfigs.ENABLE_METRICS_PUSH_CONFIG, "true");
    }

    @Test
    void shouldLetAKafkaPropertyOverrideTheRestoreFetchWait() {
        assertThat(streams("--kafka", RESTORE_FETCH_WAIT + "=500")).containsEntry(RESTORE_FETCH_WAIT, "500");
    }

    @Test
    void shouldLeaveTheGroupOnCloseUnlessTheMemberIsStatic() {
        assertThat(StreamsRuntime.membershipOnClose(streams())).isEqualTo(GroupMembershipOperation.LEAVE_GROUP);
        assertThat(StreamsRuntime.membershipOnClose(streams("--kafka", "main.consumer.group.instance.id=pod-0")))
                .isEqualTo(GroupMembershipOperation.REMAIN_IN_GROUP);
        assertThat(StreamsRuntime.membershipOnClose(streams("--kafka", "group.instance.id=pod-0")))
                .isEqualTo(GroupMembershipOperation.REMAIN_IN_GROUP);
    }
}
