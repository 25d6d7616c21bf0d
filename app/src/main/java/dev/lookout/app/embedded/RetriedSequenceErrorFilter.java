package dev.lookout.app.embedded;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.filter.Filter;
import ch.qos.logback.core.spi.FilterReply;

/**
 * Drops one message of the embedded broker that is not an error: with transactions v2
 * (KIP-890), a batch that reaches a partition before the batch with sequence 0 of a new producer
 * epoch is refused with a retriable {@code OutOfOrderSequenceException}, which the broker logs at
 * ERROR (KAFKA-18202). The producer retries it in order; exactly-once is not affected.
 */
public final class RetriedSequenceErrorFilter extends Filter<ILoggingEvent> {

    private static final String EXCEPTION = "org.apache.kafka.common.errors.OutOfOrderSequenceException";
    private static final String RETRIED = "for transactions v2 idempotent producer with no existing state";

    @Override
    public FilterReply decide(final ILoggingEvent event) {
        final IThrowableProxy thrown = event.getThrowableProxy();
        if (thrown != null && EXCEPTION.equals(thrown.getClassName()) && thrown.getMessage() != null
                && thrown.getMessage().contains(RETRIED)) {
            return FilterReply.DENY;
        }
        return FilterReply.NEUTRAL;
    }
}
