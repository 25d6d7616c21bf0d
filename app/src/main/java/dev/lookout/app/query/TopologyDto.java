package dev.lookout.app.query;

import java.util.List;

/**
 * The running topology as {@code Topology.describe()} gives it: each sub-topology's nodes, what
 * they read, write and keep, and where their records go next; and the detectors' settings.
 */
public record TopologyDto(List<Subtopology> subtopologies, Detection detection) {

    public TopologyDto {
        subtopologies = List.copyOf(subtopologies);
    }

    /**
     * The settings the detectors apply, so an alert can be read against them.
     *
     * @param failureThreshold failed logins of one user that raise REPEATED_LOGIN_FAILURE
     * @param failureWindowSeconds the sliding window those failures fall in
     * @param takeoverWindowSeconds how soon after the crossing a success raises FAILURES_THEN_SUCCESS
     * @param stuffingThreshold distinct users failing from one address that raise CREDENTIAL_STUFFING
     * @param graceSeconds how late an event may arrive and still be counted
     */
    public record Detection(int failureThreshold, long failureWindowSeconds, long takeoverWindowSeconds,
                            int stuffingThreshold, long graceSeconds) {
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
