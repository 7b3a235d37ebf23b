#!/usr/bin/env bash
# Ingest benchmark: events/s acknowledged (durable by default), acknowledgement latency p50/p99,
# how fast the store catches up, and the server's peak RSS.
#
#   scripts/bench-ingest.sh [runs=3] [seconds=20] [durability=fsync]
#
# Needs wrk (apt-get install wrk). Builds the release binary, generates realistic batches of
# 1,000 and 10,000 events with `sightline generate`, and for each batch size runs a fresh server
# and wrk (2 threads, 4 connections) posting the same batch (no ids: the server assigns them, so
# every event is new). Prints one line per run and the medians; see docs/BENCHMARKS.md.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
seconds=${2:-20}
durability=${3:-fsync}
port=7171
work=$(mktemp -d /tmp/sightline-bench.XXXXXX)
server=""
trap '{ [ -n "$server" ] && kill "$server" 2>/dev/null; } || true; rm -rf "$work"' EXIT

command -v wrk >/dev/null || { echo "wrk is needed: apt-get install wrk" >&2; exit 1; }
swift build -c release --product sightline >/dev/null
bin=.build/release/sightline
export SIGHTLINE_INGEST_KEY=sl_ingest_bench SIGHTLINE_READ_KEY=sl_read_bench

for size in 1000 10000; do
  "$bin" generate --count "$size" --seed 7 --without-ids > "$work/batch-$size.ndjson"
done

cat > "$work/post.lua" <<LUA
local f = io.open(os.getenv("BODY"), "rb")
wrk.body = f:read("*all")
f:close()
wrk.method = "POST"
wrk.headers["Authorization"] = "Bearer sl_ingest_bench"
wrk.headers["Content-Type"] = "application/x-ndjson"
function response(status, headers, body)
  if status ~= 200 then io.stderr:write("status " .. status .. ": " .. body:sub(1, 200) .. "\n") end
end
LUA

# wrk prints latencies as 850.00us, 45.23ms or 1.02s: convert to milliseconds.
to_ms() { awk '{v=$1; if (v ~ /us$/) {sub(/us$/,"",v); v=v/1000} else if (v ~ /ms$/) {sub(/ms$/,"",v)} else if (v ~ /s$/) {sub(/s$/,"",v); v=v*1000}; printf "%.2f\n", v}'; }

metric() { curl -s -H "Authorization: Bearer sl_read_bench" "http://127.0.0.1:$port/metrics" | awk -v m="$1" '$1==m {print $2}'; }

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -r), durability=$durability"
for size in 1000 10000; do
  : > "$work/results-$size"
  for run in $(seq 1 "$runs"); do
    rm -rf "$work/data"
    "$bin" serve --data-dir "$work/data" --port $port --durability "$durability" --log-level warning > "$work/server.log" 2>&1 &
    server=$!
    for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/health" >/dev/null && break; sleep 0.1; done
    BODY="$work/batch-$size.ndjson" wrk -t2 -c4 -d"${seconds}s" --latency -s "$work/post.lua" "http://127.0.0.1:$port/v1/events" > "$work/wrk.txt" 2>&1
    p50=$(awk '$1=="50%" {print $2}' "$work/wrk.txt" | to_ms)
    p99=$(awk '$1=="99%" {print $2}' "$work/wrk.txt" | to_ms)
    refused=$(awk '/Non-2xx/ {print $5}' "$work/wrk.txt"); refused=${refused:-0}
    # Events/s counts what the server acknowledged (durable), not what wrk sent: a refused
    # batch (503 when the log is at its quota) counts nothing.
    accepted=$(metric sightline_ingest_events_accepted_total)
    # Time for the store to catch up after the load stops.
    start=$(date +%s.%N)
    while [ "$(metric sightline_store_lag_records)" != "0" ]; do sleep 0.2; done
    catchup=$(echo "$(date +%s.%N) - $start" | bc)
    rss=$(awk '/VmHWM/ {printf "%.0f", $2/1024}' /proc/$server/status)
    kill -TERM $server; wait $server || true
    eps=$(echo "$accepted / $seconds" | bc)
    stored=$(echo "$accepted / ($seconds + $catchup)" | bc)
    echo "batch=$size run=$run events/s=$eps ack_p50_ms=$p50 ack_p99_ms=$p99 accepted=$accepted refused_batches=$refused store_catchup_s=$catchup stored_events/s=$stored peak_rss_mib=$rss"
    echo "$eps $p50 $p99 $stored $rss" >> "$work/results-$size"
  done
  echo "median batch=$size: events/s=$(cut -d' ' -f1 "$work/results-$size" | median)" \
       "ack_p50_ms=$(cut -d' ' -f2 "$work/results-$size" | median)" \
       "ack_p99_ms=$(cut -d' ' -f3 "$work/results-$size" | median)" \
       "stored_events/s=$(cut -d' ' -f4 "$work/results-$size" | median)" \
       "peak_rss_mib=$(cut -d' ' -f5 "$work/results-$size" | median)"
done
