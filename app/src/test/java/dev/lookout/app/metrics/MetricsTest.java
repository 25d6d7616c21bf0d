package dev.lookout.app.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;

class MetricsTest {

    /** Tags as Micrometer's Kafka Streams binder names them, from Kafka's {@code <type>-state-id}. */
    private static void storeGauge(final PrometheusMeterRegistry registry, final String storeIdKey,
                                   final String store, final double value) {
        Gauge.builder("kafka.stream.state.num.open.iterators", () -> value)
                .tags(storeIdKey, store, "task.id", "1_0", "thread.id", "lookout-StreamThread-1")
                .register(registry);
    }

    @Test
    void storeMetricsOfEveryStoreTypeReachTheScrape() {
        final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        registry.config().meterFilter(Metrics.STORE_TAGS);

        storeGauge(registry, "rocksdb.state.id", "users", 1);
        storeGauge(registry, "in.memory.state.id", "users-clock", 2);

        assertThat(registry.scrape())
                .contains("kafka_stream_state_num_open_iterators{state_id=\"users\",store_type=\"rocksdb\","
                        + "task_id=\"1_0\",thread_id=\"lookout-StreamThread-1\"} 1.0")
                .contains("kafka_stream_state_num_open_iterators{state_id=\"users-clock\",store_type=\"in-memory\","
                        + "task_id=\"1_0\",thread_id=\"lookout-StreamThread-1\"} 2.0")
                .doesNotContain("rocksdb_state_id", "in_memory_state_id");
    }

    @Test
    void withoutTheFilterPrometheusKeepsOnlyTheFirstStoreType() {
        // What the filter is for: the second store type's meter is refused for its other label key.
        final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

        storeGauge(registry, "rocksdb.state.id", "users", 1);
        storeGauge(registry, "in.memory.state.id", "users-clock", 2);

        assertThat(registry.scrape()).contains("rocksdb_state_id=\"users\"").doesNotContain("users-clock");
    }

    @Test
    void metersOfNoStoreKeepTheirTags() {
        final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        registry.config().meterFilter(Metrics.STORE_TAGS);

        Gauge.builder("kafka.stream.thread.process.rate", () -> 3.0).tags("thread.id", "lookout-StreamThread-1")
                .register(registry);

        assertThat(registry.scrape())
                .contains("kafka_stream_thread_process_rate{thread_id=\"lookout-StreamThread-1\"} 3.0");
    }
}
