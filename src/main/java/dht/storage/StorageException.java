package dht.storage;

/** A storage fault (I/O, corruption) on one key; never an expected outcome like a missing key. */
public final class StorageException extends RuntimeException {
    public StorageException(String message, Throwable cause) {
        super(message, cause);
    }
}
