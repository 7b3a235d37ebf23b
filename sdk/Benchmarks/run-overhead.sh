#!/usr/bin/env bash
# Overhead of SightlineMiddleware on a Hummingbird hello-world, under wrk (docs/BENCHMARKS.md,
# "Swift SDK overhead"). Four apps run side by side, identical but for the middleware:
#   plain      no middleware
#   sightline  SightlineMiddleware capturing every request (default options: the client's
#              work thread at senderPriority .idle)
#   low        the same with senderPriority .low (nice 10)
#   sampled    the default with sampleRate 0.1
#   otelNNms   the peer: Hummingbird's TracingMiddleware, swift-otel exporting one span per
#              request over OTLP/HTTP (protobuf; swift-otel 1.6.0's HTTP exporter does not
#              compress) to the same sink, batches of up to 1,000, at most 10,000 queued, one
#              batch exported every NN ms (swift-otel's scheduleDelay; it also exports when its
#              queue is full). PEER_DELAYS_MS lists the NN to run (default "200 20": 200 ms is the
#              client's flush interval, but one batch per tick caps the timer at 5,000 spans/s;
#              20 ms keeps up with these loads). A package of its own (Benchmarks/OTelPeer),
#              built here on first use (swift-otel: about 4 minutes). PEER=none leaves it out.
# APPS replaces the list of the SDK's apps to load (default "plain sightline low sampled").
# wrk loads one at a time, in rotating order, ROUNDS times per scenario; figures are medians.
#
#   sdk/Benchmarks/run-overhead.sh [ROUNDS] [DURATION]      (defaults: 5 rounds of 10s)
#
# Scenarios: "saturation" (32 connections, as fast as possible: throughput and p99 at full
# load), "paced" (32 connections, 2 ms pause between requests on each: a fixed offered load far
# below saturation, where added latency shows), "one-connection" (serial requests).
# cpu_us_per_req is the app process's user+system CPU time divided by the requests it served
# (it includes the client's sending). captured_pct is the share of the run's requests the client
# enqueued (the rest were dropped: memory queue full; for sampled, 10 % is all of them), read
# from the app's /_counters before and after the run; for a peer, the share of requests whose span
# reached the sink (the sink counts each peer's spans), read once the count stops growing after
# the run; for a peer, cpu_us_per_req is read then too, so that it includes exporting the run's
# last spans. The middleware's client sends to a local sink that
# acknowledges every batch, so the receiving side is never the bottleneck. The sink stands for a
# Sightline server on another machine: in the paced and one-connection scenarios, where the CPU is
# not saturated, it runs at SCHED_IDLE so that its own work (gunzip, counting lines) does not show
# as the app's latency; at saturation it keeps the normal policy, or it would starve and stall the
# clients (set SINK_IDLE_SCENARIOS to change this).
# PREVIOUS="name=/path/to/SDKOverheadBench ..." adds, for each pair, an app called name: that
# build's default sightline app, for old-against-new comparisons in the same session.
# Besides the medians, PAIRED lines give, per app, the median over rounds of its difference to the
# plain app in the same round (throughput in %, p99 in µs): this machine drifts between rounds.
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${1:-5}
DURATION=${2:-10s}
SINK_PORT=18190
MODES=${APPS:-plain sightline low sampled}
declare -A PORT=([plain]=18181 [sightline]=18182 [low]=18184 [sampled]=18183)
declare -A PID
declare -A DELAY

swift build -c release --product SDKOverheadBench >/dev/null 2>&1
BIN=.build/release/SDKOverheadBench
PEERS=""
if [ "${PEER:-otel}" = otel ]; then
    swift build -c release --package-path Benchmarks/OTelPeer >/dev/null 2>&1
    peer_port=18200
    for delay in ${PEER_DELAYS_MS:-200 20}; do
        name="otel${delay}ms"
        PEERS="$PEERS $name"
        MODES="$MODES $name"
        PORT[$name]=$peer_port
        DELAY[$name]=$delay
        peer_port=$((peer_port + 1))
    done
fi
OUT=$(mktemp -d)

"$BIN" sink --port $SINK_PORT >"$OUT/sink.log" 2>&1 &
SINK=$!
"$BIN" app --port ${PORT[plain]} >"$OUT/plain.log" 2>&1 &
PID[plain]=$!
"$BIN" app --port ${PORT[sightline]} --sightline "http://127.0.0.1:$SINK_PORT" >"$OUT/sightline.log" 2>&1 &
PID[sightline]=$!
"$BIN" app --port ${PORT[low]} --sightline "http://127.0.0.1:$SINK_PORT" --sender-priority low >"$OUT/low.log" 2>&1 &
PID[low]=$!
"$BIN" app --port ${PORT[sampled]} --sightline "http://127.0.0.1:$SINK_PORT" --sample-rate 0.1 >"$OUT/sampled.log" 2>&1 &
PID[sampled]=$!
for name in $PEERS; do
    Benchmarks/OTelPeer/.build/release/OTelPeerApp --port ${PORT[$name]} --schedule-delay-ms ${DELAY[$name]} \
        --otlp "http://127.0.0.1:$SINK_PORT/v1/traces/$name" >"$OUT/$name.log" 2>&1 &
    PID[$name]=$!
done
next_port=18187
for pair in ${PREVIOUS:-}; do
    name=${pair%%=*}
    PORT[$name]=$next_port
    next_port=$((next_port + 1))
    "${pair#*=}" app --port ${PORT[$name]} --sightline "http://127.0.0.1:$SINK_PORT" >"$OUT/$name.log" 2>&1 &
    PID[$name]=$!
    MODES="$MODES $name"
done
trap 'kill ${PID[*]} 2>/dev/null; sleep 1; kill $SINK 2>/dev/null' EXIT
sleep 2

HZ=$(getconf CLK_TCK)
ticks() { awk '{print $14+$15}' "/proc/$1/stat"; }
# µs from wrk's "1.23ms" style figures.
to_us() { awk '{ v=$1; if (v ~ /us$/) { sub(/us$/,"",v); print v } else if (v ~ /ms$/) { sub(/ms$/,"",v); print v*1000 } else if (v ~ /s$/) { sub(/s$/,"",v); print v*1000000 } }'; }

# Events the app's client has enqueued so far (0 for the plain app).
is_peer() { [[ " $PEERS " == *" $1 "* ]]; }

# Waits until the sink's count of a peer's spans stops growing (at most 15 s).
settle() {
    local last=-1 now
    for _ in $(seq 1 30); do
        now=$(enqueued "$1")
        [ "$now" = "$last" ] && return
        last=$now
        sleep 0.5
    done
}

enqueued() {
    [ "$1" = plain ] && { echo 0; return; }
    is_peer "$1" && { curl -s "http://127.0.0.1:$SINK_PORT/_spans/$1"; return; }
    curl -s "http://127.0.0.1:${PORT[$1]}/_counters" | sed -n 's/.*enqueued=\([0-9]*\).*/\1/p'
}

run() {  # run <mode> <connections> <duration> [wrk options...]
    local mode=$1 conns=$2 duration=$3
    shift 3
    local before after result rps p50 p99 reqs enq0 enq1
    enq0=$(enqueued "$mode")
    before=$(ticks "${PID[$mode]}")
    # A browser-like User-Agent and a query string, so that events carry what real ones do.
    result=$(wrk -t1 -c"$conns" -d"$duration" --latency "$@" \
        -H "User-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0" \
        "http://127.0.0.1:${PORT[$mode]}/?page=2&sort=asc")
    is_peer "$mode" && settle "$mode"  # its queued spans are still on their way
    after=$(ticks "${PID[$mode]}")
    enq1=$(enqueued "$mode")
    reqs=$(echo "$result" | awk '/requests in/ {print $1}')
    rps=$(echo "$result" | awk '/Requests\/sec/ {print $2}')
    p50=$(echo "$result" | awk '$1=="50%" {print $2}' | to_us)
    p99=$(echo "$result" | awk '$1=="99%" {print $2}' | to_us)
    echo "$mode $rps $p50 $p99 $(awk -v t=$((after - before)) -v hz="$HZ" -v n="$reqs" 'BEGIN {printf "%.2f", t * 1000000 / hz / n}') $(awk -v e=$((enq1 - enq0)) -v n="$reqs" 'BEGIN {printf "%.1f", e * 100 / n}')"
}

median() { sort -n | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), load $(cut -d' ' -f1-3 /proc/loadavg)"
for scenario in ${SCENARIOS:-saturation paced one-connection}; do
    case $scenario in
        saturation) conns=32; extra=() ;;
        paced) conns=32; extra=(-s Benchmarks/pace.lua) ;;
        one-connection) conns=1; extra=() ;;
    esac
    if [[ " ${SINK_IDLE_SCENARIOS-paced one-connection} " == *" $scenario "* ]]; then
        chrt -a --idle -p 0 $SINK >/dev/null
    else
        chrt -a --other -p 0 $SINK >/dev/null
    fi
    echo "$scenario: sink policy $(chrt -p $SINK | head -1 | sed 's/.*: //')"
    for mode in $MODES; do run "$mode" "$conns" 3s "${extra[@]}" >/dev/null; done  # warm-up
    : >"$OUT/$scenario.txt"
    for round in $(seq 1 "$ROUNDS"); do
        # Rotate the order each round, so that no app always runs first or after the same one.
        read -r -a modes <<<"$MODES"
        shift_by=$(( (round - 1) % ${#modes[@]} ))
        order="${modes[*]:$shift_by} ${modes[*]:0:$shift_by}"
        for mode in $order; do
            echo "$scenario round $round $(run "$mode" "$conns" "$DURATION" "${extra[@]}")" | tee -a "$OUT/$scenario.txt"
        done
    done
    for mode in $MODES; do
        col() { awk -v m="$mode" -v c="$1" '$4==m {print $c}' "$OUT/$scenario.txt" | median; }
        echo "MEDIAN $scenario $mode req/s=$(col 5) p50_us=$(col 6) p99_us=$(col 7) cpu_us_per_req=$(col 8) captured_pct=$(col 9)"
    done
    for mode in $MODES; do
        [ "$mode" = plain ] && continue
        paired() {  # paired <column> <expression of a (app) and b (plain)>
            awk -v m="$mode" -v c="$1" '$4=="plain" {b[$3]=$c} $4==m {a[$3]=$c} END {for (k in a) if (k in b) print a[k], b[k]}' "$OUT/$scenario.txt" \
                | awk "{a=\$1; b=\$2; printf \"%.1f\\n\", $2}" | median
        }
        echo "PAIRED $scenario $mode throughput_pct=$(paired 5 '(a-b)*100/b') added_p99_us=$(paired 7 'a-b') added_p50_us=$(paired 6 'a-b')"
    done
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
for mode in $MODES; do [ "$mode" = plain ] || kill -TERM "${PID[$mode]}"; done
sleep 2
echo "sightline app: $(grep counters "$OUT/sightline.log" || echo 'no counters line')"
echo "low app:       $(grep counters "$OUT/low.log" || echo 'no counters line')"
echo "sampled app:   $(grep counters "$OUT/sampled.log" || echo 'no counters line')"
for pair in ${PREVIOUS:-}; do
    name=${pair%%=*}
    echo "$name app: $(grep counters "$OUT/$name.log" || echo 'no counters line')"
done
