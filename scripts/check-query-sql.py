#!/usr/bin/env python3
"""Executes compiled Sightline SQL against a real SQLite database.

Usage:
  SIGHTLINE_SQL_DUMP=/tmp/sl_dump.jsonl swift test --filter dumpCompiledSQL
  python3 scripts/check_sqlite.py /tmp/sl_dump.jsonl

Creates the `events` table, inserts pseudo-random events, registers Python versions of
sl_percentile / sl_regexp / sl_has with the documented semantics, runs every statement,
checks column names and counts, and cross-checks percentiles against brute force.
"""
import json, math, random, re, sqlite3, sys

SCHEMA = """CREATE TABLE events (seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, ts INTEGER NOT NULL,
service TEXT NOT NULL, environment TEXT, method TEXT NOT NULL, route TEXT, path TEXT NOT NULL,
status INTEGER NOT NULL, duration_ms REAL, request_size INTEGER, response_size INTEGER, client_ip TEXT,
consumer_id TEXT, user_id TEXT, session_id TEXT, trace_id TEXT, error_type TEXT, level TEXT,
doc TEXT NOT NULL) STRICT"""


class Percentile:
    """Nearest rank: sorted non-NULL values, rank = max(1, ceil(p/100*n))."""
    def __init__(self):
        self.values, self.p = [], None
    def step(self, value, p):
        self.p = p
        if value is not None:
            self.values.append(value)
    def finalize(self):
        if not self.values:
            return None
        self.values.sort()
        n = len(self.values)
        rank = max(1, math.ceil(self.p / 100.0 * n))
        return self.values[min(rank, n) - 1]


def sl_regexp(pattern, text):
    if text is None:
        return None
    return 1 if re.search(pattern, str(text)) else 0


def sl_has(text, term):
    if text is None:
        return None
    text, term = str(text).lower(), str(term).lower()
    if not term:
        return 0
    start = 0
    while True:
        i = text.find(term, start)
        if i < 0:
            return 0
        before = text[i - 1] if i > 0 else ""
        after = text[i + len(term)] if i + len(term) < len(text) else ""
        if not before.isalnum() and not after.isalnum():
            return 1
        start = i + 1


def connect():
    db = sqlite3.connect(":memory:")
    db.create_aggregate("sl_percentile", 2, Percentile)
    db.create_function("sl_regexp", 2, sl_regexp, deterministic=True)
    db.create_function("sl_has", 2, sl_has, deterministic=True)
    db.execute(SCHEMA)
    rnd = random.Random(1)
    for seq in range(1, 501):
        route = rnd.choice(["/orders/{id}", "/health", None, "/v1/pay"])
        status = rnd.choice([200, 201, 404, 429, 500, 503])
        doc = {"consumer": {"name": rnd.choice(["Acme", "Beta"]), "plan": rnd.choice(["pro", "free"])},
               "error": {"message": rnd.choice(["timeout talking to db", "payment failed", None])},
               "attributes": {"tenant": rnd.choice(["acme", "x y"]), "retries": rnd.choice([0, 3, 7, "many"]),
                              "deep": {"nested": {"key": rnd.choice([True, False])}}, "latency": rnd.random() * 50},
               "request": {"headers": {"user-agent": rnd.choice(["curl/8", ["a", "b"]]), "content-type": "application/json"}},
               "response": {"headers": {"cache-control": "no-cache"}}, "query": {"page": "2", "debug": None},
               "span_id": "s", "scheme": "https", "host": "api.example.com", "user_agent": "curl/8", "received_at": "2026-11-22T10:00:00Z"}
        db.execute("INSERT INTO events VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", (
            seq, f"ev{seq}", 1_790_000_000_000_000 + seq * 60_000_000, rnd.choice(["api", "web"]), "prod",
            rnd.choice(["GET", "POST", "HEAD"]), route, rnd.choice(["/orders/1", "/health", "/v1/pay", "/v2/orders/7.json"]),
            status, rnd.choice([None, rnd.random() * 2000]), rnd.randint(0, 5000), rnd.randint(0, 50000), "10.0.0.1",
            rnd.choice(["c1", "c2", None]), None, None, None, rnd.choice([None, "Timeout"]),
            rnd.choice(["info", "error"]), json.dumps(doc)))
    return db


def main(path):
    db = connect()
    ok = failed = 0
    for line in open(path, encoding="utf-8"):
        item = json.loads(line)
        params = [p["real"] if isinstance(p, dict) else p for p in item["parameters"]]
        try:
            cursor = db.execute(item["sql"], params)
            rows = cursor.fetchall()
            names = [d[0] for d in cursor.description]
            assert names == item["columns"], f"columns {names} != {item['columns']}"
            ok += 1
        except Exception as error:  # report and continue
            failed += 1
            print(f"FAILED: {item['query']}\n  {item['sql']}\n  {params}\n  {error}\n")
    # Brute-force percentile check on the data.
    values = sorted(v for (v,) in db.execute("SELECT duration_ms FROM events WHERE duration_ms IS NOT NULL"))
    for p in [0, 1, 50, 90, 95, 99, 99.9, 100]:
        (got,) = db.execute("SELECT sl_percentile(duration_ms, ?) FROM events", [float(p)]).fetchone()
        want = values[max(1, math.ceil(p / 100 * len(values))) - 1]
        assert got == want, (p, got, want)
    print(f"{ok} statements ran, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
