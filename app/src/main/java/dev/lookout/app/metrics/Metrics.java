package dev.lookout.app.metrics;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import dev.lookout.topology.LookoutCounters;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.kafka.streams.KafkaStreams;

/**
 * Prometheus metrics: Kafka Streams' own (Micrometer's {@link KafkaStreamsMetrics} binder), the
 * JVM's, and Lookout's counters — {@code lookout_duplicates_total{topic}},
 * {@code lookout_dead_letters_total{stage,reason}}, {@code lookout_alerts_total{kind}} and
 * {@code lookout_late_events_total{topic}}; and the HTTP API's
 * {@code lookout_http_server_requests_seconds{method,route,status}}.
 *
 * <p>Kafka Streams' store metrics carry the store's name under {@code state_id} and its type
 * under {@code store_type} (see {@link #STORE_TAGS}).
 */
public final class Metrics implements AutoCloseable {

    /**
     * Kafka Streams tags a store's metrics with a key that names the store's type
     * ({@code rocksdb-state-id}, {@code in-memory-state-id}, ...). Prometheus needs every meter of
     * a name to carry the same label keys, so a metric measured for stores of two types (the RocksDB
     * views, and the in-memory clocks and newest-N lists) was registered for the first type seen and
     * dropped, with a warning, for the other. Each store metric carries {@code state.id} (the
     * store's name) and {@code store.type} ({@code rocksdb}, {@code in-memory}, ...) instead.
     */
    static final MeterFilter STORE_TAGS = new MeterFilter() {
        private static final String STORE_ID_SUFFIX = ".state.id";

        @Override
        public Meter.Id map(final Meter.Id id) {
            final List<Tag> tags = new ArrayList<>();
            boolean store = false;
            for (final Tag tag : id.getTagsAsIterable()) {
                final String key = tag.getKey();
                if (key.endsWith(STORE_ID_SUFFIX) && key.length() > STORE_ID_SUFFIX.length()) {
                    store = true;
                    tags.add(Tag.of("state.id", tag.getValue()));
                    tags.add(Tag.of("store.type",
                            key.substring(0, key.length() - STORE_ID_SUFFIX.length()).replace('.', '-')));
                } else {
                    tags.add(tag);
                }
            }
            return store ? id.replaceTags(tags) : id;
        }
    };

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Map<RequestKind, Timer> requestTimers = new ConcurrentHashMap<>();
    private final KafkaStreamsMetrics streamsMetrics;
    private final JvmGcMetrics gcMetrics = new JvmGcMetrics();

    public Metrics(final KafkaStreams streams, final LookoutCounters counters) {
        registry.config().meterFilter(STORE_TAGS);
        this.streamsMetrics = new KafkaStreamsMetrics(streams);
        streamsMetrics.bindTo(registry);
        new JvmMemoryMetrics().bindTo(registry);
        gcMetrics.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        counters.onCounter(key -> register(counters, key));
    }

    private void register(final LookoutCounters counters, final LookoutCounters.Key key) {
        final String name;
        final Tags tags;
        switch (key.kind()) {
            case DUPLICATES -> {
                name = "lookout.duplicates";
                tags = Tags.of("topic", key.label());
            }
            case LATE_EVENTS -> {
                name = "lookout.late.events";
                tags = Tags.of("topic", key.label());
            }
            case ALERTS -> {
                name = "lookout.alerts";
                tags = Tags.of("kind", key.label());
            }
            default -> {
                name = "lookout.dead.letters";
                tags = Tags.of("stage", key.stage(), "reason", key.reason());
            }
        }
        FunctionCounter.builder(name, counters, c -> c.get(key.kind(), key.label())).tags(tags).register(registry);
    }

    /**
     * Times an answered HTTP request: {@code lookout_http_server_requests_seconds} by method,
     * route template and status, with histogram buckets for latency quantiles.
     */
    public void httpRequest(final String method, final String route, final int status, final double millis) {
        // Registered once per method, route and status: Timer.builder(...).register looks the meter up by its tags.
        requestTimers.computeIfAbsent(new RequestKind(method, route, status), kind -> Timer
                        .builder("lookout.http.server.requests")
                        .description("HTTP requests answered, by method, route template and status")
                        .tags("method", kind.method(), "route", kind.route(), "status", Integer.toString(kind.status()))
                        .publishPercentileHistogram()
                        .register(registry))
                .record((long) (millis * 1_000_000), TimeUnit.NANOSECONDS);
    }

    private record RequestKind(String method, String route, int status) {
    }

    /** The Prometheus text format. */
    public String scrape() {
        return registry.scrape();
    }

    @Override
    public void close() {
        streamsMetrics.close();
        gcMetrics.close();
        registry.close();
    }
}
