#!/usr/bin/env bash
# Access-log import benchmark, side by side with GoAccess on the same file and machine:
#
#   scripts/bench-import.sh [lines=1000000] [runs=3]
#
# Generates an nginx combined log with $request_time appended (realistic paths, statuses, user
# agents; fixed seed), then for each run, alternating: `sightline import --data-dir` (parse +
# write-ahead log + SQLite store + rollups + security detectors, release build), the same with
# `--no-detect`, and `goaccess FILE -o report.json`. Prints wall time, lines/s, CPU time (user +
# system) and peak RSS of each (GNU time) with the load average, and checks that total requests
# and the per-status counts agree. Needs goaccess (apt-get install goaccess) and python3. See docs/BENCHMARKS.md.
set -euo pipefail
cd "$(dirname "$0")/.."
lines=${1:-1000000}
runs=${2:-3}
work=$(mktemp -d /tmp/sightline-import-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
command -v goaccess >/dev/null || { echo "goaccess is needed: apt-get install goaccess" >&2; exit 1; }
swift build -c release --product sightline >/dev/null
bin=.build/release/sightline

python3 - "$lines" "$work/access.log" <<'PY'
import random, sys, datetime
random.seed(42)
n, out = int(sys.argv[1]), sys.argv[2]
start = datetime.datetime(2026, 11, 29, 0, 0, 0, tzinfo=datetime.timezone.utc)
routes = ["/api/v1/orders/{}", "/api/v1/users/{}", "/api/v1/products/{}", "/api/v1/search?q=shoe{}",
          "/static/js/app.{}.js", "/health", "/api/v1/cart", "/login", "/api/v2/invoices/{}/pdf"]
agents = ["Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36",
          "curl/8.5.0", "okhttp/4.12.0", "python-requests/2.32.3", "Go-http-client/1.1"]
statuses = [200] * 80 + [201] * 5 + [204] * 3 + [301, 302, 304] + [400, 401, 403, 404, 404, 429] + [500, 502, 503]
with open(out, "w") as f:
    for i in range(n):
        t = start + datetime.timedelta(milliseconds=i * 80)
        path = random.choice(routes).format(random.randint(1, 100000))
        method = "POST" if path in ("/api/v1/cart", "/login") else "GET"
        f.write('%d.%d.%d.%d - - [%s] "%s %s HTTP/1.1" %d %d "-" "%s" %.3f\n' % (
            random.randint(1, 223), random.randint(0, 255), random.randint(0, 255), random.randint(1, 254),
            t.strftime("%d/%b/%Y:%H:%M:%S +0000"), method, path, random.choice(statuses),
            random.randint(0, 50000), random.choice(agents), random.expovariate(1 / 0.05)))
PY
size=$(du -m "$work/access.log" | cut -f1)
echo "log: $lines lines, $size MB; machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo)"

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
measure() {  # label, then the command; appends "wall_seconds peak_rss_kib cpu_seconds" to $work/<label>.txt
  local label=$1; shift
  /usr/bin/time -f "%e %M %U %S" -o "$work/time.txt" "$@" >"$work/$label.out" 2>"$work/$label.err" || true
  read -r sec rss user sys < "$work/time.txt"
  echo "$sec $rss $(echo "$user + $sys" | bc)" >> "$work/$label.txt"
  echo "  $label: ${sec}s wall, $(echo "$user + $sys" | bc)s CPU, peak $((rss / 1024)) MiB (load $(cut -d' ' -f1 /proc/loadavg))"
}
# Three tools, alternating: the default import (security detectors on), the import with
# --no-detect (what the target counts: parse + store + rollups), and GoAccess.
: > "$work/sightline.txt"; : > "$work/sightline-nodetect.txt"; : > "$work/goaccess.txt"
for run in $(seq 1 "$runs"); do
  echo "run $run"
  rm -rf "$work/data"
  measure sightline "$bin" import "$work/access.log" --format combined --data-dir "$work/data"
  rm -rf "$work/data"
  measure sightline-nodetect "$bin" import "$work/access.log" --format combined --data-dir "$work/data" --no-detect
  measure goaccess goaccess "$work/access.log" --log-format='%h %^[%d:%t %^] "%r" %s %b "%R" "%u" %T' \
      --date-format=%d/%b/%Y --time-format=%T -o "$work/report.json" --no-global-config
done
for label in sightline sightline-nodetect goaccess; do
  sec=$(cut -d' ' -f1 "$work/$label.txt" | median); rss=$(cut -d' ' -f2 "$work/$label.txt" | median)
  cpu=$(cut -d' ' -f3 "$work/$label.txt" | median)
  echo "median $label: ${sec}s wall, $(echo "$lines / $sec" | bc) lines/s, ${cpu}s CPU, peak RSS $(echo "$rss / 1024" | bc) MiB; runs: $(cut -d' ' -f1 "$work/$label.txt" | tr '\n' ' ')"
done
tail -1 "$work/sightline.out"

# Do they agree? Totals and per-status counts from both.
sqlite3 "$work/data/events.sqlite" "SELECT status, count(*) FROM events GROUP BY 1 ORDER BY 1" > "$work/s-status.txt"
python3 - "$work/report.json" "$work/s-status.txt" <<'PY'
import json, sys
report = json.load(open(sys.argv[1]))
total = report["general"]["total_requests"]
g = {}
for group in report["status_codes"]["data"]:
    for item in group.get("items", []):
        g[int(item["data"].split()[0])] = item["hits"]["count"]
s = dict((int(a), int(b)) for a, b in (line.split("|") for line in open(sys.argv[2]) if line.strip()))
print(f"total requests: goaccess {total}, sightline {sum(s.values())}; per-status counts {'agree' if g == s else 'DIFFER'}")
if g != s:
    print("goaccess", sorted(g.items())); print("sightline", sorted(s.items()))
PY
