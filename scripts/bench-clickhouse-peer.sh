#!/usr/bin/env bash
# The peer run for scripts/bench-ingest.sh: ClickHouse's own HTTP insert of the same events,
# with the same load generator (wrk, 2 threads, 4 connections), the same batches (1,000 and
# 10,000 events) and the same columns as Sightline's SQLite `events` table (plus the whole
# event as a JSON string, as Sightline keeps it).
#
#   scripts/bench-clickhouse-peer.sh [runs=3] [seconds=20]
#
# Needs wrk, python3 and a ClickHouse server on 127.0.0.1:8123 (Debian: apt-get install
# clickhouse-server; start it with
#   clickhouse-server --config-file=/etc/clickhouse-server/config.xml &
# ). Run it right after bench-ingest.sh on the same machine; see docs/BENCHMARKS.md.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
seconds=${2:-20}
ch=${CLICKHOUSE_URL:-http://127.0.0.1:8123}
work=$(mktemp -d /tmp/sightline-chbench.XXXXXX)
trap 'rm -rf "$work"' EXIT

command -v wrk >/dev/null || { echo "wrk is needed: apt-get install wrk" >&2; exit 1; }
curl -sf "$ch/?query=SELECT%201" >/dev/null || { echo "no ClickHouse server at $ch" >&2; exit 1; }
swift build -c release --product sightline >/dev/null
bin=.build/release/sightline

q() { curl -sf "$ch/" --data-binary "$1"; }

for size in 1000 10000; do
  "$bin" generate --count "$size" --seed 7 --without-ids > "$work/batch-$size.ndjson"
  # The columns of Sightline's events table, one JSON object per row (JSONEachRow).
  python3 - "$work/batch-$size.ndjson" > "$work/rows-$size.json" <<'PY'
import json, sys, datetime
for line in open(sys.argv[1]):
    e = json.loads(line)
    ts = datetime.datetime.fromisoformat(e["timestamp"].replace("Z", "+00:00"))
    consumer = e.get("consumer") or {}
    row = {
        "id": e.get("id", ""), "ts": int(ts.timestamp() * 1_000_000), "service": e["service"],
        "environment": e.get("environment", ""), "method": e["method"], "route": e.get("route", ""),
        "path": e["path"], "status": e["status"], "duration_ms": e.get("duration_ms", 0),
        "request_size": e.get("request_size", 0), "response_size": e.get("response_size", 0),
        "client_ip": e.get("client_ip", ""), "consumer_id": consumer.get("id", ""),
        "user_id": e.get("user_id", ""), "session_id": e.get("session_id", ""),
        "trace_id": e.get("trace_id", ""), "error_type": (e.get("error") or {}).get("type", ""),
        "level": e.get("level", ""), "doc": line.strip(),
    }
    print(json.dumps(row, separators=(",", ":")))
PY
done

cat > "$work/post.lua" <<'LUA'
local f = io.open(os.getenv("BODY"), "rb")
wrk.body = f:read("*all")
f:close()
wrk.method = "POST"
function response(status, headers, body)
  if status ~= 200 then io.stderr:write("status " .. status .. ": " .. body:sub(1, 200) .. "\n") end
end
LUA

to_ms() { awk '{v=$1; if (v ~ /us$/) {sub(/us$/,"",v); v=v/1000} else if (v ~ /ms$/) {sub(/ms$/,"",v)} else if (v ~ /s$/) {sub(/s$/,"",v); v=v*1000}; printf "%.2f\n", v}'; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }

echo "peer: ClickHouse $(q 'SELECT version()') on $(nproc) cores"
for size in 1000 10000; do
  : > "$work/results-$size"
  for run in $(seq 1 "$runs"); do
    q "DROP TABLE IF EXISTS default.sightline_bench" >/dev/null
    q "CREATE TABLE default.sightline_bench (id String, ts UInt64, service String, environment String,
       method String, route String, path String, status UInt16, duration_ms Float64, request_size UInt64,
       response_size UInt64, client_ip String, consumer_id String, user_id String, session_id String,
       trace_id String, error_type String, level String, doc String)
       ENGINE = MergeTree ORDER BY (service, ts)" >/dev/null
    BODY="$work/rows-$size.json" wrk -t2 -c4 -d"${seconds}s" --latency -s "$work/post.lua" \
      "$ch/?query=INSERT%20INTO%20default.sightline_bench%20FORMAT%20JSONEachRow" > "$work/wrk.txt" 2>&1
    rows=$(q "SELECT count() FROM default.sightline_bench")
    p50=$(awk '$1=="50%" {print $2}' "$work/wrk.txt" | to_ms)
    p99=$(awk '$1=="99%" {print $2}' "$work/wrk.txt" | to_ms)
    rss=$(ps -o rss= -C clickhouse-server | sort -n | tail -1 | awk '{printf "%.0f", $1/1024}')
    eps=$(echo "$rows / $seconds" | bc)
    echo "clickhouse batch=$size run=$run rows/s=$eps ack_p50_ms=$p50 ack_p99_ms=$p99 rows=$rows rss_now_mib=$rss"
    echo "$eps $p50 $p99" >> "$work/results-$size"
  done
  echo "median clickhouse batch=$size: rows/s=$(cut -d' ' -f1 "$work/results-$size" | median)" \
       "ack_p50_ms=$(cut -d' ' -f2 "$work/results-$size" | median)" \
       "ack_p99_ms=$(cut -d' ' -f3 "$work/results-$size" | median)"
done
q "DROP TABLE IF EXISTS default.sightline_bench" >/dev/null
