package dht.storage;

import java.util.List;

/** Durable hints: opaque keyed entries, kept apart from the records, scanned by key prefix. */
public interface HintLog {

    void addHint(byte[] hintKey, byte[] value);

    /**
     * Up to {@code limit} hints whose keys start with {@code prefix}, from {@code start} on, in key
     * order, and no more after the first than keep their values within {@code maxBytes}: hints
     * hold whole values, and a page of large ones must not fill the heap.
     */
    List<Hint> hints(byte[] prefix, byte[] start, int limit, long maxBytes);

    void removeHint(byte[] hintKey);

    /** One stored hint. */
    record Hint(byte[] key, byte[] value) {
    }
}
