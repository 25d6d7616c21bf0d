package dev.lookout.app.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One embedded Lookout per data directory. The embedded broker's KRaft metadata and the registry's
 * journal live there, and a second process that opened them — a forgotten terminal, a second
 * {@code java -jar} — would write to the running instance's metadata log before failing on its
 * ports, leaving that instance's raft thread spinning and its shutdown hanging.
 *
 * <p>The lock is an OS file lock on {@code lookout.pid} in the data directory, taken before
 * anything else is opened there; the file names the holder's process id. The OS releases the lock
 * when the process ends, however it ends, so a crash leaves nothing to clean up.
 */
public final class DataDirLock implements AutoCloseable {

    static final String FILE = "lookout.pid";

    private final FileChannel channel;
    private final FileLock lock;

    private DataDirLock(final FileChannel channel, final FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Takes the data directory for this process.
     *
     * @throws IllegalStateException naming the directory and the process that holds it
     */
    public static DataDirLock acquire(final Path dataDir) {
        final Path directory = dataDir.toAbsolutePath();
        final Path file = directory.resolve(FILE);
        FileChannel channel = null;
        try {
            Files.createDirectories(directory);
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
            final FileLock lock = tryLock(channel);
            if (lock == null) {
                throw new IllegalStateException("another Lookout is running on the data directory " + directory
                        + " (process " + holder(file) + "). Stop it first, or give this one its own --data-dir.");
            }
            channel.truncate(0);
            channel.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.UTF_8)));
            channel.force(true);
            return new DataDirLock(channel, lock);
        } catch (IOException e) {
            close(channel);
            throw new UncheckedIOException("cannot lock the data directory " + directory, e);
        } catch (RuntimeException e) {
            close(channel);
            throw e;
        }
    }

    /** Null when another process, or another lock in this one, holds it. */
    private static FileLock tryLock(final FileChannel channel) throws IOException {
        try {
            return channel.tryLock();
        } catch (OverlappingFileLockException e) {
            return null;
        }
    }

    private static String holder(final Path file) {
        try {
            final String pid = Files.readString(file, StandardCharsets.UTF_8).trim();
            return pid.isEmpty() ? "unknown" : pid;
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static void close(final FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // Closing a channel that failed to lock: nothing else to do.
            }
        }
    }

    @Override
    public void close() throws IOException {
        lock.release();
        channel.close();
    }
}
