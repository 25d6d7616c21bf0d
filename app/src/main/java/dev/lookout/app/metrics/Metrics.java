package dev.lookout.app.metrics;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import dev.lookout.topology.LookoutCounters;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.kafka.streams.KafkaStreams;

/**
 * Prometheus metrics: Kafka Streams' own (Micrometer's {@link KafkaStreamsMetrics} binder), the
 * JVM's, and Lookout's counters — {@code lookout_duplicates_total{topic}},
 * {@code lookout_dead_letters_total{stage,reason}}, {@code lookout_alerts_total{kind}} and
 * {@code lookout_late_events_total{topic}}; and the HTTP API's
 * {@code lookout_http_server_requests_seconds{method,route,status}}.
 */
public final class Metrics implements AutoCloseable {

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Map<RequestKind, Timer> requestTimers = new ConcurrentHashMap<>();
    private final KafkaStreamsMetrics streamsMetrics;
    private final JvmGcMetrics gcMetrics = new JvmGcMetrics();

    public Metrics(final KafkaStreams streams, final LookoutCounters counters) {
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
