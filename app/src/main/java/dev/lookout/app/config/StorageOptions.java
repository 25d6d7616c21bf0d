package dev.lookout.app.config;

import java.nio.file.Path;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Where state lives on disk, and how much off-heap memory RocksDB may take. */
public final class StorageOptions {

    /** The smallest --rocksdb-memory accepted: below it, memtables would flush almost at once. */
    private static final long MIN_ROCKSDB_MEMORY = 16L * 1024 * 1024;

    @Spec(Spec.Target.MIXEE)
    private CommandSpec mixee;

    @Option(names = "--state-dir", defaultValue = ".lookout/state", description = "Kafka Streams state directory (default: ${DEFAULT-VALUE}).")
    private Path stateDir;

    @Option(names = "--data-dir", defaultValue = ".lookout/data", description = "Embedded broker and registry data (default: ${DEFAULT-VALUE}).")
    private Path dataDir;

    @Option(names = "--rocksdb-memory", paramLabel = "SIZE", defaultValue = "0", converter = ByteSizes.class, description = "Off-heap memory all RocksDB state stores of the instance share (block cache, index and filter blocks, memtables), e.g. 512MiB or 1GiB; at least 16MiB. 0 keeps Kafka's per-store defaults, which grow with the number of stores and partitions (default: ${DEFAULT-VALUE}).")
    private long rocksDbMemory;

    public Path stateDir() {
        return stateDir;
    }

    public Path dataDir() {
        return dataDir;
    }

    public long rocksDbMemory() {
        if (rocksDbMemory != 0 && rocksDbMemory < MIN_ROCKSDB_MEMORY) {
            throw new OptionChecks(mixee).invalid("--rocksdb-memory", rocksDbMemory + " bytes",
                    "must be 0 for Kafka's per-store defaults, or at least 16MiB");
        }
        return rocksDbMemory;
    }
}
