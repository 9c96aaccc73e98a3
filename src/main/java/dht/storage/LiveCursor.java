package dht.storage;

/**
 * What a client's range shows of a cursor: the keys whose record is live at one moment, leaving
 * out tombstones and values expired by then. The moment is fixed when the cursor is made, so one
 * range answers as of one instant however long it streams.
 */
public final class LiveCursor implements RecordCursor {
    private final RecordCursor records;
    private final long wallMillis;

    public LiveCursor(RecordCursor records, long wallMillis) {
        this.records = records;
        this.wallMillis = wallMillis;
    }

    @Override
    public boolean next() {
        while (records.next()) {
            if (records.record().liveAt(wallMillis)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public byte[] key() {
        return records.key();
    }

    @Override
    public Record record() {
        return records.record();
    }

    @Override
    public void close() {
        records.close();
    }
}
