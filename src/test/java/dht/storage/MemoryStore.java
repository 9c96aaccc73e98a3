package dht.coordinator;

import dht.storage.HintLog;
import dht.storage.Record;
import dht.storage.RecordCursor;
import dht.storage.Store;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;

/** A store and hint log in memory, for socket- and disk-free tests: newest record wins, like RocksStore. */
final class MemoryStore implements Store, HintLog {
    private final NavigableMap<byte[], Record> records = new ConcurrentSkipListMap<>(Arrays::compareUnsigned);
    private final NavigableMap<byte[], byte[]> hints = new ConcurrentSkipListMap<>(Arrays::compareUnsigned);

    @Override
    public Record get(byte[] key) {
        return records.get(key);
    }

    @Override
    public void put(byte[] key, Record record) {
        records.merge(key, record, Merge::newer);
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

    @Override
    public long estimatedKeys() {
        return records.size();
    }

    @Override
    public long diskBytes() {
        return 0;
    }

    @Override
    public void close() {
    }

    @Override
    public void addHint(byte[] hintKey, byte[] value) {
        hints.put(hintKey, value);
    }

    @Override
    public List<Hint> hints(byte[] prefix, byte[] start, int limit) {
        List<Hint> page = new ArrayList<>();
        for (Map.Entry<byte[], byte[]> hint : hints.tailMap(start, true).entrySet()) {
            byte[] key = hint.getKey();
            if (page.size() == limit || key.length < prefix.length
                    || !Arrays.equals(key, 0, prefix.length, prefix, 0, prefix.length)) {
                break;
            }
            page.add(new Hint(key, hint.getValue()));
        }
        return page;
    }

    @Override
    public void removeHint(byte[] hintKey) {
        hints.remove(hintKey);
    }

    int hintCount() {
        return hints.size();
    }
}
