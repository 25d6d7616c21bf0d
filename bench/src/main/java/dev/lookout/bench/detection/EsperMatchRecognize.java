package dev.lookout.bench.detection;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import com.espertech.esper.common.client.EPCompiled;
import com.espertech.esper.common.client.EventBean;
import com.espertech.esper.common.client.configuration.Configuration;
import com.espertech.esper.compiler.client.CompilerArguments;
import com.espertech.esper.compiler.client.EPCompilerProvider;
import com.espertech.esper.runtime.client.EPDeployment;
import com.espertech.esper.runtime.client.EPEventService;
import com.espertech.esper.runtime.client.EPRuntime;
import com.espertech.esper.runtime.client.EPRuntimeProvider;
import dev.lookout.events.AuthEvent;
import dev.lookout.topology.TopologySettings;

/**
 * Esper with external time: before each event the runtime's clock is advanced to the newest event
 * time seen, and a {@code #time_order} window releases events in timestamp order once they are
 * older than the clock minus the grace (Lookout's watermark), into a {@code match_recognize} per
 * user looking for N consecutive failures with the last within W (inclusive) of the first.
 */
public final class EsperMatchRecognize implements Contender {

    private static final AtomicInteger RUNTIMES = new AtomicInteger();

    private final int threshold;
    private final long windowMs;
    private final long graceMs;
    private final String epl;

    public EsperMatchRecognize(final TopologySettings settings) {
        this.threshold = settings.failureThreshold();
        this.windowMs = settings.failureWindow().toMillis();
        this.graceMs = settings.grace().toMillis();
        this.epl = epl();
    }

    @Override
    public String name() {
        return "Esper match_recognize";
    }

    @Override
    public String setup() {
        return "Esper " + com.espertech.esper.runtime.client.util.RuntimeVersion.RUNTIME_VERSION
                + " (esper-common, esper-compiler, esper-runtime), one thread, external time advanced to the newest "
                + "event time; EPL: `" + epl.replaceAll("\\s+", " ").strip() + "`";
    }

    /** Two statements: reorder by event time within the grace, then match N failures per user. */
    private String epl() {
        final StringBuilder pattern = new StringBuilder();
        final StringBuilder measures = new StringBuilder();
        final StringBuilder define = new StringBuilder();
        for (int i = 0; i < threshold; i++) {
            final String v = "F" + i;
            pattern.append(i == 0 ? "" : " ").append(v);
            measures.append(i == 0 ? "" : ", ").append(v).append(".id as id").append(i);
            define.append(i == 0 ? "" : ", ").append(v).append(" as ").append(v).append(".failed")
                    .append(i == 0 ? "" : " and " + v + ".at - F0.at <= " + windowMs);
        }
        return "insert rstream into Ordered select * from LoginEvent#time_order(at, " + graceMs + " milliseconds);\n"
                + "@name('matches') select * from Ordered match_recognize (partition by user measures " + measures
                + " pattern (" + pattern + ") define " + define + ");";
    }

    @Override
    public Trial prepare(final List<AuthEvent> events) throws Exception {
        final LoginEvent[] logins = LoginEvent.of(events);
        final Configuration config = configuration();
        final EPCompiled compiled = EPCompilerProvider.getCompiler().compile(epl, new CompilerArguments(config));
        return () -> run(logins, config, compiled);
    }

    private static Configuration configuration() {
        final Configuration config = new Configuration();
        config.getCommon().addEventType(LoginEvent.class);
        config.getRuntime().getThreading().setInternalTimerEnabled(false);
        return config;
    }

    private Outcome run(final LoginEvent[] logins, final Configuration config, final EPCompiled compiled)
            throws Exception {
        final EPRuntime runtime = EPRuntimeProvider.getRuntime("bench-detection-" + RUNTIMES.incrementAndGet(),
                config);
        try {
            final EPEventService events = runtime.getEventService();
            long now = logins.length == 0 ? 0 : logins[0].getAt();
            events.advanceTime(now);
            final EPDeployment deployment = runtime.getDeploymentService().deploy(compiled);
            final List<String> matches = new ArrayList<>();
            runtime.getDeploymentService().getStatement(deployment.getDeploymentId(), "matches")
                    .addListener((newEvents, oldEvents, statement, rt) -> {
                        for (final EventBean match : newEvents) {
                            final StringBuilder ids = new StringBuilder();
                            for (int i = 0; i < threshold; i++) {
                                ids.append(i == 0 ? "" : ",").append(match.get("id" + i));
                            }
                            matches.add(ids.toString());
                        }
                    });
            final long started = System.nanoTime();
            for (final LoginEvent login : logins) {
                if (login.getAt() > now) {
                    now = login.getAt();
                    events.advanceTime(now);
                }
                events.sendEventBean(login, "LoginEvent");
            }
            // End of input: move the clock past the grace so the window releases the rest.
            events.advanceTime(now + graceMs + 1);
            final long took = System.nanoTime() - started;
            return new Outcome(logins.length, took, matches);
        } finally {
            runtime.destroy();
        }
    }
}
