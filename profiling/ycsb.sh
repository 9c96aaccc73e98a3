#!/usr/bin/env bash
# YCSB against a fresh cluster of three -Xmx128m node processes on loopback: loads the records,
# then runs workloads A to F, each for a bounded time, and writes YCSB's output and a summary to
# profiling/<date>-ycsb/.
#
# Usage, from anywhere:  profiling/ycsb.sh
# Environment: RECORDS (default 1000000), SECONDS_EACH (per workload, default 60), THREADS (default 32),
#              TARGET (ops/s: YCSB's -target open loop at a fixed rate; default: closed loop),
#              DHT_ACK, DHT_FROM (per request; default: the cluster's).
set -euo pipefail
cd "$(dirname "$0")/.."
records=${RECORDS:-1000000}
seconds=${SECONDS_EACH:-60}
threads=${THREADS:-32}
out=profiling/$(date +%F)-ycsb
mkdir -p "$out"
mvn -q -B -Pycsb package -DskipTests
mvn -q -B -Pycsb dependency:build-classpath -Dmdep.outputFile=target/ycsb.classpath
classpath="target/dht.jar:$(cat target/ycsb.classpath)"

data=$(mktemp -d)
pids=()
stop_nodes() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$data"
}
trap stop_nodes EXIT

read -r -a ports <<<"$(python3 -c 'import socket
held = [socket.socket() for _ in range(3)]
for s in held: s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in held))')"
urls=$(printf 'http://127.0.0.1:%s,' "${ports[@]}"); urls=${urls%,}
# Workload E's scans are range reads: each holds a stream slot on every node while it runs, so
# the nodes get room for as many as YCSB's threads can have open.
for port in "${ports[@]}"; do
  java -Xmx128m -jar target/dht.jar --port "$port" --self "http://127.0.0.1:$port" --cluster "$urls" \
       --data "$data/$port" --streams $((2 * threads)) >"$out/node-$port.log" 2>&1 &
  pids+=($!)
done
for port in "${ports[@]}"; do
  for _ in $(seq 1 150); do
    curl -sf -o /dev/null "http://127.0.0.1:$port/v0/status" && break
    sleep 0.2
  done
done

common=(-db dht.ycsb.DhtYcsbBinding -threads "$threads" -s
        -p "dht.urls=$urls" -p workload=site.ycsb.workloads.CoreWorkload -p "recordcount=$records")
[ -n "${DHT_ACK:-}" ] && common+=(-p "dht.ack=$DHT_ACK")
[ -n "${DHT_FROM:-}" ] && common+=(-p "dht.from=$DHT_FROM")
echo "loading $records records"
java -cp "$classpath" site.ycsb.Client -load "${common[@]}" >"$out/load.txt" 2>"$out/load.log"

# The core workloads' mixes: A update-heavy, B read-mostly, C read-only, D read-latest,
# E short ranges, F read-modify-write.
declare -A mix=(
  [a]="-p readproportion=0.5 -p updateproportion=0.5 -p requestdistribution=zipfian"
  [b]="-p readproportion=0.95 -p updateproportion=0.05 -p requestdistribution=zipfian"
  [c]="-p readproportion=1.0 -p updateproportion=0 -p requestdistribution=zipfian"
  [d]="-p readproportion=0.95 -p updateproportion=0 -p insertproportion=0.05 -p requestdistribution=latest"
  [e]="-p readproportion=0 -p updateproportion=0 -p scanproportion=0.95 -p insertproportion=0.05 -p requestdistribution=zipfian -p maxscanlength=100 -p scanlengthdistribution=uniform"
  [f]="-p readproportion=0.5 -p updateproportion=0 -p readmodifywriteproportion=0.5 -p requestdistribution=zipfian"
)
for w in a b c d e f; do
  echo "workload $w for ${seconds}s"
  # shellcheck disable=SC2086
  java -cp "$classpath" site.ycsb.Client -t "${common[@]}" ${mix[$w]} -p operationcount=1000000000 \
       -p "maxexecutiontime=$seconds" ${TARGET:+-target "$TARGET"} >"$out/workload$w.txt" 2>"$out/workload$w.log"
done

{
  echo "records $records, threads $threads, ${seconds}s per workload${TARGET:+, target $TARGET ops/s}, nodes: $urls"
  for f in load a b c d e f; do
    file="$out/workload$f.txt"; [ "$f" = load ] && file="$out/load.txt"
    awk -v w="$f" -F', ' '$1 == "[OVERALL]" && $2 == "Throughput(ops/sec)" {printf "%s: %.0f ops/s\n", w, $3}
      $1 ~ /^\[(READ|UPDATE|INSERT|SCAN|READ-MODIFY-WRITE)\]$/ && $2 == "AverageLatency(us)" {printf "  %s avg %.0f us", $1, $3}
      $1 ~ /^\[(READ|UPDATE|INSERT|SCAN|READ-MODIFY-WRITE)\]$/ && $2 == "95thPercentileLatency(us)" {printf ", p95 %d us", $3}
      $1 ~ /^\[(READ|UPDATE|INSERT|SCAN|READ-MODIFY-WRITE)\]$/ && $2 == "99thPercentileLatency(us)" {printf ", p99 %d us\n", $3}
      $1 ~ /^\[(READ|UPDATE|INSERT|SCAN|READ-MODIFY-WRITE)-FAILED\]$/ && $2 == "Operations" {printf "  %s %d\n", $1, $3}' "$file"
  done
} | tee "$out/summary.txt"
