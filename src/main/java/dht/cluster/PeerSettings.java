package dht.cluster;

/**
 * How a node talks to its peers.
 *
 * @param connections pipelined keep-alive connections per peer
 * @param connectTimeoutMillis how long a range stream waits for its TCP connection
 * @param timeoutMillis the deadline of one call, from submission to answer
 * @param maxEntryBytes the largest range entry a peer may send: the largest value with its key and header
 * @param secret what every call is signed with
 */
public record PeerSettings(int connections, int connectTimeoutMillis, int timeoutMillis,
                           int maxEntryBytes, ClusterSecret secret) {
}
