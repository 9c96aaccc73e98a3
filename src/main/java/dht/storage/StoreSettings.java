package dht.storage;

import java.nio.file.Path;

/**
 * How a node's RocksDB is opened.
 *
 * @param dir the directory of this node's database
 * @param blockCacheBytes the off-heap LRU cache for data, index and filter blocks
 * @param memtableBytes the size of one memtable; at most {@link RocksStore#MEMTABLES} exist at once
 * @param fsync sync the WAL on every write (power-loss durability) instead of leaving it to the OS
 */
public record StoreSettings(Path dir, long blockCacheBytes, long memtableBytes, boolean fsync) {
}
