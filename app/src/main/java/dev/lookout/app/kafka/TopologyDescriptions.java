package dev.lookout.app.kafka;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import dev.lookout.app.query.TopologyDto;
import dev.lookout.topology.TopologySettings;
import org.apache.kafka.streams.TopologyDescription;

/** Turns Kafka Streams' description of a topology into the API's form. */
public final class TopologyDescriptions {

    private TopologyDescriptions() {
    }

    public static TopologyDto of(final TopologyDescription description, final TopologySettings settings) {
        final List<TopologyDto.Subtopology> subtopologies = new ArrayList<>();
        description.subtopologies().stream().sorted(Comparator.comparingInt(TopologyDescription.Subtopology::id))
                .forEach(sub -> subtopologies.add(new TopologyDto.Subtopology(sub.id(), sub.nodes().stream()
                        .sorted(Comparator.comparing(TopologyDescription.Node::name))
                        .map(TopologyDescriptions::node).toList())));
        return new TopologyDto(subtopologies, new TopologyDto.Detection(settings.failureThreshold(),
                settings.failureWindow().toSeconds(), settings.takeoverWindow().toSeconds(),
                settings.stuffingThreshold(), settings.grace().toSeconds()));
    }

    private static TopologyDto.Node node(final TopologyDescription.Node node) {
        final List<String> next = node.successors().stream().map(TopologyDescription.Node::name).sorted().toList();
        if (node instanceof TopologyDescription.Source source) {
            final List<String> topics = source.topicSet() != null ? source.topicSet().stream().sorted().toList()
                    : List.of(String.valueOf(source.topicPattern()));
            return new TopologyDto.Node(node.name(), "source", topics, List.of(), next);
        }
        if (node instanceof TopologyDescription.Sink sink) {
            return new TopologyDto.Node(node.name(), "sink",
                    sink.topic() != null ? List.of(sink.topic()) : List.of(), List.of(), next);
        }
        final List<String> stores = node instanceof TopologyDescription.Processor processor
                ? processor.stores().stream().sorted().toList() : List.of();
        return new TopologyDto.Node(node.name(), "processor", List.of(), stores, next);
    }
}
