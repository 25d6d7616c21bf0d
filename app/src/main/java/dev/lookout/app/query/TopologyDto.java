package dev.lookout.app.query;

import java.util.List;

/**
 * The running topology as {@code Topology.describe()} gives it: each sub-topology's nodes, what
 * they read, write and keep, and where their records go next.
 */
public record TopologyDto(List<Subtopology> subtopologies) {

    public TopologyDto {
        subtopologies = List.copyOf(subtopologies);
    }

    /** One sub-topology: the nodes that run in the same tasks. */
    public record Subtopology(int id, List<Node> nodes) {
        public Subtopology {
            nodes = List.copyOf(nodes);
        }
    }

    /**
     * One node.
     *
     * @param kind {@code source}, {@code processor} or {@code sink}
     * @param topics what a source reads or a sink writes
     * @param stores the state stores a processor uses
     * @param next the names of the nodes it forwards to
     */
    public record Node(String name, String kind, List<String> topics, List<String> stores, List<String> next) {
        public Node {
            topics = List.copyOf(topics);
            stores = List.copyOf(stores);
            next = List.copyOf(next);
        }
    }
}
