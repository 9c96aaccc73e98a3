package dht.storage;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A store, hint log and meta log in memory, for socket- and disk-free tests: newest record wins,
 * like RocksStore. Its WAL syncs are counted, and can be slowed down or made to fail.
 */
public final class MemoryStore implements Store, HintLog, MetaLog {
    private final NavigableMap<byte[], Record> records = new ConcurrentSkipListMap<>(Arrays::compareUnsigned);
    private final Map<String, byte[]> meta = new ConcurrentHashMap<>();
    private final NavigableMap<byte[], byte[]> hints = new ConcurrentSkipListMap<>(Arrays::compareUnsigned);
    private volatile long largestHintPage;
    private final AtomicLong writes = new AtomicLong();
    private final AtomicInteger syncs = new AtomicInteger();
    private volatile long writesBeforeLastSync;
    private volatile long syncMillis;
    private volatile boolean failSyncs;

    @Override
    public Record get(byte[] key) {
        return records.get(key);
    }

    @Override
    public void put(byte[] key, Record record) {
        records.merge(key, record, (kept, next) -> next.compareTo(kept) > 0 ? next : kept);
        writes.incrementAndGet();
    }

    @Override
    public void delete(byte[] key) {
        records.remove(key);
    }

    @Override
    public RecordCursor range(byte[] start, byte[] end) {
        Iterator<Map.Entry<byte[], Record>> entries =
                (end == null ? records.tailMap(start, true) : records.subMap(start, true, end, false)).entrySet().iterator();
        return new RecordCursor() {
            private Map.Entry<byte[], Record> current;

            @Override
            public boolean next() {
                current = entries.hasNext() ? entries.next() : null;
                return current != null;
            }

            @Override
            public byte[] key() {
                return current.getKey();
            }

            @Override
            public Record record() {
                return current.getValue();
            }

            @Override
            public void close() {
            }
        };
    }

    /** Each sync takes this long, so that writes pile up behind it. */
    public void syncMillis(long millis) {
        syncMillis = millis;
    }

    public void failSyncs(boolean fail) {
        failSyncs = fail;
    }

    /** Writes that had returned when the latest successful sync started. */
    public long writesBeforeLastSync() {
        return writesBeforeLastSync;
    }

    public int syncs() {
        return syncs.get();
    }

    public long writes() {
        return writes.get();
    }

    @Override
    public void syncWal() {
        long covered = writes.get();
        if (syncMillis > 0) {
            try {
                Thread.sleep(syncMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (failSyncs) {
            throw new StorageException("injected sync fault", null);
        }
        syncs.incrementAndGet();
        writesBeforeLastSync = covered;
    }

    @Override
    public long estimatedKeys() {
        return records.size();
    }

    @Override
    public long diskBytes() {
        return 0;
    }

    @Override
    public void compact() {
    }

    @Override
    public byte[] meta(String name) {
        return meta.get(name);
    }

    @Override
    public void putMeta(String name, byte[] value) {
        meta.put(name, value);
    }

    @Override
    public void deleteMeta(String name) {
        meta.remove(name);
    }

    @Override
    public void close() {
    }

    @Override
    public void addHint(byte[] hintKey, byte[] value) {
        hints.put(hintKey, value);
    }

    @Override
    public List<Hint> hints(byte[] prefix, byte[] start, int limit, long maxBytes) {
        List<Hint> page = new ArrayList<>();
        long bytes = 0;
        for (Map.Entry<byte[], byte[]> hint : hints.tailMap(start, true).entrySet()) {
            byte[] key = hint.getKey();
            bytes += hint.getValue().length;
            if (page.size() == limit || key.length < prefix.length
                    || !Arrays.equals(key, 0, prefix.length, prefix, 0, prefix.length)
                    || (!page.isEmpty() && bytes > maxBytes)) {
                break;
            }
            page.add(new Hint(key, hint.getValue()));
        }
        largestHintPage = Math.max(largestHintPage, page.stream().mapToLong(h -> h.value().length).sum());
        return page;
    }

    /** The most bytes of hint values that one call of {@link #hints} returned. */
    public long largestHintPage() {
        return largestHintPage;
    }

    @Override
    public void removeHint(byte[] hintKey) {
        hints.remove(hintKey);
    }

    public int hintCount() {
        return hints.size();
    }
}
