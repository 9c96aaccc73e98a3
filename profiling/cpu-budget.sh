#!/usr/bin/env bash
# Where a request's CPU goes, for dht and for the baseline of ../shared/baseline, with the same
# closed-loop wrk load in the same minutes: CPU microseconds per request of each node process
# and of wrk itself (user + system, from /proc), and the context switches per request of each
# node. On a machine whose cores the load generator shares with the nodes, the throughput of
# either system is bounded by cores / (its CPU per request + wrk's).
#
# Usage, from the project root:  profiling/cpu-budget.sh [SECONDS] [ROUNDS]
# Environment: DHT_ACK, DHT_FROM (as in lua/; 1 and 1 for one copy), LOADS (default "put get"),
#              DHT_JAR (default target/dht.jar), BASELINE (default ../shared/baseline).
# Each round runs the baseline, then dht, each as three fresh processes with -Xmx128m on free
# loopback ports, 100,000 keys of 256 bytes, wrk -t2 -c64, after 5 s of PUTs and 5 s of the load.
set -u
secs=${1:-15}; rounds=${2:-1}
jar=${DHT_JAR:-target/dht.jar}; baseline=${BASELINE:-../shared/baseline}
[ -f "$jar" ] || { echo "no $jar: run mvn -B package -DskipTests first"; exit 1; }
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk"; exit 1; }
tmp=$(mktemp -d); pids=()
cleanup() { for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null; done; rm -rf "$tmp"; }
trap cleanup EXIT
mkdir -p "$tmp/build" && cp -r "$baseline/pom.xml" "$baseline/src" "$tmp/build/"
(cd "$tmp/build" && mvn -q -B package >"$tmp/build.log" 2>&1) || { echo "baseline build failed:"; tail -5 "$tmp/build.log"; exit 1; }
bjar=$tmp/build/target/baseline.jar
export DHT_KEYS=100000
ticks=$(getconf CLK_TCK)

free_ports() { python3 -c 'import socket
s=[socket.socket() for _ in range(3)]
[x.bind(("127.0.0.1",0)) for x in s]
print(" ".join(str(x.getsockname()[1]) for x in s))
[x.close() for x in s]'; }
wait_up() { for _ in $(seq 1 200); do curl -s -o /dev/null "http://127.0.0.1:$1/v0/entity?id=up" && return 0; sleep 0.2; done; echo "node on $1 did not come up"; exit 1; }
stop_all() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done; for p in "${pids[@]}"; do wait "$p" 2>/dev/null; done; pids=(); }
# per node: CPU ticks, voluntary and involuntary context switches
snapshot() { for p in "${pids[@]}"; do
  echo "$(awk '{print $14+$15}' /proc/$p/stat)" \
       "$(cat /proc/$p/task/*/status | awk '/^voluntary_ctxt/ {v+=$2} /^nonvoluntary_ctxt/ {n+=$2} END {print v, n}')"
done; }

measure() { # system url load
  local name=$1 url=$2 load=$3
  wrk -t2 -c64 -d5s -s lua/put.lua "$url" >/dev/null 2>&1
  wrk -t2 -c64 -d5s -s "lua/$load.lua" "$url" >/dev/null 2>&1
  snapshot >"$tmp/before"
  # The subshell's waited-for children's CPU (fields 16 and 17 of its stat) is wrk's.
  ( wrk -t2 -c64 -d"${secs}"s -s "lua/$load.lua" "$url" >"$tmp/wrk.txt" 2>&1; awk '{print $16+$17}' /proc/$BASHPID/stat >"$tmp/wrkcpu" )
  snapshot >"$tmp/after"
  local total; total=$(awk '/requests in/ {print $1}' "$tmp/wrk.txt")
  paste "$tmp/before" "$tmp/after" | awk -v n="$total" -v t="$ticks" -v w="$(cat "$tmp/wrkcpu")" \
      -v rps="$(awk '/^Requests\/sec/ {print $2}' "$tmp/wrk.txt")" -v label="$name $load" '
    { cpu = ($4 - $1) * 1e6 / t / n; sum += cpu
      nodes = nodes sprintf("  node%d %.1f us (switches %.2f + %.2f)", NR, cpu, ($5 - $2) / n, ($6 - $3) / n) }
    END { wrk = w * 1e6 / t / n
          printf "%-13s %7.0f req/s  CPU per request: nodes %.1f us + wrk %.1f us = %.1f us\n%s\n", label, rps, sum, wrk, sum + wrk, nodes }'
}

for round in $(seq 1 "$rounds"); do
  for load in ${LOADS:-put get}; do
    read -r a b c <<<"$(free_ports)"; urls="http://127.0.0.1:$a,http://127.0.0.1:$b,http://127.0.0.1:$c"; i=0
    for p in $a $b $c; do java -Xmx128m -cp "$bjar" baseline.NullProxy $i "$urls" 8 256 >"$tmp/base$i.log" 2>&1 & pids+=($!); i=$((i+1)); done
    for p in $a $b $c; do wait_up "$p"; done
    measure baseline "http://127.0.0.1:$a" "$load"; stop_all
    read -r a b c <<<"$(free_ports)"; urls="http://127.0.0.1:$a,http://127.0.0.1:$b,http://127.0.0.1:$c"
    for p in $a $b $c; do java -Xmx128m -jar "$jar" --port "$p" --self "http://127.0.0.1:$p" --cluster "$urls" --data "$tmp/d$round-$load-$p" >"$tmp/dht$p.log" 2>&1 & pids+=($!); done
    for p in $a $b $c; do wait_up "$p"; done
    measure dht "http://127.0.0.1:$a" "$load"; stop_all
  done
done
