package dev.lookout.schemas;

import dev.lookout.events.AuthEvent;
import dev.lookout.events.ContentEvent;
import dev.lookout.events.SecurityAlert;
import dev.lookout.events.UserEvent;
import dev.lookout.schemaregistry.CompatibilityLevel;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;

/**
 * Lookout's public contract: each topic that producers and consumers code against, the record
 * type of its values, and the compatibility mode its registry subject promises.
 *
 * <p>Topic names here are the only place they are spelled. The evolution gate
 * ({@code SchemaEvolutionGateTest}) checks every schema version against the promised mode, and
 * Lookout sets the same mode on each subject of the registry it uses. {@code schemas/README.md}
 * says why each subject promises what it does.
 */
public enum EventContract {

    /** Lifecycle of users; keyed by {@code user_id}. Lookout reads it. */
    USER_EVENTS("user-events", UserEvent.class, UserEvent.getClassSchema(), CompatibilityLevel.BACKWARD_TRANSITIVE),

    /** Posts and comments; keyed by {@code post_id}. Lookout reads it. */
    CONTENT_EVENTS("content-events", ContentEvent.class, ContentEvent.getClassSchema(),
            CompatibilityLevel.BACKWARD_TRANSITIVE),

    /** Login attempts; keyed by {@code user_id}. Lookout reads it. */
    AUTH_EVENTS("auth-events", AuthEvent.class, AuthEvent.getClassSchema(), CompatibilityLevel.BACKWARD_TRANSITIVE),

    /** Detected patterns; keyed by {@code user_id} (or {@code source_ip}). Lookout writes it. */
    SECURITY_ALERTS("security-alerts", SecurityAlert.class, SecurityAlert.getClassSchema(),
            CompatibilityLevel.FULL_TRANSITIVE);

    private final String topic;
    private final Class<? extends SpecificRecord> valueType;
    private final Schema valueSchema;
    private final CompatibilityLevel compatibility;

    EventContract(final String topic, final Class<? extends SpecificRecord> valueType, final Schema valueSchema,
                  final CompatibilityLevel compatibility) {
        this.topic = topic;
        this.valueType = valueType;
        this.valueSchema = valueSchema;
        this.compatibility = compatibility;
    }

    public String topic() {
        return topic;
    }

    /** The registry subject of the topic's values ({@code TopicNameStrategy}). */
    public String valueSubject() {
        return topic + "-value";
    }

    public Class<? extends SpecificRecord> valueType() {
        return valueType;
    }

    /** The current schema: the one generated classes are compiled from. */
    public Schema valueSchema() {
        return valueSchema;
    }

    public CompatibilityLevel compatibility() {
        return compatibility;
    }
}
