package dht.http;

import dht.cluster.ReplicaProtocol;
import one.nio.http.Request;

import java.util.Locale;

/** What a request asks of the node: the operation label of its metrics. */
enum Operation {
    GET, PUT, DELETE, RANGE, REPLICA_READ, REPLICA_WRITE, REPLICA_RANGE, REPLICA_PING, STATUS, METRICS, PROFILE, OTHER;

    final String label = name().toLowerCase(Locale.ROOT);

    static Operation of(String path, int method) {
        return switch (path) {
            case DhtServer.ENTITY_PATH -> switch (method) {
                case Request.METHOD_GET -> GET;
                case Request.METHOD_PUT -> PUT;
                case Request.METHOD_DELETE -> DELETE;
                default -> OTHER;
            };
            case DhtServer.RANGE_PATH -> RANGE;
            case ReplicaProtocol.ENTITY_PATH -> method == Request.METHOD_PUT ? REPLICA_WRITE : REPLICA_READ;
            case ReplicaProtocol.RANGE_PATH -> REPLICA_RANGE;
            case ReplicaProtocol.PING_PATH -> REPLICA_PING;
            case DhtServer.STATUS_PATH -> STATUS;
            case DhtServer.METRICS_PATH -> METRICS;
            case DhtServer.PROFILE_PATH -> PROFILE;
            default -> OTHER;
        };
    }
}
