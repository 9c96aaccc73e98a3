package dht.storage;

/**
 * What a client's range shows of a cursor: the keys whose record is live at one moment, leaving
 * out tombstones and values expired by then. The moment is fixed when the cursor is made, so one
 * range answers as of one instant however long it streams.
 */
public final class LiveCursor extends FilteredCursor {
    public LiveCursor(RecordCursor records, long wallMillis) {
        super(records, (key, record) -> record.liveAt(wallMillis));
    }
}
