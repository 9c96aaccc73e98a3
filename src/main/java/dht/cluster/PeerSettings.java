package dht.cluster;

/**
 * How a node talks to its peers.
 *
 * @param connections pooled keep-alive connections per peer, and threads that use them
 * @param connectTimeoutMillis how long to wait for a TCP connection
 * @param timeoutMillis the deadline of one call, from submission to answer
 * @param downMillis how long a failed peer gets fast failures before the next probe
 */
public record PeerSettings(int connections, int connectTimeoutMillis, int timeoutMillis, int downMillis) {
}
