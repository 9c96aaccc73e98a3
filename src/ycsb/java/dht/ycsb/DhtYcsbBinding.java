package dht.ycsb;

import dht.client.DhtClient;
import dht.client.DhtException;
import dht.client.RangeIterator;
import site.ycsb.ByteArrayByteIterator;
import site.ycsb.ByteIterator;
import site.ycsb.DB;
import site.ycsb.DBException;
import site.ycsb.Status;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.Vector;

/**
 * YCSB's binding for dht, through {@link DhtClient}.
 *
 * <p>A YCSB record is one dht value under its key (the table name is not used: dht has one key
 * space). Its fields are stored as a count, then for each field its name and its bytes, each
 * preceded by its length (4-byte big-endian integers, names in UTF-8). {@code update} reads the
 * record, replaces the fields it is given and writes it back, as YCSB expects an update of some
 * fields to keep the others. {@code scan} is a range read from the start key, stopped after the
 * record count. Properties: {@code dht.urls} (members, comma-separated; required),
 * {@code dht.ack} and {@code dht.from} (default: the cluster's), {@code dht.token}.
 * One client serves every YCSB thread of the JVM.
 */
public final class DhtYcsbBinding extends DB {
    private static final Object LOCK = new Object();
    private static DhtClient shared; // guarded by LOCK
    private static int users;        // guarded by LOCK

    private DhtClient client;
    private int ack;
    private int from;

    @Override
    public void init() throws DBException {
        String urls = getProperties().getProperty("dht.urls");
        if (urls == null) {
            throw new DBException("set -p dht.urls=http://host:port[,...]");
        }
        ack = Integer.parseInt(getProperties().getProperty("dht.ack", "0"));
        from = Integer.parseInt(getProperties().getProperty("dht.from", "0"));
        synchronized (LOCK) {
            if (shared == null) {
                DhtClient.Builder builder = DhtClient.builder(urls.split(","));
                String token = getProperties().getProperty("dht.token");
                if (token != null) {
                    builder.token(token);
                }
                shared = builder.build();
            }
            users++;
            client = shared;
        }
    }

    @Override
    public void cleanup() {
        synchronized (LOCK) {
            if (--users == 0) {
                shared.close();
                shared = null;
            }
        }
    }

    @Override
    public Status read(String table, String key, Set<String> fields, Map<String, ByteIterator> result) {
        try {
            return client.get(key, ack, from).map(value -> {
                decode(value, fields, result);
                return Status.OK;
            }).orElse(Status.NOT_FOUND);
        } catch (DhtException | UncheckedIOException e) {
            return Status.ERROR;
        }
    }

    @Override
    public Status scan(String table, String startKey, int count, Set<String> fields,
                       Vector<HashMap<String, ByteIterator>> result) {
        try (RangeIterator range = client.range(startKey, null)) {
            while (result.size() < count && range.hasNext()) {
                HashMap<String, ByteIterator> record = new HashMap<>();
                decode(range.next().value(), fields, record);
                result.add(record);
            }
            return Status.OK;
        } catch (DhtException | UncheckedIOException e) {
            return Status.ERROR;
        }
    }

    @Override
    public Status update(String table, String key, Map<String, ByteIterator> values) {
        try {
            Map<String, ByteIterator> record = new HashMap<>();
            client.get(key, ack, from).ifPresent(value -> decode(value, null, record));
            record.putAll(values);
            client.put(key, encode(record), ack, from);
            return Status.OK;
        } catch (DhtException | UncheckedIOException e) {
            return Status.ERROR;
        }
    }

    @Override
    public Status insert(String table, String key, Map<String, ByteIterator> values) {
        try {
            client.put(key, encode(values), ack, from);
            return Status.OK;
        } catch (DhtException | UncheckedIOException e) {
            return Status.ERROR;
        }
    }

    @Override
    public Status delete(String table, String key) {
        try {
            client.delete(key, ack, from);
            return Status.OK;
        } catch (DhtException | UncheckedIOException e) {
            return Status.ERROR;
        }
    }

    static byte[] encode(Map<String, ByteIterator> fields) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(fields.size());
            for (Map.Entry<String, ByteIterator> field : fields.entrySet()) {
                byte[] name = field.getKey().getBytes(StandardCharsets.UTF_8);
                byte[] value = field.getValue().toArray();
                out.writeInt(name.length);
                out.write(name);
                out.writeInt(value.length);
                out.write(value);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
        }
        return bytes.toByteArray();
    }

    /** The record's fields into {@code out}: all of them, or those named in {@code wanted}. */
    static void decode(byte[] record, Set<String> wanted, Map<String, ByteIterator> out) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(record))) {
            for (int count = in.readInt(); count > 0; count--) {
                String name = new String(in.readNBytes(in.readInt()), StandardCharsets.UTF_8);
                byte[] value = in.readNBytes(in.readInt());
                if (wanted == null || wanted.contains(name)) {
                    out.put(name, new ByteArrayByteIterator(value));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("a value that is not a YCSB record", e);
        }
    }
}
