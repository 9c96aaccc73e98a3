package dht.storage;

import java.nio.file.Path;

/**
 * How a node's RocksDB is opened.
 *
 * @param dir the directory of this node's database
 * @param blockCacheBytes the off-heap LRU cache for data, index and filter blocks
 * @param memtableBytes the size of one memtable; at most {@link RocksStore#MEMTABLES} exist at once
 * @param sync when acknowledged writes reach the disk itself (see {@link WalSync})
 * @param syncIntervalMillis the WAL sync period of {@link WalSync.Mode#PERIODIC}
 */
public record StoreSettings(Path dir, long blockCacheBytes, long memtableBytes, WalSync.Mode sync,
                            long syncIntervalMillis) {
}
