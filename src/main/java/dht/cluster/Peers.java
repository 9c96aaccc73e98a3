package dht.cluster;

import java.util.Collection;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * This node's clients of the other members, one per URL, made the first time a member is
 * named: members come and go with the membership. Every client's calls carry this node's epoch.
 */
public final class Peers implements AutoCloseable {
    // fixed after construction
    private final String self;
    private final PeerSettings settings;
    private final PeerLoop loop;
    private final ConcurrentHashMap<String, PeerClient> byUrl = new ConcurrentHashMap<>();

    // guarded by this
    private long epoch;

    public Peers(String self, long epoch, PeerSettings settings, PeerLoop loop) {
        this.self = self;
        this.epoch = epoch;
        this.settings = settings;
        this.loop = loop;
    }

    /** The client of the member with this URL, made now if there is none. */
    public PeerClient get(String url) {
        if (url.equals(self)) {
            throw new IllegalArgumentException("no peer client for this node itself");
        }
        PeerClient peer = byUrl.get(url);
        if (peer != null) {
            return peer;
        }
        synchronized (this) {
            return byUrl.computeIfAbsent(url, u -> new PeerClient(u, self, epoch, settings, loop));
        }
    }

    /** The client of the member with this URL, or null when none was made: for names that come from calls. */
    public PeerClient find(String url) {
        return url == null ? null : byUrl.get(url);
    }

    /** Every client made and not retired, live: members added later show up. */
    public Collection<PeerClient> all() {
        return byUrl.values();
    }

    /** The epoch every call carries from now on. */
    public synchronized void epoch(long epoch) {
        this.epoch = epoch;
        for (PeerClient peer : byUrl.values()) {
            peer.epoch(epoch);
        }
    }

    /** Closes and forgets the clients of every URL but these: members that left. */
    public void retain(Set<String> urls) {
        byUrl.entrySet().removeIf(entry -> {
            if (urls.contains(entry.getKey())) {
                return false;
            }
            entry.getValue().close();
            return true;
        });
    }

    @Override
    public void close() {
        byUrl.values().forEach(PeerClient::close);
    }
}
