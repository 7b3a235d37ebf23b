#!/usr/bin/env bash
# Overhead of SightlineMiddleware on a Hummingbird hello-world, under wrk (docs/BENCHMARKS.md,
# "Swift SDK overhead"). Two apps run side by side, identical but for the middleware; wrk loads
# one at a time, alternating, ROUNDS times per scenario; the figures are medians.
#
#   sdk/Benchmarks/run-overhead.sh [ROUNDS] [DURATION]      (defaults: 7 rounds of 10s)
#
# Scenarios: "saturation" (CONNS connections, default 32: throughput and p99 at full load) and
# "one connection" (1 connection: per-request latency without queueing).
# The middleware's client sends to a local sink that acknowledges every batch, so the receiving
# side is never the bottleneck; the client's own work (encoding, gzip, HTTP) is in the app.
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${1:-7}
DURATION=${2:-10s}
CONNS=${CONNS:-32}
THREADS=${THREADS:-1}
PLAIN_PORT=18181
SIGHTLINE_PORT=18182
SINK_PORT=18190

swift build -c release --product SDKOverheadBench >/dev/null
BIN=.build/release/SDKOverheadBench
OUT=$(mktemp -d)

"$BIN" sink --port $SINK_PORT >"$OUT/sink.log" 2>&1 &
SINK=$!
"$BIN" app --port $PLAIN_PORT >"$OUT/plain.log" 2>&1 &
PLAIN=$!
"$BIN" app --port $SIGHTLINE_PORT --sightline "http://127.0.0.1:$SINK_PORT" >"$OUT/sightline.log" 2>&1 &
WITH=$!
trap 'kill $PLAIN $WITH 2>/dev/null; sleep 1; kill $SINK 2>/dev/null' EXIT
sleep 2

# µs from wrk's "99%   1.23ms" style figures.
to_us() { awk '{ v=$1; if (v ~ /us$/) { sub(/us$/,"",v); print v } else if (v ~ /ms$/) { sub(/ms$/,"",v); print v*1000 } else if (v ~ /s$/) { sub(/s$/,"",v); print v*1000000 } }'; }

run() {  # run <label> <port> <connections> <threads> <duration>
    local result
    # A browser-like User-Agent and a query string, so that events carry what real ones do.
    result=$(wrk -t"$4" -c"$3" -d"$5" --latency -H "User-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0" "http://127.0.0.1:$2/?page=2&sort=asc")
    local rps p99 p50
    rps=$(echo "$result" | awk '/Requests\/sec/ {print $2}')
    p50=$(echo "$result" | awk '$1=="50%" {print $2}' | to_us)
    p99=$(echo "$result" | awk '$1=="99%" {print $2}' | to_us)
    echo "$1 $rps $p50 $p99"
}

median() { sort -n | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), load $(cut -d' ' -f1-3 /proc/loadavg)"
for scenario in "saturation $CONNS $THREADS" "one-connection 1 1"; do
    set -- $scenario
    name=$1; conns=$2; threads=$3
    # Warm-up (JIT-free, but caches, connection pools and the client's first batches).
    run warm $PLAIN_PORT "$conns" "$threads" 3s >/dev/null
    run warm $SIGHTLINE_PORT "$conns" "$threads" 3s >/dev/null
    : >"$OUT/$name.txt"
    for round in $(seq 1 "$ROUNDS"); do
        if (( round % 2 )); then order="plain sightline"; else order="sightline plain"; fi
        for mode in $order; do
            port=$PLAIN_PORT; [[ $mode == sightline ]] && port=$SIGHTLINE_PORT
            line=$(run "$mode" $port "$conns" "$threads" "$DURATION")
            echo "$name round $round $line" | tee -a "$OUT/$name.txt"
        done
    done
    for mode in plain sightline; do
        rps=$(awk -v m=$mode '$4==m {print $5}' "$OUT/$name.txt" | median)
        p50=$(awk -v m=$mode '$4==m {print $6}' "$OUT/$name.txt" | median)
        p99=$(awk -v m=$mode '$4==m {print $7}' "$OUT/$name.txt" | median)
        echo "MEDIAN $name $mode req/s=$rps p50_us=$p50 p99_us=$p99"
    done
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
kill -TERM $WITH; sleep 2
echo "sightline app: $(grep counters "$OUT/sightline.log" || echo 'no counters line')"
