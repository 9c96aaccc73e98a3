package dht.storage;

/** A forward walk over stored records in key byte order; close it to release the snapshot it reads. */
public interface RecordCursor extends AutoCloseable {

    /** Moves to the next record; false at the end of the range. */
    boolean next();

    byte[] key();

    Record record();

    @Override
    void close();
}
