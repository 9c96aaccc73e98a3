package dht.coordinator;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The anti-entropy passes this node completed, per peer and range: what each compared and
 * exchanged, and when it began, which is what tombstone purge asks. Kept in memory only: after a
 * restart no tombstone is purged until new passes complete, which errs on the safe side.
 */
public final class RepairLedger {
    /**
     * One range's last completed pass with one peer.
     *
     * @param startedMillis when the pass began, before its scans: every record stored by then was compared
     */
    public record Pass(long startedMillis, long endedMillis, long compared, int leavesDiffering, long pulled, long pushed,
                       long bytes) {
    }

    private final Map<String, Pass[]> byPeer = new ConcurrentHashMap<>();

    /**
     * Forgets every pass: after the member set changed, a pass with a peer says nothing of the
     * keys that peer shares with this node now.
     */
    public void clear() {
        byPeer.clear();
    }

    void completed(String peer, int range, Pass pass) {
        byPeer.computeIfAbsent(peer, p -> new Pass[MerkleTree.RANGES])[range] = pass;
    }

    /** Whether a pass over the key's range with the peer completed that began after {@code millis}. */
    public boolean covers(String peer, byte[] key, long millis) {
        Pass[] passes = byPeer.get(peer);
        Pass pass = passes == null ? null : passes[MerkleTree.rangeOf(MerkleTree.leafOf(key))];
        return pass != null && pass.startedMillis() > millis;
    }

    /** The last completed pass per peer and range; null where none completed yet. */
    public Map<String, Pass[]> passes() {
        Map<String, Pass[]> copy = new LinkedHashMap<>();
        byPeer.forEach((peer, passes) -> copy.put(peer, passes.clone()));
        return copy;
    }

    /** The start of the oldest last pass over any range with any of these peers, or 0 when one never completed. */
    public long oldestStartMillis(Iterable<String> peers) {
        long oldest = Long.MAX_VALUE;
        for (String peer : peers) {
            Pass[] passes = byPeer.get(peer);
            if (passes == null) {
                return 0;
            }
            for (Pass pass : passes) {
                if (pass == null) {
                    return 0;
                }
                oldest = Math.min(oldest, pass.startedMillis());
            }
        }
        return oldest == Long.MAX_VALUE ? 0 : oldest;
    }
}
