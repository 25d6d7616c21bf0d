package dev.lookout.bench.detection;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.jobgraph.JobGraph;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;

/**
 * One Flink MiniCluster (job manager and one task manager in this JVM), started on first use and
 * shared by every Flink job of a suite run, so that no measured run pays for a cluster start.
 */
public final class LocalFlink implements AutoCloseable {

    private final int parallelism;
    private MiniCluster cluster;

    /** A cluster with {@code parallelism} task slots. */
    public LocalFlink(final int parallelism) {
        this.parallelism = parallelism;
    }

    public int parallelism() {
        return parallelism;
    }

    /** Runs the job to its end. */
    void run(final JobGraph job) throws Exception {
        if (cluster == null) {
            final MiniCluster started = new MiniCluster(new MiniClusterConfiguration.Builder()
                    .setConfiguration(new Configuration())
                    .setNumTaskManagers(1)
                    .setNumSlotsPerTaskManager(parallelism)
                    .build());
            started.start();
            cluster = started;
        }
        cluster.executeJobBlocking(job);
    }

    @Override
    public void close() throws Exception {
        if (cluster != null) {
            cluster.close();
            cluster = null;
        }
    }
}
