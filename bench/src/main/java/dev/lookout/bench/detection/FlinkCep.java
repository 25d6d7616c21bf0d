package dev.lookout.bench.detection;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

import dev.lookout.events.AuthEvent;
import dev.lookout.topology.TopologySettings;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.cep.CEP;
import org.apache.flink.cep.EventComparator;
import org.apache.flink.cep.functions.PatternProcessFunction;
import org.apache.flink.cep.nfa.aftermatch.AfterMatchSkipStrategy;
import org.apache.flink.cep.pattern.Pattern;
import org.apache.flink.cep.pattern.conditions.SimpleCondition;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.datagen.source.GeneratorFunction;
import org.apache.flink.runtime.util.EnvironmentInformation;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.util.Collector;

/**
 * Flink CEP on a local {@code StreamExecutionEnvironment} (a MiniCluster in this JVM): event time
 * with bounded-out-of-orderness watermarks (bound = Lookout's grace), keyed by user,
 * {@code begin("fail", skipPastLastEvent()).where(failed).timesOrMore(N).within(W + 1 ms)}, each
 * match counted. Two variants: every event into CEP, or failures filtered out before it.
 *
 * <p>The events come from a {@link DataGeneratorSource} that indexes into an array prepared before
 * the run (the MiniCluster runs in this JVM, so the array is shared, not shipped). A run is timed
 * from the source's first event to the close of the last CEP instance, which follows the final
 * watermark. The MiniCluster ({@link LocalFlink}) is started once and shared by every run, as a
 * long-running Flink cluster would be; job deployment is excluded from the timing, and printed apart.
 */
public final class FlinkCep implements Contender {

    /** The prepared input of the run in progress; runs never overlap. */
    private static volatile LoginEvent[] input = new LoginEvent[0];
    private static final AtomicLong FIRST_EVENT_NANOS = new AtomicLong();
    private static final AtomicLong LAST_CLOSE_NANOS = new AtomicLong();
    private static final Queue<String> MATCHES = new ConcurrentLinkedQueue<>();

    private final LocalFlink flink;
    private final boolean failuresOnly;
    private final int parallelism;
    private final int threshold;
    private final long windowMs;
    private final long boundMs;
    private long lastJobNanos;

    /** True when only failures go into CEP. */
    public boolean failuresOnly() {
        return failuresOnly;
    }

    public FlinkCep(final LocalFlink flink, final TopologySettings settings, final boolean failuresOnly) {
        this.flink = flink;
        this.failuresOnly = failuresOnly;
        this.parallelism = flink.parallelism();
        this.threshold = settings.failureThreshold();
        this.windowMs = settings.failureWindow().toMillis();
        this.boundMs = settings.grace().toMillis();
    }

    @Override
    public String name() {
        return failuresOnly ? "Flink CEP, failures pre-filtered" : "Flink CEP, all events";
    }

    @Override
    public String setup() {
        return "Flink " + EnvironmentInformation.getVersion() + " (flink-cep, flink-streaming-java, flink-clients), "
                + "one MiniCluster in this JVM for all runs, source parallelism 1, CEP parallelism " + parallelism
                + ", heap state; WatermarkStrategy.forBoundedOutOfOrderness(" + boundMs / 1000 + " s), keyBy(user), "
                + "Pattern.begin(\"fail\", AfterMatchSkipStrategy.skipPastLastEvent()).where(failed)"
                + ".timesOrMore(" + threshold + ").within(" + Duration.ofMillis(windowMs + 1) + ")"
                + (failuresOnly ? ", after .filter(failed)" : ", every event into CEP")
                + "; ties at one timestamp ordered by event id (EventComparator)";
    }

    /** Wall-clock time of the last run's whole job, from submission to its end. */
    public long lastJobNanos() {
        return lastJobNanos;
    }

    @Override
    public Trial prepare(final List<AuthEvent> events) {
        final LoginEvent[] logins = LoginEvent.of(events);
        return () -> run(logins);
    }

    private Outcome run(final LoginEvent[] logins) throws Exception {
        input = logins;
        MATCHES.clear();
        FIRST_EVENT_NANOS.set(0);
        LAST_CLOSE_NANOS.set(0);
        final StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(parallelism,
                new Configuration());
        DataStream<LoginEvent> stream = env.fromSource(
                        new DataGeneratorSource<>(new FromInput(), logins.length, RateLimiterStrategy.noOp(),
                                TypeInformation.of(LoginEvent.class)),
                        WatermarkStrategy.<LoginEvent>forBoundedOutOfOrderness(Duration.ofMillis(boundMs))
                                .withTimestampAssigner((login, ignored) -> login.getAt()),
                        "logins")
                .setParallelism(1);
        if (failuresOnly) {
            stream = stream.filter(LoginEvent::isFailed).setParallelism(1);
        }
        // CEP's window is exclusive (a match dies once time − first ≥ window); Lookout's W is inclusive.
        final Pattern<LoginEvent, LoginEvent> pattern = Pattern
                .<LoginEvent>begin("fail", AfterMatchSkipStrategy.skipPastLastEvent())
                .where(SimpleCondition.of(LoginEvent::isFailed))
                .timesOrMore(threshold)
                .within(Duration.ofMillis(windowMs + 1));
        CEP.pattern(stream.keyBy(LoginEvent::getUser, Types.STRING), pattern, new ById())
                .inEventTime()
                .process(new CountMatches())
                .sinkTo(new DiscardingSink<>());
        env.setParallelism(parallelism);
        final long started = System.nanoTime();
        flink.run(env.getStreamGraph().getJobGraph());
        lastJobNanos = System.nanoTime() - started;
        input = new LoginEvent[0];
        return new Outcome(logins.length, LAST_CLOSE_NANOS.get() - FIRST_EVENT_NANOS.get(), new ArrayList<>(MATCHES));
    }

    /** Hands out the prepared events by index; notes when the first one leaves. */
    private static final class FromInput implements GeneratorFunction<Long, LoginEvent> {
        @Override
        public LoginEvent map(final Long index) {
            if (index == 0) {
                FIRST_EVENT_NANOS.set(System.nanoTime());
            }
            return input[index.intValue()];
        }
    }

    /** Orders events with the same timestamp by event id, as Lookout's reorder buffer does. */
    private static final class ById implements EventComparator<LoginEvent> {
        @Override
        public int compare(final LoginEvent a, final LoginEvent b) {
            return a.getId().compareTo(b.getId());
        }
    }

    /** Records each match's event ids; its close (after the final watermark) ends the timing. */
    private static final class CountMatches extends PatternProcessFunction<LoginEvent, String> {
        @Override
        public void processMatch(final Map<String, List<LoginEvent>> match, final Context ctx,
                                 final Collector<String> out) {
            final StringBuilder ids = new StringBuilder();
            for (final LoginEvent login : match.get("fail")) {
                ids.append(ids.length() == 0 ? "" : ",").append(login.getId());
            }
            MATCHES.add(ids.toString());
        }

        @Override
        public void close() throws Exception {
            LAST_CLOSE_NANOS.accumulateAndGet(System.nanoTime(), Math::max);
            super.close();
        }
    }
}
