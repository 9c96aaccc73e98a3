package dht.coordinator;

import dht.storage.Record;
import dht.storage.RecordCursor;

import java.util.Arrays;
import java.util.List;
import java.util.PriorityQueue;

/**
 * A k-way merge of replicas' sorted ranges into one: every key once, with the newest record any
 * replica holds for it, tombstones included (the caller decides what a tombstone means). Each
 * step reads one entry from each source that was at the smallest key, so the merge holds one
 * entry per source, never a whole range.
 */
final class RangeMerge implements RecordCursor {
    // fixed after construction
    private final List<RecordCursor> sources;
    private final PriorityQueue<RecordCursor> heads;

    private boolean primed;
    private byte[] key;
    private Record record;

    RangeMerge(List<RecordCursor> sources) {
        this.sources = sources;
        this.heads = new PriorityQueue<>(Math.max(1, sources.size()),
                (a, b) -> Arrays.compareUnsigned(a.key(), b.key()));
    }

    @Override
    public boolean next() {
        if (!primed) {
            primed = true;
            for (RecordCursor source : sources) {
                advance(source);
            }
        }
        RecordCursor first = heads.poll();
        if (first == null) {
            return false;
        }
        key = first.key();
        record = first.record();
        advance(first);
        while (!heads.isEmpty() && Arrays.equals(heads.peek().key(), key)) {
            RecordCursor same = heads.poll();
            record = Merge.newer(record, same.record());
            advance(same);
        }
        return true;
    }

    private void advance(RecordCursor source) {
        if (source.next()) {
            heads.add(source);
        }
    }

    @Override
    public byte[] key() {
        return key;
    }

    @Override
    public Record record() {
        return record;
    }

    @Override
    public void close() {
        RuntimeException failure = null;
        for (RecordCursor source : sources) {
            try {
                source.close();
            } catch (RuntimeException e) {
                failure = e;
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
