package dev.lookout.topology.views;

import dev.lookout.internal.EmailClaim;
import dev.lookout.internal.EmailOwner;
import dev.lookout.topology.EventSerdes;
import dev.lookout.topology.Names;
import dev.lookout.topology.StateStores;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;

/**
 * The email index: lower-cased address → the user who holds it.
 *
 * <ul>
 *   <li>Input: the {@code email-claims} repartition from {@link UserViewFeature}.</li>
 *   <li>Store: {@code email-index}, partitioned by address so a lookup goes to one instance.</li>
 *   <li>Output: none.</li>
 * </ul>
 */
public final class EmailIndexFeature {

    private final EventSerdes serdes;

    public EmailIndexFeature(final EventSerdes serdes) {
        this.serdes = serdes;
    }

    public void addTo(final StreamsBuilder builder, final KStream<String, EmailClaim> claims) {
        builder.addStateStore(StateStores.keyValue(Names.EMAIL_INDEX_STORE, Serdes.String(), serdes.internal(EmailOwner.class)));
        claims.process(EmailIndexProcessor::new, Named.as(Names.EMAIL_INDEX), Names.EMAIL_INDEX_STORE);
    }
}
