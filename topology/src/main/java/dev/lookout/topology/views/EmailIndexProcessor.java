package dev.lookout.topology.views;

import dev.lookout.internal.EmailClaim;
import dev.lookout.internal.EmailOwner;
import dev.lookout.topology.Names;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Keeps the {@code email-index} store: lower-cased address to the user who holds it.
 *
 * <p>Claims come from every user partition through the {@code email-claims} repartition, so they
 * may arrive out of order. A claim wins if it is not older than the current one (two users with
 * one address: the latest claimer holds it). A release removes the entry only if the releasing
 * user still holds the address, so a late release never removes someone else's claim.
 */
final class EmailIndexProcessor implements Processor<String, EmailClaim, Void, Void> {

    private KeyValueStore<String, EmailOwner> index;

    @Override
    public void init(final ProcessorContext<Void, Void> context) {
        this.index = context.getStateStore(Names.EMAIL_INDEX_STORE);
    }

    @Override
    public void process(final Record<String, EmailClaim> record) {
        final EmailClaim claim = record.value();
        final EmailOwner current = index.get(record.key());
        final boolean held = current != null && current.getUserId().equals(claim.getUserId());
        if (claim.getClaimed()) {
            if (current == null || held || claim.getAt() >= current.getClaimedAt()) {
                index.put(record.key(), new EmailOwner(claim.getUserId(), claim.getAt()));
            }
        } else if (held && claim.getAt() >= current.getClaimedAt()) {
            index.delete(record.key());
        }
    }
}
