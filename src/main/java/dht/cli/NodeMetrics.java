package dht.cli;

import dht.cluster.PeerClient;
import dht.cluster.PeerHealth;
import dht.coordinator.AntiEntropy;
import dht.coordinator.Cleanup;
import dht.coordinator.ClusterView;
import dht.coordinator.Handoff;
import dht.coordinator.FollowUps;
import dht.coordinator.SpeculativeReads;
import dht.coordinator.Hints;
import dht.coordinator.TombstonePurge;
import dht.http.BodyBudget;
import dht.http.Connections;
import dht.http.RangeStreams;
import dht.http.RequestMetrics;
import dht.http.WorkerPool;
import dht.storage.RocksStore;
import dht.storage.WalSync;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Collection;
import java.util.Locale;
import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;

/**
 * A node's {@code /metrics} in the Prometheus text format. Requests are counted as they are
 * answered ({@link RequestMetrics}); everything else is read at scrape time from the part that
 * keeps it, so the request path pays nothing for it.
 */
final class NodeMetrics {
    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();
    private final RequestMetrics requests = new RequestMetrics(registry);

    /** @param peers the clients of the other members, live: members that join show up */
    NodeMetrics(Collection<PeerClient> peers, RocksStore store, WalSync wal, WorkerPool workers, Hints hints, FollowUps followUps,
                BodyBudget bodies, Connections connections, RangeStreams streams, AntiEntropy repair, TombstonePurge purge,
                SpeculativeReads speculative) {
        CounterWithCallback.builder()
                .name("dht_peer_calls")
                .help("Calls to each peer (replica reads and writes, range streams), by how they ended")
                .labelNames("peer", "result")
                .callback(callback -> {
                    for (PeerClient peer : peers) {
                        for (PeerClient.CallResult result : PeerClient.CallResult.values()) {
                            callback.call(peer.calls(result), peer.url(), result.name().toLowerCase(Locale.ROOT));
                        }
                    }
                })
                .register(registry);
        CounterWithCallback.builder()
                .name("dht_peer_clock_refusals")
                .help("Records from each peer refused for a version further ahead of this node's clock than --max-clock-skew-ms")
                .labelNames("peer")
                .callback(callback -> {
                    for (PeerClient peer : peers) {
                        callback.call(peer.health().state().clockRefusals(), peer.url());
                    }
                })
                .register(registry);
        GaugeWithCallback.builder()
                .name("dht_peer_down")
                .help("1 while this node marks the peer down (after a failed call, until any contact)")
                .labelNames("peer")
                .callback(callback -> {
                    for (PeerClient peer : peers) {
                        callback.call(peer.health().isDown() ? 1 : 0, peer.url());
                    }
                })
                .register(registry);
        GaugeWithCallback.builder()
                .name("dht_peer_state_seconds")
                .help("Seconds since the peer entered its state, up or down")
                .labelNames("peer")
                .callback(callback -> {
                    for (PeerClient peer : peers) {
                        PeerHealth.State state = peer.health().state();
                        callback.call((System.nanoTime() - state.sinceNanos()) / 1e9, peer.url());
                    }
                })
                .register(registry);
        CounterWithCallback.builder()
                .name("dht_peer_probes")
                .help("Pings sent to a peer marked down, by whether it answered")
                .labelNames("peer", "result")
                .callback(callback -> {
                    for (PeerClient peer : peers) {
                        PeerHealth.State state = peer.health().state();
                        callback.call(state.probesOk(), peer.url(), "answered");
                        callback.call(state.probesFailed(), peer.url(), "failed");
                    }
                })
                .register(registry);
        CounterWithCallback.builder()
                .name("dht_followups_dropped")
                .help("Hints and read repairs dropped because the follow-up queue was full, in tasks or in bytes")
                .labelNames("kind")
                .callback(callback -> {
                    for (FollowUps.Kind kind : FollowUps.Kind.values()) {
                        callback.call(followUps.dropped(kind), kind.name().toLowerCase(Locale.ROOT));
                    }
                })
                .register(registry);
        counter("dht_speculative_reads", "Reads that called their spare replicas because their first ones had not decided within --speculative-read-ms",
                speculative::fired);
        gauge("dht_followups_queued", "Hints and read repairs waiting for the follow-up thread", followUps::queued);
        gauge("dht_worker_queue_depth", "Requests waiting for a worker", workers::queued);
        gauge("dht_worker_busy", "Workers running a request", workers::busy);
        CounterWithCallback.builder()
                .name("dht_worker_refusals")
                .help("Requests refused with 503: the queue was full, or a request waited past --queue-ms")
                .labelNames("reason")
                .callback(callback -> {
                    callback.call(workers.refusedFull(), "queue_full");
                    callback.call(workers.refusedLate(), "deadline");
                })
                .register(registry);
        gauge("dht_rocksdb_estimated_keys", "RocksDB's estimate of the keys stored (overwrites and tombstones count until compaction)", store::estimatedKeys);
        gauge("dht_rocksdb_sst_bytes", "Bytes of table files on disk", store::diskBytes);
        gauge("dht_rocksdb_memtable_bytes", "Bytes in memtables, the active one and those waiting to flush", store::memtableBytes);
        gauge("dht_rocksdb_pending_compaction_bytes", "RocksDB's estimate of the bytes compaction must still rewrite", store::pendingCompactionBytes);
        gauge("dht_rocksdb_running_compactions", "Compactions running now", store::runningCompactions);
        counter("dht_wal_syncs", "WAL syncs that succeeded (--fsync, --fsync-interval-ms)", wal::syncs);
        counter("dht_wal_synced_writes", "Writes acknowledged after a WAL sync covered them (--fsync)", wal::syncedWrites);
        counter("dht_wal_sync_failures", "WAL syncs that failed; under --fsync each failed its batch's writes", wal::failedSyncs);
        gauge("dht_hints_stored_bytes", "Bytes of hints kept for replicas that missed writes", hints::storedBytes);
        counter("dht_hints_dropped", "Hints dropped because --hint-max-mb was reached", hints::dropped);
        gauge("dht_body_memory_held_bytes", "Bytes of request bodies held now", bodies::heldBytes);
        gauge("dht_connections_open", "Client and peer connections open now", connections::open);
        counter("dht_connections_refused", "Connections refused because --max-connections were open", connections::refused);
        gauge("dht_unsent_answer_bytes", "Bytes of answers waiting for clients to read them", connections::unsentBytes);
        CounterWithCallback.builder()
                .name("dht_connections_closed")
                .help("Connections the node closed: a head or body that did not arrive in time, answers not read in time, "
                        + "a range stream whose client stopped reading, or unsent answers over the node's bound")
                .labelNames("reason")
                .callback(callback -> {
                    for (Connections.Closed reason : Connections.Closed.values()) {
                        callback.call(connections.closed(reason), reason.name().toLowerCase(Locale.ROOT));
                    }
                })
                .register(registry);
        gauge("dht_range_streams_open", "Range streams open now, clients' and peers'", streams::open);
        counter("dht_repair_keys_compared", "Keys shared with a peer that anti-entropy passes compared", repair::compared);
        CounterWithCallback.builder()
                .name("dht_repair_records")
                .help("Records anti-entropy exchanged: pulled from peers into this node, pushed from it to peers")
                .labelNames("direction")
                .callback(callback -> {
                    callback.call(repair.pulled(), "pulled");
                    callback.call(repair.pushed(), "pushed");
                })
                .register(registry);
        counter("dht_repair_bytes", "Bytes of records anti-entropy exchanged, both ways", repair::bytes);
        counter("dht_repair_failed_passes", "Anti-entropy passes with a peer that failed", repair::failedPasses);
        gauge("dht_repair_last_pass_seconds", "How long the last anti-entropy pass with every peer took", () -> repair.lastPassMillis() / 1e3);
        gauge("dht_repair_since_complete_pass_seconds", "Seconds since the oldest of the last completed passes over every range "
                + "with every peer began; -1 until each has completed once", repair::secondsSinceCompletePass);
        gauge("dht_tombstones_awaiting_repair", "Tombstones past the grace period kept because a replica of theirs was not "
                + "repaired since they were written", purge::awaitingRepair);
        counter("dht_tombstones_purged", "Tombstones purged", purge::purged);
        JvmMetrics.builder().register(registry);
    }

    /** The membership's epoch and change, and the records moved by handoffs and cleanups. */
    void membership(ClusterView view, Handoff handoff, Cleanup cleanup) {
        gauge("dht_membership_epoch", "The epoch of the membership this node holds", view::epoch);
        gauge("dht_membership_changing", "1 while a membership change is under way", () -> view.placement().changing() ? 1 : 0);
        counter("dht_handoff_records", "Records this node received from handoff streams", handoff::received);
        counter("dht_handoff_bytes", "Bytes of records (keys and encodings) this node received from handoff streams",
                handoff::receivedBytes);
        counter("dht_cleanup_deleted_records", "Records deleted after membership changes, of arcs this node no longer replicates",
                cleanup::deleted);
        counter("dht_cleanup_deleted_bytes", "Bytes of the records the cleanup deleted", cleanup::deletedBytes);
    }

    private void counter(String name, String help, LongSupplier value) {
        CounterWithCallback.builder().name(name).help(help).callback(callback -> callback.call(value.getAsLong())).register(registry);
    }

    private void gauge(String name, String help, DoubleSupplier value) {
        GaugeWithCallback.builder().name(name).help(help).callback(callback -> callback.call(value.getAsDouble())).register(registry);
    }

    RequestMetrics requests() {
        return requests;
    }

    String contentType() {
        return writer.getContentType();
    }

    byte[] scrape() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(16 * 1024);
        try {
            writer.write(out, registry.scrape());
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
        }
        return out.toByteArray();
    }
}
