#!/usr/bin/env bash
# Overhead of SightlineMiddleware on a Hummingbird hello-world, under wrk (docs/BENCHMARKS.md,
# "Swift SDK overhead"). Four apps run side by side, identical but for the middleware:
#   plain      no middleware
#   sightline  SightlineMiddleware capturing every request (default options: the client's
#              work thread at senderPriority .idle)
#   low        the same with senderPriority .low (nice 10)
#   sampled    the default with sampleRate 0.1
#   otel       the peer: Hummingbird's TracingMiddleware, swift-otel exporting one span per
#              request over OTLP/HTTP (protobuf, gzip) to the same sink, its batch processor set
#              like the client (batches of 1,000, every 200 ms, 10,000 queued at most); a package of
#              its own (Benchmarks/OTelPeer), built here on first use (swift-otel: several
#              minutes). PEER=none leaves it out.
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
# from the app's /_counters before and after the run; for otel, the share of requests whose span
# reached the sink (counted by the sink, a second after the run). The middleware's client sends to a local sink that
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
MODES="plain sightline low sampled"
declare -A PORT=([plain]=18181 [sightline]=18182 [low]=18184 [sampled]=18183)
declare -A PID

swift build -c release --product SDKOverheadBench >/dev/null 2>&1
BIN=.build/release/SDKOverheadBench
if [ "${PEER:-otel}" = otel ]; then
    swift build -c release --package-path Benchmarks/OTelPeer >/dev/null 2>&1
    MODES="$MODES otel"
    PORT[otel]=18186
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
if [ -n "${PORT[otel]:-}" ]; then
    Benchmarks/OTelPeer/.build/release/OTelPeerApp --port ${PORT[otel]} --otlp "http://127.0.0.1:$SINK_PORT/v1/traces" >"$OUT/otel.log" 2>&1 &
    PID[otel]=$!
fi
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
enqueued() {
    [ "$1" = plain ] && { echo 0; return; }
    [ "$1" = otel ] && { curl -s "http://127.0.0.1:$SINK_PORT/_spans"; return; }
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
    after=$(ticks "${PID[$mode]}")
    [ "$mode" = otel ] && sleep 1  # the spans of the run's last 200 ms are still on their way
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
