package dev.lookout.app.config;

/** How Lookout runs. */
public enum Mode {
    /** Starts its own broker, registry and demo traffic: one command to try everything. */
    EMBEDDED,
    /** Connects to an existing Kafka cluster and schema registry. */
    PRODUCTION
}
