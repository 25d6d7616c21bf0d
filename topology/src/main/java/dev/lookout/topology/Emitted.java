package dev.lookout.topology;

import dev.lookout.events.SecurityAlert;
import dev.lookout.internal.AuthorActivity;
import dev.lookout.internal.EmailClaim;
import dev.lookout.internal.IpFeed;
import dev.lookout.topology.deadletter.DeadLetter;

/**
 * What a processor with more than one kind of output forwards. The DSL splits a processor's output
 * by kind, and each branch goes to its own sink or repartition.
 */
public sealed interface Emitted {

    /** An email index change, keyed by the lower-cased address. */
    record Claim(EmailClaim claim) implements Emitted {
    }

    /** A post or comment, keyed by its author. */
    record Activity(AuthorActivity activity) implements Emitted {
    }

    /** A detected pattern, keyed by user (or address). */
    record Alert(SecurityAlert alert) implements Emitted {
    }

    /** A failed login keyed by its address, or a progress marker, for the credential-stuffing detector. */
    record ToStuffing(IpFeed feed) implements Emitted {
    }

    /** A dead letter the processor wrote itself. */
    record Dead(DeadLetter letter) implements Emitted {
    }
}
