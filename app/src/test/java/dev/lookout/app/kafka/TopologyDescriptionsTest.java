package dev.lookout.app.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import dev.lookout.app.query.TopologyDto;
import dev.lookout.topology.EventSerdes;
import dev.lookout.topology.LookoutTopology;
import dev.lookout.topology.Names;
import dev.lookout.topology.TopologySettings;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyDescription;
import org.junit.jupiter.api.Test;

/** {@code /api/topology} describes Lookout's real topology, node for node. */
class TopologyDescriptionsTest {

    @Test
    void describesEverySubtopologyNodeStoreAndTopic() {
        final Topology topology = LookoutTopology.build(TopologySettings.defaults(),
                EventSerdes.create(Map.of("schema.registry.url", "mem://topology-descriptions")));
        final TopologyDescription description = topology.describe();

        final TopologyDto dto = TopologyDescriptions.of(description, TopologySettings.defaults());

        assertThat(dto.subtopologies()).hasSameSizeAs(description.subtopologies());
        final Set<String> names = new HashSet<>();
        final Set<String> stores = new HashSet<>();
        final Set<String> topics = new HashSet<>();
        int nodes = 0;
        for (final TopologyDto.Subtopology sub : dto.subtopologies()) {
            for (final TopologyDto.Node node : sub.nodes()) {
                names.add(node.name());
                stores.addAll(node.stores());
                topics.addAll(node.topics());
                nodes++;
            }
        }
        assertThat(nodes).isEqualTo(description.subtopologies().stream().mapToInt(s -> s.nodes().size()).sum());
        for (final TopologyDto.Subtopology sub : dto.subtopologies()) {
            sub.nodes().forEach(node -> assertThat(names).as(node.name()).containsAll(node.next()));
        }
        assertThat(stores).contains(Names.USERS_STORE, Names.USER_HISTORY_STORE, Names.POSTS_STORE,
                Names.LOGIN_BUFFER_STORE, Names.ALERTS_BY_USER_STORE, Names.CONTENT_EVENT_IDS_STORE);
        assertThat(topics).contains(Names.USER_EVENTS, Names.CONTENT_EVENTS, Names.AUTH_EVENTS, Names.SECURITY_ALERTS,
                Names.DEAD_LETTERS);
        assertThat(dto.subtopologies().get(0).nodes()).anySatisfy(node -> assertThat(node.kind()).isEqualTo("source"));
        final TopologySettings settings = TopologySettings.defaults();
        assertThat(dto.detection()).isEqualTo(new TopologyDto.Detection(settings.failureThreshold(),
                settings.failureWindow().toSeconds(), settings.takeoverWindow().toSeconds(),
                settings.stuffingThreshold(), settings.grace().toSeconds()));
    }
}
