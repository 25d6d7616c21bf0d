package dev.lookout.app.http;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.javalin.http.HttpStatus;

/**
 * What this instance knows of its peers' slice versions without asking them. Once a peer has
 * sent a slice under a version, a watch asks it to answer when its version is no longer that one:
 * a long poll on its {@value #PATH}, which the peer holds (see {@link VersionWaits}) and answers
 * 304 when nothing changed within the wait. While a watch is open, a slice kept under its version
 * is that peer's current slice, as of the time the notice of a change takes to arrive (the peer's
 * {@link VersionWaits#CHECK_EVERY} and one answer on the network), and a list page asks that peer
 * nothing.
 *
 * <p>A watch closes when the peer's version changes, when the call fails or is refused, and when
 * no page has used it for {@link #IDLE}. The next page then asks the peer, as without a watch, and
 * opens another from the version it sent.
 */
final class PeerWatches implements AutoCloseable {

    static final String PATH = "/internal/slices/version";
    /** How long a peer is asked to hold a watch before it answers that nothing changed. */
    static final Duration HOLD = Duration.ofSeconds(10);
    /** How long a watch stays open with no page using it. */
    static final Duration IDLE = Duration.ofSeconds(30);

    private static final class Watch {
        final String version;
        volatile boolean open = true;
        volatile long usedAtNanos;

        Watch(final String version, final long now) {
            this.version = version;
            this.usedAtNanos = now;
        }
    }

    private final Peers peers;
    private final Duration hold;
    private final Map<String, Watch> watches = new ConcurrentHashMap<>();
    private volatile boolean closed;

    /** @param hold how long each peer is asked to hold a watch; capped by what the peer allows */
    PeerWatches(final Peers peers, final Duration hold) {
        this.peers = peers;
        this.hold = hold;
    }

    /** The version the peer still holds, as an open watch knows it; null without an open watch. */
    String unchanged(final String peer) {
        final Watch watch = watches.get(peer);
        if (watch == null || !watch.open) {
            return null;
        }
        watch.usedAtNanos = System.nanoTime();
        return watch.version;
    }

    /** Watches a peer from a version it sent (an ETag), unless a watch from that version is open already. */
    void watch(final String peer, final String version) {
        if (version == null || closed) {
            return;
        }
        final Watch fresh = new Watch(version, System.nanoTime());
        final Watch current = watches.compute(peer, (key, prior) -> {
            if (prior != null && prior.open && prior.version.equals(version)) {
                return prior;
            }
            if (prior != null) {
                prior.open = false;
            }
            return fresh;
        });
        if (current == fresh) {
            Peers.FAN_OUT.execute(() -> run(peer, fresh));
        }
    }

    private void run(final String peer, final Watch watch) {
        final String path = PATH + "?wait=" + hold.toMillis();
        try {
            while (watch.open && !closed && System.nanoTime() - watch.usedAtNanos < IDLE.toNanos()) {
                final Peers.Answer answer = peers.getHeld(peer, path, watch.version, hold);
                if (answer.status() != HttpStatus.NOT_MODIFIED.getCode()) {
                    break; // changed, not ready, or refused: the next page asks
                }
            }
        } catch (IOException | RuntimeException e) {
            // The peer did not answer: the next page asks it, and learns that.
        } finally {
            watch.open = false;
            watches.remove(peer, watch);
        }
    }

    @Override
    public void close() {
        closed = true;
        watches.values().forEach(watch -> watch.open = false);
    }
}
