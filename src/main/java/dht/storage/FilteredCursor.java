package dht.storage;

import java.util.function.BiPredicate;

/** The entries of a cursor that a test keeps, in the cursor's order; the others are read past. */
public class FilteredCursor implements RecordCursor {
    private final RecordCursor records;
    private final BiPredicate<byte[], Record> keep;

    /** @param keep asked once per entry read, in order */
    public FilteredCursor(RecordCursor records, BiPredicate<byte[], Record> keep) {
        this.records = records;
        this.keep = keep;
    }

    @Override
    public boolean next() {
        while (records.next()) {
            if (keep.test(records.key(), records.record())) {
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
