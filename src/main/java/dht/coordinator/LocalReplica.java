package dht.coordinator;

import dht.storage.Record;
import dht.storage.Store;

/**
 * This node in its role as a replica: the same path for a coordinator writing to itself and for a
 * peer's internal call. Every version it stores moves the node's clock past it.
 */
public final class LocalReplica {
    private final Store store;
    private final HybridClock clock;

    public LocalReplica(Store store, HybridClock clock) {
        this.store = store;
        this.clock = clock;
    }

    public Record read(byte[] key) {
        return store.get(key);
    }

    public void write(byte[] key, Record record) {
        clock.observe(record.version());
        store.put(key, record);
    }
}
