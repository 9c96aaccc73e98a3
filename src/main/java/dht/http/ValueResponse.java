package dht.http;

import dht.storage.Record;
import one.nio.http.Response;

import java.util.Arrays;

/**
 * The answer to a read that found a value, made from the record as read: the value is copied
 * once, into the answer's bytes, instead of out of the record and then again into the answer.
 */
final class ValueResponse extends Response {
    private final Record record;

    ValueResponse(Record record) {
        super(Response.OK);
        this.record = record;
        addHeader("Content-Length: " + record.valueLength());
    }

    @Override
    public byte[] toBytes(boolean includeBody) {
        byte[] head = super.toBytes(false);
        if (!includeBody) {
            return head;
        }
        byte[] bytes = Arrays.copyOf(head, head.length + record.valueLength());
        record.copyValue(bytes, head.length);
        return bytes;
    }
}
