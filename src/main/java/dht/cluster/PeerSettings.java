package dht.cluster;

/**
 * How a node talks to its peers.
 *
 * @param connections pooled keep-alive connections per peer, and threads that use them
 * @param connectTimeoutMillis how long to wait for a TCP connection
 * @param timeoutMillis the deadline of one call, from submission to answer
 * @param downMillis how long a failed peer gets fast failures before the next probe
 * @param maxEntryBytes the largest range entry a peer may send: the largest value with its key and header
 */
public record PeerSettings(int connections, int connectTimeoutMillis, int timeoutMillis, int downMillis,
                           int maxEntryBytes) {
}
