package dht.coordinator;

import dht.storage.Record;
import dht.storage.RecordCursor;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RangeMergeTest {

    /** A sorted in-memory range: keys as strings, each with its record. */
    private static final class ListCursor implements RecordCursor {
        private final List<Object[]> entries = new ArrayList<>();
        private int at = -1;
        boolean closed;

        ListCursor add(String key, Record record) {
            entries.add(new Object[] {key.getBytes(StandardCharsets.UTF_8), record});
            return this;
        }

        @Override
        public boolean next() {
            return ++at < entries.size();
        }

        @Override
        public byte[] key() {
            return (byte[]) entries.get(at)[0];
        }

        @Override
        public Record record() {
            return (Record) entries.get(at)[1];
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    private static Record live(long version, String value) {
        return Record.live(version, value.getBytes(StandardCharsets.UTF_8));
    }

    private static List<String> drain(RecordCursor cursor) {
        List<String> out = new ArrayList<>();
        while (cursor.next()) {
            Record record = cursor.record();
            out.add(new String(cursor.key(), StandardCharsets.UTF_8) + "="
                    + (record.tombstone() ? "deleted@" + record.version() : new String(record.value(), StandardCharsets.UTF_8)));
        }
        return out;
    }

    @Test
    void everyKeyOnce_inByteOrder_withTheNewestRecordOfAnyReplica() {
        ListCursor a = new ListCursor().add("a", live(1, "a1")).add("b", live(5, "b5")).add("d", Record.tombstone(9));
        ListCursor b = new ListCursor().add("b", live(7, "b7")).add("c", live(2, "c2")).add("d", live(8, "d8"));
        ListCursor c = new ListCursor().add("a", live(3, "a3")).add("\u00e9", live(1, "e1"));
        RangeMerge merge = new RangeMerge(List.of(a, b, c, new ListCursor()));
        assertEquals(List.of("a=a3", "b=b7", "c=c2", "d=deleted@9", "\u00e9=e1"), drain(merge));
        merge.close();
        assertTrue(a.closed && b.closed && c.closed);
    }

    @Test
    void noSources_orOnlyEmptyOnes_makeAnEmptyRange() {
        assertEquals(List.of(), drain(new RangeMerge(List.of())));
        assertEquals(List.of(), drain(new RangeMerge(List.of(new ListCursor(), new ListCursor()))));
    }
}
