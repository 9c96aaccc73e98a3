package dht.client;

import dht.cluster.ChunkedReader;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * A key range as it streams from a node: one entry read from the socket per step, so a range of
 * any size goes through a client of any heap. An answer that breaks off before its end fails the
 * step that meets the break ({@link UncheckedIOException}), never passing for a short range.
 * Not thread-safe; close it to let go of the connection early.
 */
public final class RangeIterator implements Iterator<RangeIterator.Entry>, AutoCloseable {
    /** One live key and its value. */
    public record Entry(String key, byte[] value) {
    }

    private final ChunkedReader reader;
    private Entry next;
    private boolean ended;

    RangeIterator(ChunkedReader reader) {
        this.reader = reader;
    }

    @Override
    public boolean hasNext() {
        if (next == null && !ended) {
            byte[] chunk;
            try {
                chunk = reader.next();
            } catch (IOException e) {
                close();
                throw new UncheckedIOException("the range broke off: " + e.getMessage(), e);
            }
            if (chunk == null) {
                ended = true;
                close();
            } else {
                next = entry(chunk);
            }
        }
        return next != null;
    }

    /** A chunk is the key's UTF-8 bytes, a newline, then the value, which may hold newlines itself. */
    private static Entry entry(byte[] chunk) {
        int newline = 0;
        while (newline < chunk.length && chunk[newline] != '\n') {
            newline++;
        }
        if (newline == chunk.length) {
            throw new UncheckedIOException(new IOException("a range entry without the newline after its key"));
        }
        return new Entry(new String(chunk, 0, newline, StandardCharsets.UTF_8),
                Arrays.copyOfRange(chunk, newline + 1, chunk.length));
    }

    @Override
    public Entry next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        Entry entry = next;
        next = null;
        return entry;
    }

    @Override
    public void close() {
        try {
            reader.close();
        } catch (IOException e) {
            // the connection is gone either way
        }
    }
}
