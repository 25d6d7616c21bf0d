package dev.lookout.topology;

import java.util.Map;

import dev.lookout.internal.AuthorActivity;
import dev.lookout.internal.EmailClaim;
import dev.lookout.internal.IpFeed;
import dev.lookout.topology.views.AlertViewFeature;
import dev.lookout.topology.detect.LoginDetectionFeature;
import dev.lookout.topology.detect.StuffingDetectionFeature;
import dev.lookout.topology.views.EmailIndexFeature;
import dev.lookout.topology.views.PostViewFeature;
import dev.lookout.topology.views.UserViewFeature;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyConfig;
import org.apache.kafka.streams.kstream.KStream;

/**
 * Lookout's topology: the read model, the detectors and the dead-letter routing, as one pure
 * function of its settings and serdes. It reads no environment, starts no threads and changes none
 * of its arguments, so tests call it with short windows and an in-memory registry.
 *
 * <p>See {@code docs/topology.md} for the data flow.
 */
public final class LookoutTopology {

    private LookoutTopology() {
    }

    public static Topology build(final TopologySettings settings, final EventSerdes serdes) {
        final StreamsBuilder builder = new StreamsBuilder(namingEnforced());
        final Topics topics = Topics.of(serdes);

        final KStream<String, AuthorActivity> authorActivity = new PostViewFeature(settings, serdes, topics).addTo(builder);
        final KStream<String, EmailClaim> emailClaims = new UserViewFeature(settings, serdes, topics)
                .addTo(builder, authorActivity);
        new EmailIndexFeature(serdes).addTo(builder, emailClaims);

        final KStream<String, IpFeed> failuresByIp = new LoginDetectionFeature(settings, serdes, topics)
                .addTo(builder);
        new StuffingDetectionFeature(settings, serdes, topics).addTo(builder, failuresByIp);
        new AlertViewFeature(settings, serdes, topics).addTo(builder);

        return builder.build();
    }

    /**
     * A builder configuration that refuses any generated name of a store, changelog or
     * repartition topic. Kafka Streams wants a whole {@link StreamsConfig} to carry the flag; the
     * placeholder id and servers are never used, because {@code KafkaStreams} replaces this
     * configuration with the application's own when it starts.
     */
    private static TopologyConfig namingEnforced() {
        return new TopologyConfig(new StreamsConfig(Map.of(
                StreamsConfig.APPLICATION_ID_CONFIG, "lookout-topology-build",
                StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092",
                StreamsConfig.ENSURE_EXPLICIT_INTERNAL_RESOURCE_NAMING_CONFIG, true,
                StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true)));
    }
}
