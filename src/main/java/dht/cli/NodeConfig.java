package dht.cli;

import dht.cluster.PeerSettings;
import dht.http.ClientAccess;
import dht.storage.StoreSettings;

import java.util.List;

/**
 * Everything one node is started with.
 *
 * @param port the port to listen on
 * @param self this node's URL, one of {@code cluster}
 * @param cluster every member's URL; empty when the node joins
 * @param join the members whose cluster the node joins (seeds), or empty
 * @param store how RocksDB is opened
 * @param peers how peers are called
 * @param tuning the thread, queue and ring settings
 * @param access what clients may do, the admin endpoints included
 * @param maxClockSkewMillis how far ahead of this node's clock a version from elsewhere may lie
 */
record NodeConfig(int port, String self, List<String> cluster, List<String> join, StoreSettings store, PeerSettings peers,
                  Tuning tuning,
                  ClientAccess access, long maxClockSkewMillis) {

    /**
     * @param workers worker threads
     * @param queue requests that may wait for a worker
     * @param queueMillis longest wait for a worker
     * @param selectors selector threads
     * @param partitions the ring's virtual nodes
     * @param maxValueBytes largest value accepted
     * @param drainMillis how long a stopping node waits for requests in flight
     * @param replicas the replication factor, the default {@code from}, of a cluster this node starts
     * @param hintWindowMillis how long a hint is kept before it is dropped undelivered
     * @param hintMaxBytes how many bytes of hints a node keeps at most
     * @param tombstoneGraceMillis how long a tombstone is kept before it is purged
     * @param bodyMemoryBytes how many bytes of large request bodies the node holds at once
     * @param streams range streams open at once, its own and its peers' together
     * @param maxConnections connections open at once; more are refused
     * @param bodyTimeoutMillis how long a request body may take to arrive
     * @param writeTimeoutMillis how long answers may wait for a client that reads nothing
     * @param streamIdleMillis how long a range stream may wait for a client that reads nothing
     * @param repairIntervalMillis how often anti-entropy runs a pass with every peer
     * @param repairBytesPerSecond how many bytes of records anti-entropy exchanges per second at most
     * @param streamBytesPerSecond how many bytes of records a node receives per second in handoffs, and cleanup reads
     * @param speculativeReadMillis how long a read waits for its {@code ack} replicas before calling the others; 0 calls all at once
     */
    record Tuning(int workers, int queue, int queueMillis, int selectors, int partitions, int maxValueBytes,
                  int drainMillis, int replicas, long hintWindowMillis, long hintMaxBytes,
                  long tombstoneGraceMillis, long bodyMemoryBytes, int streams, int maxConnections,
                  long bodyTimeoutMillis, long writeTimeoutMillis, long streamIdleMillis, long repairIntervalMillis,
                  long repairBytesPerSecond, long streamBytesPerSecond, long speculativeReadMillis) {
    }
}
