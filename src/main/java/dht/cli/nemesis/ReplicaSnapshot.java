package dht.cli.nemesis;

import dht.cluster.ClusterSecret;
import dht.cluster.ReplicaProtocol;
import dht.cluster.Ring;
import dht.storage.Record;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What each replica of each key holds, read from the replicas themselves through the internal
 * endpoint (signed with the cluster secret, as a peer would), so that no read repair and no
 * quorum hides a replica that missed a write.
 */
final class ReplicaSnapshot {
    /** The nemesis is no member; the nodes accept a signed call from any sender. */
    private static final String SENDER = "nemesis";

    /** One key's replicas: their records in preference order, null for a replica that has none. */
    record KeyReplicas(List<Integer> nodes, List<Record> records, String error) {
        boolean agree() {
            return error == null && records.stream().distinct().count() == 1;
        }

        /** The value a read of all replicas returns: the newest record's, null when it is a tombstone or none. */
        String newestValue() {
            Record newest = records.stream().filter(r -> r != null)
                    .max(Record::compareTo).orElse(null);
            return newest == null || newest.tombstone() ? null : new String(newest.value(), StandardCharsets.UTF_8);
        }

        String describe() {
            if (error != null) {
                return error;
            }
            List<String> parts = new ArrayList<>();
            for (int i = 0; i < nodes.size(); i++) {
                Record record = records.get(i);
                parts.add("node " + nodes.get(i) + ": " + (record == null ? "(none)" : record.tombstone()
                        ? "tombstone@" + record.version() : new String(record.value(), StandardCharsets.UTF_8) + "@" + record.version()));
            }
            return String.join(", ", parts);
        }
    }

    private final List<String> urls;
    private final Ring ring;
    private final int replicas;
    private final ClusterSecret secret;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(1)).build();

    ReplicaSnapshot(List<String> urls, int replicas, ClusterSecret secret) {
        this.urls = List.copyOf(urls);
        this.ring = new Ring(urls, Ring.DEFAULT_PARTITIONS);
        this.replicas = replicas;
        this.secret = secret;
    }

    /** The nodes that hold the key, in preference order. */
    List<Integer> replicasOf(String key) {
        int[] members = ring.preferenceList(key.getBytes(StandardCharsets.UTF_8), replicas);
        return Arrays.stream(members).mapToObj(member -> urls.indexOf(ring.members().get(member))).toList();
    }

    Map<String, KeyReplicas> read(List<String> keys) throws InterruptedException {
        Map<String, KeyReplicas> snapshot = new LinkedHashMap<>();
        for (String key : keys) {
            List<Integer> nodes = replicasOf(key);
            List<Record> records = new ArrayList<>();
            String error = null;
            for (int node : nodes) {
                try {
                    records.add(read(node, key));
                } catch (IOException e) {
                    error = "node " + node + ": " + e.getMessage();
                    break;
                }
            }
            snapshot.put(key, new KeyReplicas(nodes, records, error));
        }
        return snapshot;
    }

    /** Writes a record straight to every replica of the key, as a peer's replica write would. */
    void write(String key, Record record) throws IOException, InterruptedException {
        byte[] body = ReplicaProtocol.recordBody(record);
        for (int node : replicasOf(key)) {
            HttpResponse<byte[]> response = send(node, "PUT", key, body);
            if (response.statusCode() != ReplicaProtocol.STORED) {
                throw new IOException("node " + node + " answered " + response.statusCode() + " to a replica write");
            }
        }
    }

    private Record read(int node, String key) throws IOException, InterruptedException {
        HttpResponse<byte[]> response = send(node, "GET", key, new byte[0]);
        return switch (response.statusCode()) {
            case ReplicaProtocol.FOUND -> ReplicaProtocol.record(response.body());
            case ReplicaProtocol.ABSENT -> null;
            default -> throw new IOException("answered " + response.statusCode());
        };
    }

    private HttpResponse<byte[]> send(int node, String method, String key, byte[] body)
            throws IOException, InterruptedException {
        String target = ReplicaProtocol.ENTITY_PATH + "?id=" + key;
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(urls.get(node) + target))
                .timeout(Duration.ofSeconds(5))
                .header(ReplicaProtocol.SENDER_HEADER, SENDER)
                .method(method, body.length == 0 && method.equals("GET") ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(body));
        if (secret.enabled()) {
            request.header(ClusterSecret.HEADER, secret.headerValue(method, target, SENDER, System.currentTimeMillis(), body.length));
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }
}
