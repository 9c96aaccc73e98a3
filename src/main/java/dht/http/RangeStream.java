package dht.http;

import dht.coordinator.Outcome;
import dht.coordinator.RangeUnavailable;
import dht.storage.Record;
import dht.storage.RecordCursor;
import dht.storage.StorageException;
import one.nio.http.Response;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * One range answer in flight: pumps a cursor's entries to the client as chunks, as fast as the
 * client's socket takes them and no faster. It works in turns on a stream thread: a turn writes
 * batches until the socket is full and returns; the session resumes it once the socket has
 * drained, or has closed, which ends the stream and releases the cursor. A turn is submitted
 * only after the previous one returned, so the fields need no lock.
 */
final class RangeStream implements Runnable {
    private static final System.Logger LOG = System.getLogger(RangeStream.class.getName());
    private static final int BATCH_BYTES = 64 * 1024;
    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    // fixed after construction
    private final DhtSession session;
    private final Supplier<RecordCursor> source;
    private final ChunkFormat format;
    private final Runnable onFinish;
    private final Runnable resume;
    private final byte[] batch = new byte[BATCH_BYTES];

    // one turn at a time
    private RecordCursor cursor;
    private boolean exhausted;
    private boolean finished;
    private byte[] pendingKey;
    private Record pendingRecord;
    private int pendingPayload;

    /**
     * @param source opens the cursor on the stream thread, where waiting on peers is allowed
     * @param onFinish runs once, when the stream has ended in any way
     */
    RangeStream(DhtSession session, Supplier<RecordCursor> source, ChunkFormat format, Executor executor,
                Runnable onFinish) {
        this.session = session;
        this.source = source;
        this.format = format;
        this.onFinish = onFinish;
        this.resume = () -> executor.execute(this);
    }

    @Override
    public void run() {
        if (finished) {
            return;
        }
        try {
            if (cursor == null && !open()) {
                finish();
            } else if (pump()) {
                session.endStream();
                finish();
            }
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "range client went away: {0}", e.toString());
            finish();
        } catch (RuntimeException e) {
            fail(e);
        }
    }

    /** Opens the cursor and sends the head; false when an error status went out instead. */
    private boolean open() throws IOException {
        try {
            cursor = source.get();
        } catch (RangeUnavailable e) {
            session.sendResponse(Responses.of(e.outcome()));
            return false;
        } catch (StorageException e) {
            session.sendResponse(Responses.of(new Outcome.StorageFailed(e.getMessage())));
            return false;
        }
        Response head = new Response(Response.OK);
        head.addHeader("Content-Type: application/octet-stream");
        session.startStream(head);
        return true;
    }

    /** Writes entries until the range is done (true) or the socket is full (false: paused). */
    private boolean pump() throws IOException {
        int length = 0;
        while (true) {
            if (pendingKey == null) {
                if (exhausted || !cursor.next()) {
                    exhausted = true;
                    break;
                }
                pendingPayload = format.payloadLength(cursor.key(), cursor.record());
                pendingKey = cursor.key();
                pendingRecord = cursor.record();
            }
            int payload = pendingPayload;
            int chunk = hexDigits(payload) + 2 + payload + 2;
            if (length > 0 && length + chunk > batch.length) {
                if (!flush(batch, length)) {
                    return false;
                }
                length = 0;
            }
            if (chunk > batch.length) {
                // A value larger than a batch goes out in an array of its own, held until written.
                byte[] single = new byte[chunk];
                writeChunk(single, 0, payload);
                if (!flush(single, chunk)) {
                    return false;
                }
            } else {
                length = writeChunk(batch, length, payload);
            }
        }
        return length == 0 || flush(batch, length);
    }

    private int writeChunk(byte[] out, int offset, int payload) {
        int digits = hexDigits(payload);
        for (int i = digits - 1, rest = payload; i >= 0; i--, rest >>>= 4) {
            out[offset + i] = HEX[rest & 0xf];
        }
        int at = offset + digits;
        out[at++] = '\r';
        out[at++] = '\n';
        format.write(pendingKey, pendingRecord, out, at);
        at += payload;
        out[at++] = '\r';
        out[at++] = '\n';
        pendingKey = null;
        pendingRecord = null;
        return at;
    }

    private static int hexDigits(int value) {
        return Math.max(1, (35 - Integer.numberOfLeadingZeros(value)) / 4);
    }

    private boolean flush(byte[] data, int length) throws IOException {
        return session.writeStreamed(data, length, resume);
    }

    private void fail(RuntimeException e) {
        LOG.log(System.Logger.Level.WARNING, "range stream failed: {0}", e.getMessage());
        if (cursor == null) {
            try {
                session.sendResponse(Responses.text(Response.INTERNAL_ERROR, "range failed: " + e.getMessage()));
            } catch (IOException gone) {
                session.scheduleClose();
            }
        } else {
            session.close(); // the client sees the chunked body break off, never a silently short answer
        }
        finish();
    }

    private void finish() {
        finished = true;
        if (cursor != null) {
            try {
                cursor.close();
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "closing a range cursor failed: {0}", e.getMessage());
            }
        }
        onFinish.run();
    }
}
