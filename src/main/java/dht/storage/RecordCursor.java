package dht.storage;

/** A forward walk over stored records in key byte order; close it to release the snapshot it reads. */
public interface RecordCursor extends AutoCloseable {

    /** Moves to the next record; false at the end of the range. */
    boolean next();

    /** The current key, in an array the caller may keep: the next move does not overwrite it. */
    byte[] key();

    /** The current record, a tombstone included; the caller may keep it. */
    Record record();

    @Override
    void close();
}
