package dht.cli;

import dht.storage.Record;
import dht.storage.RecordCursor;
import dht.storage.StorageException;
import dht.storage.Store;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A store that can hold every write at a gate, hold the status report's size estimate at another, fail every write or
 * WAL sync, or slow syncs, in front of the real one.
 */
final class FaultStore implements Store {
    private final Store real;
    private volatile CountDownLatch gate;
    private volatile CountDownLatch estimateGate;
    private volatile boolean failWrites;
    private volatile boolean failSyncs;
    private volatile long syncDelayMillis;

    FaultStore(Store real) {
        this.real = real;
    }

    void closeGate() {
        gate = new CountDownLatch(1);
    }

    void openGate() {
        open(gate);
    }

    /** Holds {@link #estimatedKeys()}, which the status report reads, until {@link #openEstimateGate()}. */
    void closeEstimateGate() {
        estimateGate = new CountDownLatch(1);
    }

    void openEstimateGate() {
        open(estimateGate);
    }

    private static void open(CountDownLatch gate) {
        if (gate != null) {
            gate.countDown();
        }
    }

    private static void await(CountDownLatch gate) {
        if (gate != null) {
            try {
                gate.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    void failWrites(boolean fail) {
        failWrites = fail;
    }

    @Override
    public Record get(byte[] key) {
        return real.get(key);
    }

    @Override
    public void put(byte[] key, Record record) {
        await(gate);
        if (failWrites) {
            throw new StorageException("injected write fault", null);
        }
        real.put(key, record);
    }

    void failSyncs(boolean fail) {
        failSyncs = fail;
    }

    /** Makes every WAL sync take this long at least, like a slow disk. */
    void delaySyncs(long millis) {
        syncDelayMillis = millis;
    }

    @Override
    public void syncWal() {
        if (syncDelayMillis > 0) {
            try {
                Thread.sleep(syncDelayMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (failSyncs) {
            throw new StorageException("injected sync fault", null);
        }
        real.syncWal();
    }

    @Override
    public void delete(byte[] key) {
        real.delete(key);
    }

    @Override
    public RecordCursor range(byte[] start, byte[] end) {
        return real.range(start, end);
    }

    @Override
    public long estimatedKeys() {
        await(estimateGate);
        return real.estimatedKeys();
    }

    @Override
    public long diskBytes() {
        return real.diskBytes();
    }

    @Override
    public void compact() {
        real.compact();
    }

    @Override
    public void close() {
        real.close();
    }
}
