import Testing
@testable import SightlineQuery

/// One golden case: query text → exact SQL and parameters (maxRows 100, no time window).
struct GoldenCase: Sendable, CustomTestStringConvertible {
    let query: String
    let sql: String
    let parameters: [SQLValue]
    init(_ query: String, _ sql: String, _ parameters: [SQLValue]) {
        self.query = query
        self.sql = sql
        self.parameters = parameters
    }
    var testDescription: String { query }
}

/// The default projection and order every raw-event query starts with.
let raw = #"SELECT ts AS "timestamp", service, method, path, route, status, duration_ms, consumer_id AS "consumer", client_ip, id FROM events"#
let newest = "ORDER BY ts DESC, seq DESC LIMIT ?"

/// 2027-01-15T08:00:00Z in microseconds: the injected `now` of all golden tests.
let goldenNow: Int64 = 1_800_000_000_000_000

enum Golden {
    static let cases: [GoldenCase] = [
        GoldenCase(#"where status == 500"#,
                   #"\#(raw) WHERE status = ? \#(newest)"#,
                   [.int(500), .int(101)]),
        GoldenCase(#"where status != 500"#,
                   #"\#(raw) WHERE status <> ? \#(newest)"#,
                   [.int(500), .int(101)]),
        GoldenCase(#"where route != "/health""#,
                   #"\#(raw) WHERE (route IS NULL OR route <> ?) \#(newest)"#,
                   [.text(#"/health"#), .int(101)]),
        GoldenCase(#"where status < 400"#,
                   #"\#(raw) WHERE status < ? \#(newest)"#,
                   [.int(400), .int(101)]),
        GoldenCase(#"where status <= 399"#,
                   #"\#(raw) WHERE status <= ? \#(newest)"#,
                   [.int(399), .int(101)]),
        GoldenCase(#"where duration_ms > 1.5"#,
                   #"\#(raw) WHERE duration_ms > ? \#(newest)"#,
                   [.real(1.5), .int(101)]),
        GoldenCase(#"where status >= 500"#,
                   #"\#(raw) WHERE status >= ? \#(newest)"#,
                   [.int(500), .int(101)]),
        GoldenCase(#"where method =~ "get""#,
                   #"\#(raw) WHERE lower(method) = lower(?) \#(newest)"#,
                   [.text(#"get"#), .int(101)]),
        GoldenCase(#"where method !~ "get""#,
                   #"\#(raw) WHERE NOT (lower(method) = lower(?)) \#(newest)"#,
                   [.text(#"get"#), .int(101)]),
        GoldenCase(#"where status in (500, 502, 503)"#,
                   #"\#(raw) WHERE status IN (?, ?, ?) \#(newest)"#,
                   [.int(500), .int(502), .int(503), .int(101)]),
        GoldenCase(#"where method !in ("GET", "HEAD")"#,
                   #"\#(raw) WHERE method NOT IN (?, ?) \#(newest)"#,
                   [.text(#"GET"#), .text(#"HEAD"#), .int(101)]),
        GoldenCase(#"where route !in ("/a")"#,
                   #"\#(raw) WHERE (route IS NULL OR route NOT IN (?)) \#(newest)"#,
                   [.text(#"/a"#), .int(101)]),
        GoldenCase(#"where status between (400 .. 499)"#,
                   #"\#(raw) WHERE status BETWEEN ? AND ? \#(newest)"#,
                   [.int(400), .int(499), .int(101)]),
        GoldenCase(#"where duration_ms !between (100 .. 200)"#,
                   #"\#(raw) WHERE (duration_ms IS NULL OR duration_ms NOT BETWEEN ? AND ?) \#(newest)"#,
                   [.int(100), .int(200), .int(101)]),
        GoldenCase(#"where path has "orders""#,
                   #"\#(raw) WHERE sl_has(path, ?) \#(newest)"#,
                   [.text(#"orders"#), .int(101)]),
        GoldenCase(#"where route !has "orders""#,
                   #"\#(raw) WHERE (route IS NULL OR NOT sl_has(route, ?)) \#(newest)"#,
                   [.text(#"orders"#), .int(101)]),
        GoldenCase(#"where path contains "Pay""#,
                   #"\#(raw) WHERE instr(lower(path), lower(?)) > 0 \#(newest)"#,
                   [.text(#"Pay"#), .int(101)]),
        GoldenCase(#"where path !contains "health""#,
                   #"\#(raw) WHERE NOT (instr(lower(path), lower(?)) > 0) \#(newest)"#,
                   [.text(#"health"#), .int(101)]),
        GoldenCase(#"where path startswith "/v1/""#,
                   #"\#(raw) WHERE lower(path) LIKE lower(?) ESCAPE '\' \#(newest)"#,
                   [.text(#"/v1/%"#), .int(101)]),
        GoldenCase(#"where path endswith ".json""#,
                   #"\#(raw) WHERE lower(path) LIKE lower(?) ESCAPE '\' \#(newest)"#,
                   [.text(#"%.json"#), .int(101)]),
        GoldenCase(#"where path startswith "50%_off\\""#,
                   #"\#(raw) WHERE lower(path) LIKE lower(?) ESCAPE '\' \#(newest)"#,
                   [.text(#"50\%\_off\\%"#), .int(101)]),
        GoldenCase(#"where route !startswith "/internal""#,
                   #"\#(raw) WHERE (route IS NULL OR NOT (lower(route) LIKE lower(?) ESCAPE '\')) \#(newest)"#,
                   [.text(#"/internal%"#), .int(101)]),
        GoldenCase(#"where route !endswith "/ping""#,
                   #"\#(raw) WHERE (route IS NULL OR NOT (lower(route) LIKE lower(?) ESCAPE '\')) \#(newest)"#,
                   [.text(#"%/ping"#), .int(101)]),
        GoldenCase(#"where path matches regex @"^/v[0-9]+/orders/\d+$""#,
                   #"\#(raw) WHERE sl_regexp(?, path) \#(newest)"#,
                   [.text(#"^/v[0-9]+/orders/\d+$"#), .int(101)]),
        GoldenCase(#"where isnull(user_id)"#,
                   #"\#(raw) WHERE user_id IS NULL \#(newest)"#,
                   [.int(101)]),
        GoldenCase(#"where isnotnull(error_type)"#,
                   #"\#(raw) WHERE error_type IS NOT NULL \#(newest)"#,
                   [.int(101)]),
        GoldenCase(#"where status >= 500 and method == "POST""#,
                   #"\#(raw) WHERE status >= ? AND method = ? \#(newest)"#,
                   [.int(500), .text(#"POST"#), .int(101)]),
        GoldenCase(#"where status >= 500 or duration_ms > 1000"#,
                   #"\#(raw) WHERE (status >= ? OR duration_ms > ?) \#(newest)"#,
                   [.int(500), .int(1000), .int(101)]),
        GoldenCase(#"where (status >= 500 or status == 429) and method == "POST""#,
                   #"\#(raw) WHERE (status >= ? OR status = ?) AND method = ? \#(newest)"#,
                   [.int(500), .int(429), .text(#"POST"#), .int(101)]),
        GoldenCase(#"where not(status >= 500)"#,
                   #"\#(raw) WHERE NOT (status >= ?) \#(newest)"#,
                   [.int(500), .int(101)]),
        GoldenCase(#"where not(route == "/a")"#,
                   #"\#(raw) WHERE NOT coalesce(route = ?, 0) \#(newest)"#,
                   [.text(#"/a"#), .int(101)]),
        GoldenCase(#"where status == 500 and not(path contains "x" or method == "GET")"#,
                   #"\#(raw) WHERE status = ? AND NOT (instr(lower(path), lower(?)) > 0 OR method = ?) \#(newest)"#,
                   [.int(500), .text(#"x"#), .text(#"GET"#), .int(101)]),
        GoldenCase(#"summarize count()"#,
                   #"SELECT COUNT(*) AS "count_" FROM events LIMIT ?"#,
                   [.int(101)]),
        GoldenCase(#"summarize countif(status >= 500)"#,
                   #"SELECT COUNT(CASE WHEN status >= ? THEN 1 END) AS "countif_" FROM events LIMIT ?"#,
                   [.int(500), .int(101)]),
        GoldenCase(#"summarize dcount(consumer)"#,
                   #"SELECT COUNT(DISTINCT consumer_id) AS "dcount_consumer" FROM events LIMIT ?"#,
                   [.int(101)]),
        GoldenCase(#"summarize sum(response_size)"#,
                   #"SELECT SUM(response_size) AS "sum_response_size" FROM events LIMIT ?"#,
                   [.int(101)]),
        GoldenCase(#"summarize sum(duration_ms)"#,
                   #"SELECT SUM(duration_ms) AS "sum_duration_ms" FROM events LIMIT ?"#,
                   [.int(101)]),
        GoldenCase(#"summarize avg(duration_ms)"#,
                   #"SELECT AVG(duration_ms) AS "avg_duration_ms" FROM events LIMIT ?"#,
                   [.int(101)]),
        GoldenCase(#"summarize min(duration_ms), max(timestamp)"#,
                   #"SELECT MIN(duration_ms) AS "min_duration_ms", MAX(ts) AS "max_timestamp" FROM events LIMIT ?"#,
                   [.int(101)]),
        GoldenCase(#"summarize percentile(duration_ms, 95)"#,
                   #"SELECT sl_percentile(duration_ms, ?) AS "percentile_duration_ms_95" FROM events LIMIT ?"#,
                   [.real(95.0), .int(101)]),
        GoldenCase(#"summarize percentile(duration_ms, 99.9)"#,
                   #"SELECT sl_percentile(duration_ms, ?) AS "percentile_duration_ms_99_9" FROM events LIMIT ?"#,
                   [.real(99.9), .int(101)]),
        GoldenCase(#"summarize p50(duration_ms), p90(duration_ms), p95(duration_ms), p99(duration_ms)"#,
                   #"SELECT sl_percentile(duration_ms, ?) AS "p50_duration_ms", sl_percentile(duration_ms, ?) AS "p90_duration_ms", sl_percentile(duration_ms, ?) AS "p95_duration_ms", sl_percentile(duration_ms, ?) AS "p99_duration_ms" FROM events LIMIT ?"#,
                   [.real(50.0), .real(90.0), .real(95.0), .real(99.0), .int(101)]),
        GoldenCase(#"summarize n = count() by route"#,
                   #"SELECT route, COUNT(*) AS "n" FROM events GROUP BY 1 LIMIT ?"#,
                   [.int(101)]),
        GoldenCase(#"summarize count() by bin(timestamp, 5m)"#,
                   #"SELECT (ts / ?) * ? AS "timestamp", COUNT(*) AS "count_" FROM events GROUP BY 1 LIMIT ?"#,
                   [.int(300000000), .int(300000000), .int(101)]),
        GoldenCase(#"summarize count() by bin(duration_ms, 100)"#,
                   #"SELECT CAST(duration_ms / ? AS INTEGER) * ? AS "duration_ms", COUNT(*) AS "count_" FROM events GROUP BY 1 LIMIT ?"#,
                   [.real(100.0), .real(100.0), .int(101)]),
        GoldenCase(#"summarize count() by bin(status, 100)"#,
                   #"SELECT (status / ?) * ? AS "status", COUNT(*) AS "count_" FROM events GROUP BY 1 LIMIT ?"#,
                   [.int(100), .int(100), .int(101)]),
        GoldenCase(#"summarize count() by t = bin(timestamp, 1h), service"#,
                   #"SELECT (ts / ?) * ? AS "t", service, COUNT(*) AS "count_" FROM events GROUP BY 1, 2 LIMIT ?"#,
                   [.int(3600000000), .int(3600000000), .int(101)]),
        GoldenCase(#"summarize by route"#,
                   #"SELECT route FROM events GROUP BY 1 LIMIT ?"#,
                   [.int(101)]),
        GoldenCase(#"summarize count(), count()"#,
                   #"SELECT COUNT(*) AS "count_", COUNT(*) AS "count_1" FROM events LIMIT ?"#,
                   [.int(101)]),
        GoldenCase(#"summarize error_rate = 100.0 * countif(status >= 500) / count() by service"#,
                   #"SELECT service, (? * COUNT(CASE WHEN status >= ? THEN 1 END)) / COUNT(*) AS "error_rate" FROM events GROUP BY 1 LIMIT ?"#,
                   [.real(100.0), .int(500), .int(101)]),
        GoldenCase(#"sort by duration_ms"#,
                   #"\#(raw) ORDER BY duration_ms DESC LIMIT ?"#,
                   [.int(101)]),
        GoldenCase(#"sort by duration_ms asc, timestamp desc"#,
                   #"\#(raw) ORDER BY duration_ms ASC, ts DESC LIMIT ?"#,
                   [.int(101)]),
        GoldenCase(#"order by status asc"#,
                   #"\#(raw) ORDER BY status ASC LIMIT ?"#,
                   [.int(101)]),
        GoldenCase(#"take 5"#,
                   #"\#(raw) \#(newest)"#,
                   [.int(5)]),
        GoldenCase(#"limit 5"#,
                   #"\#(raw) \#(newest)"#,
                   [.int(5)]),
        GoldenCase(#"top 3 by duration_ms"#,
                   #"\#(raw) ORDER BY duration_ms DESC LIMIT ?"#,
                   [.int(3)]),
        GoldenCase(#"top 3 by duration_ms asc"#,
                   #"\#(raw) ORDER BY duration_ms ASC LIMIT ?"#,
                   [.int(3)]),
        GoldenCase(#"project route, status"#,
                   #"SELECT route, status FROM events \#(newest)"#,
                   [.int(101)]),
        GoldenCase(#"project route, slow = duration_ms > 1000"#,
                   #"SELECT route, duration_ms > ? AS "slow" FROM events \#(newest)"#,
                   [.int(1000), .int(101)]),
        GoldenCase(#"extend kb = response_size / 1024"#,
                   #"SELECT ts AS "timestamp", service, method, path, route, status, duration_ms, consumer_id AS "consumer", client_ip, id, response_size / ? AS "kb" FROM events \#(newest)"#,
                   [.int(1024), .int(101)]),
        GoldenCase(#"extend total = request_size + response_size, ratio = duration_ms * 2 - 1"#,
                   #"SELECT ts AS "timestamp", service, method, path, route, status, duration_ms, consumer_id AS "consumer", client_ip, id, request_size + response_size AS "total", (duration_ms * ?) - ? AS "ratio" FROM events \#(newest)"#,
                   [.int(2), .int(1), .int(101)]),
        GoldenCase(#"where duration_ms > 250ms"#,
                   #"\#(raw) WHERE duration_ms > ? \#(newest)"#,
                   [.real(250.0), .int(101)]),
        GoldenCase(#"where duration_ms <= 1.5s"#,
                   #"\#(raw) WHERE duration_ms <= ? \#(newest)"#,
                   [.real(1500.0), .int(101)]),
        GoldenCase(#"where duration_ms < 5m"#,
                   #"\#(raw) WHERE duration_ms < ? \#(newest)"#,
                   [.real(300000.0), .int(101)]),
        GoldenCase(#"where duration_ms > 2h"#,
                   #"\#(raw) WHERE duration_ms > ? \#(newest)"#,
                   [.real(7200000.0), .int(101)]),
        GoldenCase(#"where duration_ms > 1d"#,
                   #"\#(raw) WHERE duration_ms > ? \#(newest)"#,
                   [.real(86400000.0), .int(101)]),
        GoldenCase(#"where duration_ms > 1500us"#,
                   #"\#(raw) WHERE duration_ms > ? \#(newest)"#,
                   [.real(1.5), .int(101)]),
        GoldenCase(#"where timestamp > datetime(2026-11-22T10:00:00Z)"#,
                   #"\#(raw) WHERE ts > ? \#(newest)"#,
                   [.int(1795341600000000), .int(101)]),
        GoldenCase(#"where timestamp > datetime("2026-11-22 10:00:00.5+01:00")"#,
                   #"\#(raw) WHERE ts > ? \#(newest)"#,
                   [.int(1795338000500000), .int(101)]),
        GoldenCase(#"where timestamp >= datetime(2026-11-22)"#,
                   #"\#(raw) WHERE ts >= ? \#(newest)"#,
                   [.int(1795305600000000), .int(101)]),
        GoldenCase(#"where timestamp > ago(1h)"#,
                   #"\#(raw) WHERE ts > ? \#(newest)"#,
                   [.int(1799996400000000), .int(101)]),
        GoldenCase(#"where timestamp <= now()"#,
                   #"\#(raw) WHERE ts <= ? \#(newest)"#,
                   [.int(1800000000000000), .int(101)]),
        GoldenCase(#"where timestamp > now() - 30m"#,
                   #"\#(raw) WHERE ts > ? \#(newest)"#,
                   [.int(1799998200000000), .int(101)]),
        GoldenCase(#"where timestamp > "2026-11-22T10:00:00Z""#,
                   #"\#(raw) WHERE ts > ? \#(newest)"#,
                   [.int(1795341600000000), .int(101)]),
        GoldenCase(#"extend age_ms = now() - timestamp"#,
                   #"SELECT ts AS "timestamp", service, method, path, route, status, duration_ms, consumer_id AS "consumer", client_ip, id, ((? - ts) / 1000.0) AS "age_ms" FROM events \#(newest)"#,
                   [.int(1800000000000000), .int(101)]),
        GoldenCase(#"extend later = timestamp + 1h"#,
                   #"SELECT ts AS "timestamp", service, method, path, route, status, duration_ms, consumer_id AS "consumer", client_ip, id, ts + ? AS "later" FROM events \#(newest)"#,
                   [.int(3600000000), .int(101)]),
        GoldenCase(#"where consumer.id == "c1" and error.type == "Timeout""#,
                   #"\#(raw) WHERE consumer_id = ? AND error_type = ? \#(newest)"#,
                   [.text(#"c1"#), .text(#"Timeout"#), .int(101)]),
        GoldenCase(#"where consumer.name == "Acme" and consumer.plan == "pro""#,
                   #"\#(raw) WHERE json_extract(doc, ?) = ? AND json_extract(doc, ?) = ? \#(newest)"#,
                   [.text(#"$.consumer.name"#), .text(#"Acme"#), .text(#"$.consumer.plan"#), .text(#"pro"#), .int(101)]),
        GoldenCase(#"where error.message contains "timeout""#,
                   #"\#(raw) WHERE instr(lower(json_extract(doc, ?)), lower(?)) > 0 \#(newest)"#,
                   [.text(#"$.error.message"#), .text(#"timeout"#), .int(101)]),
        GoldenCase(#"where span_id == "s" and scheme == "https" and host == "api.example.com" and user_agent contains "curl" and received_at > "2026""#,
                   #"\#(raw) WHERE json_extract(doc, ?) = ? AND json_extract(doc, ?) = ? AND json_extract(doc, ?) = ? AND instr(lower(json_extract(doc, ?)), lower(?)) > 0 AND json_extract(doc, ?) > ? \#(newest)"#,
                   [.text(#"$.span_id"#), .text(#"s"#), .text(#"$.scheme"#), .text(#"https"#), .text(#"$.host"#), .text(#"api.example.com"#), .text(#"$.user_agent"#), .text(#"curl"#), .text(#"$.received_at"#), .text(#"2026"#), .int(101)]),
        GoldenCase(#"where attributes.tenant == "acme""#,
                   #"\#(raw) WHERE CAST(json_extract(doc, ?) AS TEXT) = ? \#(newest)"#,
                   [.text(#"$.attributes.tenant"#), .text(#"acme"#), .int(101)]),
        GoldenCase(#"where attributes.retries > 3"#,
                   #"\#(raw) WHERE (CASE WHEN typeof(json_extract(doc, ?)) IN ('integer', 'real') THEN json_extract(doc, ?) END) > ? \#(newest)"#,
                   [.text(#"$.attributes.retries"#), .text(#"$.attributes.retries"#), .int(3), .int(101)]),
        GoldenCase(#"where attributes.deep.nested.key == true"#,
                   #"\#(raw) WHERE json_extract(doc, ?) = ? \#(newest)"#,
                   [.text(#"$.attributes.deep.nested.key"#), .int(1), .int(101)]),
        GoldenCase(#"where attributes["weird key"] == "x""#,
                   #"\#(raw) WHERE CAST(json_extract(doc, ?) AS TEXT) = ? \#(newest)"#,
                   [.text(#"$.attributes."weird key""#), .text(#"x"#), .int(101)]),
        GoldenCase(#"where request.headers.content-type startswith "application/json""#,
                   #"\#(raw) WHERE lower(CAST(json_extract(doc, ?) AS TEXT)) LIKE lower(?) ESCAPE '\' \#(newest)"#,
                   [.text(#"$.request.headers."content-type""#), .text(#"application/json%"#), .int(101)]),
        GoldenCase(#"where request.headers.X-Request-Id == "abc""#,
                   #"\#(raw) WHERE CAST(json_extract(doc, ?) AS TEXT) = ? \#(newest)"#,
                   [.text(#"$.request.headers."x-request-id""#), .text(#"abc"#), .int(101)]),
        GoldenCase(#"where response.headers.cache-control contains "no-cache""#,
                   #"\#(raw) WHERE instr(lower(CAST(json_extract(doc, ?) AS TEXT)), lower(?)) > 0 \#(newest)"#,
                   [.text(#"$.response.headers."cache-control""#), .text(#"no-cache"#), .int(101)]),
        GoldenCase(#"where query.page == "2""#,
                   #"\#(raw) WHERE CAST(json_extract(doc, ?) AS TEXT) = ? \#(newest)"#,
                   [.text(#"$.query.page"#), .text(#"2"#), .int(101)]),
        GoldenCase(#"where isnotnull(query.debug)"#,
                   #"\#(raw) WHERE json_extract(doc, ?) IS NOT NULL \#(newest)"#,
                   [.text(#"$.query.debug"#), .int(101)]),
        GoldenCase(#"project attributes.tenant, request.headers.user-agent"#,
                   #"SELECT json_extract(doc, ?) AS "attributes_tenant", json_extract(doc, ?) AS "request_headers_user_agent" FROM events \#(newest)"#,
                   [.text(#"$.attributes.tenant"#), .text(#"$.request.headers."user-agent""#), .int(101)]),
        GoldenCase(#"summarize count() by attributes.tenant"#,
                   #"SELECT json_extract(doc, ?) AS "attributes_tenant", COUNT(*) AS "count_" FROM events GROUP BY 1 LIMIT ?"#,
                   [.text(#"$.attributes.tenant"#), .int(101)]),
        GoldenCase(#"summarize avg(attributes.latency)"#,
                   #"SELECT AVG((CASE WHEN typeof(json_extract(doc, ?)) IN ('integer', 'real') THEN json_extract(doc, ?) END)) AS "avg_attributes_latency" FROM events LIMIT ?"#,
                   [.text(#"$.attributes.latency"#), .text(#"$.attributes.latency"#), .int(101)]),
        GoldenCase(#"timeout"#,
                   #"\#(raw) WHERE (instr(lower(path), lower(?)) > 0 OR instr(lower(route), lower(?)) > 0 OR instr(lower(json_extract(doc, ?)), lower(?)) > 0) \#(newest)"#,
                   [.text(#"timeout"#), .text(#"timeout"#), .text(#"$.error.message"#), .text(#"timeout"#), .int(101)]),
        GoldenCase(#""payment failed""#,
                   #"\#(raw) WHERE (instr(lower(path), lower(?)) > 0 OR instr(lower(route), lower(?)) > 0 OR instr(lower(json_extract(doc, ?)), lower(?)) > 0) \#(newest)"#,
                   [.text(#"payment failed"#), .text(#"payment failed"#), .text(#"$.error.message"#), .text(#"payment failed"#), .int(101)]),
        GoldenCase(#"| payment failed"#,
                   #"\#(raw) WHERE (instr(lower(path), lower(?)) > 0 OR instr(lower(route), lower(?)) > 0 OR instr(lower(json_extract(doc, ?)), lower(?)) > 0) AND (instr(lower(path), lower(?)) > 0 OR instr(lower(route), lower(?)) > 0 OR instr(lower(json_extract(doc, ?)), lower(?)) > 0) \#(newest)"#,
                   [.text(#"payment"#), .text(#"payment"#), .text(#"$.error.message"#), .text(#"payment"#), .text(#"failed"#), .text(#"failed"#), .text(#"$.error.message"#), .text(#"failed"#), .int(101)]),
        GoldenCase(#"where "timeout" and status >= 500"#,
                   #"\#(raw) WHERE (instr(lower(path), lower(?)) > 0 OR instr(lower(route), lower(?)) > 0 OR instr(lower(json_extract(doc, ?)), lower(?)) > 0) AND status >= ? \#(newest)"#,
                   [.text(#"timeout"#), .text(#"timeout"#), .text(#"$.error.message"#), .text(#"timeout"#), .int(500), .int(101)]),
        GoldenCase(#"summarize n = count() by route | where n > 10 | sort by n desc"#,
                   #"SELECT "route", "n" FROM (SELECT route, COUNT(*) AS "n" FROM events GROUP BY 1) WHERE "n" > ? ORDER BY "n" DESC LIMIT ?"#,
                   [.int(10), .int(101)]),
        GoldenCase(#"summarize n = count() by route | sort by n desc | take 20"#,
                   #"SELECT route, COUNT(*) AS "n" FROM events GROUP BY 1 ORDER BY "n" DESC LIMIT ?"#,
                   [.int(20)]),
        GoldenCase(#"summarize n = count() by route | sort by n * 2"#,
                   #"SELECT "route", "n" FROM (SELECT route, COUNT(*) AS "n" FROM events GROUP BY 1) ORDER BY "n" * ? DESC LIMIT ?"#,
                   [.int(2), .int(101)]),
        GoldenCase(#"summarize n = count() by route | project route, twice = n * 2"#,
                   #"SELECT "route", "n" * ? AS "twice" FROM (SELECT route, COUNT(*) AS "n" FROM events GROUP BY 1) LIMIT ?"#,
                   [.int(2), .int(101)]),
        GoldenCase(#"summarize n = count() by route | extend twice = n * 2"#,
                   #"SELECT "route", "n", "n" * ? AS "twice" FROM (SELECT route, COUNT(*) AS "n" FROM events GROUP BY 1) LIMIT ?"#,
                   [.int(2), .int(101)]),
        GoldenCase(#"extend x = duration_ms * 2 | where x > 5"#,
                   #"SELECT ts AS "timestamp", service, method, path, route, status, duration_ms, consumer_id AS "consumer", client_ip, id, duration_ms * ? AS "x" FROM events WHERE (duration_ms * ?) > ? \#(newest)"#,
                   [.int(2), .int(2), .int(5), .int(101)]),
        GoldenCase(#"take 100 | where status >= 500"#,
                   #"SELECT "timestamp", "service", "method", "path", "route", "status", "duration_ms", "consumer", "client_ip", "id" FROM (SELECT ts AS "timestamp", service, method, path, route, status, duration_ms, consumer_id AS "consumer", client_ip, id, ts AS "__sl_1", seq AS "__sl_2" FROM events \#(newest)) WHERE "status" >= ? ORDER BY "__sl_1" DESC, "__sl_2" DESC LIMIT ?"#,
                   [.int(100), .int(500), .int(101)]),
        GoldenCase(#"take 100 | sort by duration_ms"#,
                   #"SELECT "timestamp", "service", "method", "path", "route", "status", "duration_ms", "consumer", "client_ip", "id" FROM (SELECT ts AS "timestamp", service, method, path, route, status, duration_ms, consumer_id AS "consumer", client_ip, id, ts AS "__sl_1", seq AS "__sl_2" FROM events \#(newest)) ORDER BY "duration_ms" DESC LIMIT ?"#,
                   [.int(100), .int(101)]),
        GoldenCase(#"take 10 | take 5"#,
                   #"\#(raw) \#(newest)"#,
                   [.int(5)]),
        GoldenCase(#"sort by status | take 10 | summarize count() by status"#,
                   #"SELECT "status", COUNT(*) AS "count_" FROM (SELECT ts AS "timestamp", service, method, path, route, status, duration_ms, consumer_id AS "consumer", client_ip, id, ts AS "__sl_1", seq AS "__sl_2" FROM events ORDER BY status DESC LIMIT ?) GROUP BY 1 LIMIT ?"#,
                   [.int(10), .int(101)]),
        GoldenCase(#"where status >= 500 | summarize n = count() by route | summarize routes = count()"#,
                   #"SELECT COUNT(*) AS "routes" FROM (SELECT route, COUNT(*) AS "n" FROM events WHERE status >= ? GROUP BY 1) LIMIT ?"#,
                   [.int(500), .int(101)]),
        GoldenCase(#"project status | where status > 200"#,
                   #"SELECT status FROM events WHERE status > ? \#(newest)"#,
                   [.int(200), .int(101)]),
        GoldenCase(#"top 5 by duration_ms | project route, duration_ms"#,
                   #"SELECT route, duration_ms FROM events ORDER BY duration_ms DESC LIMIT ?"#,
                   [.int(5)]),
        GoldenCase(#"summarize count() by consumer.plan | project consumer_plan, count_"#,
                   #"SELECT "consumer_plan", "count_" FROM (SELECT json_extract(doc, ?) AS "consumer_plan", COUNT(*) AS "count_" FROM events GROUP BY 1) LIMIT ?"#,
                   [.text(#"$.consumer.plan"#), .int(101)]),
    ]
}

@Suite struct GoldenSQLTests {
    @Test(arguments: Golden.cases)
    func compilesToExactSQL(_ golden: GoldenCase) throws {
        let compiled = try QueryCompiler().compile(golden.query, now: goldenNow, options: CompileOptions(maxRows: 100))
        #expect(compiled.sql == golden.sql)
        #expect(compiled.parameters == golden.parameters)
        #expect(compiled.sql.filter { $0 == "?" }.count == compiled.parameters.count)
    }
}

@Suite struct ScannedRowsCountingTests {
    @Test("the counting call heads the innermost WHERE only", arguments: [
        (#"where status >= 500 or status == 404 | summarize n = count() by route | where n > 3"#,
         #"SELECT "route", "n" FROM (SELECT route, COUNT(*) AS "n" FROM events WHERE sl_scanned() AND (status >= ? OR status = ?) GROUP BY 1) WHERE "n" > ? LIMIT ?"#),
        (#"summarize count()"#,
         #"SELECT COUNT(*) AS "count_" FROM events WHERE sl_scanned() LIMIT ?"#),
    ])
    func countsScannedRows(_ query: String, _ sql: String) throws {
        let compiled = try QueryCompiler().compile(query, now: goldenNow, options: CompileOptions(maxRows: 100), dialect: SQLiteDialect(countsScannedRows: true))
        #expect(compiled.sql == sql)
        #expect(compiled.sql.filter { $0 == "?" }.count == compiled.parameters.count)
    }
}

@Suite struct RollupRoutingTests {
    static let hour: Int64 = 3_600_000_000
    static let from: Int64 = 1_800_000_000_000_000 - 1_800_000_000_000_000 % hour - 24 * hour

    func compile(_ query: String, from: Int64? = RollupRoutingTests.from, to: Int64? = RollupRoutingTests.from + 24 * RollupRoutingTests.hour) throws -> CompiledQuery {
        try QueryCompiler().compile(query, now: goldenNow, options: CompileOptions(from: from, to: to, maxRows: 100), dialect: SQLiteDialect(routesToRollups: true))
    }

    @Test("summaries rollups answer exactly read the hour or minute table")
    func routed() throws {
        let count = try compile("summarize count() by route")
        #expect(count.readsRollups)
        #expect(count.sql == #"SELECT route, COALESCE(SUM(count), 0) AS "count_" FROM rollup_hour WHERE bucket >= ? AND bucket < ? GROUP BY 1 LIMIT ?"#)
        #expect(count.parameters == [.int(Self.from / 60_000_000), .int(Self.from / 60_000_000 + 24 * 60), .int(101)])

        let p95 = try compile("where status >= 500 and service == \"shop\" | summarize p95=percentile(duration_ms, 95), bytes=sum(response_size) by route, bin(timestamp, 1h) | sort by p95 desc")
        #expect(p95.readsRollups)
        #expect(p95.sql.contains("FROM rollup_hour"))
        #expect(p95.sql.contains("sl_sketch_quantile(sketch, ?)") && p95.sql.contains("SUM(response_bytes)") && p95.sql.contains("status_class >= ?"))
        #expect(p95.parameters.contains(.real(0.95)))

        // A window on whole minutes (not hours) reads minute rows.
        let minutes = try compile("summarize count() by service", from: Self.from + 60_000_000, to: Self.from + 61 * 60_000_000)
        #expect(minutes.readsRollups && minutes.sql.contains("FROM rollup_minute"))
        #expect(try compile("summarize count() by bin(timestamp, 5m)").sql.contains("FROM rollup_minute"))
    }

    @Test("anything rollups cannot answer exactly reads raw events", arguments: [
        "summarize dcount(user_id) by route",
        "summarize count() by consumer",
        "where status == 404 | summarize count() by route",
        "where path startswith \"/a\" | summarize count()",
        "summarize avg(duration_ms) by route",
        "summarize count() by bin(timestamp, 30s)",
        "take 10",
        "summarize n = 2 * count() by route",
    ])
    func notRouted(_ query: String) throws {
        let compiled = try compile(query)
        #expect(!compiled.readsRollups)
        #expect(!compiled.sql.contains("rollup_"))
    }

    @Test("an unaligned window reads raw events")
    func unaligned() throws {
        #expect(!(try compile("summarize count() by route", from: Self.from + 1)).readsRollups)
        #expect(!(try compile("summarize count() by route", from: Self.from, to: Self.from + 90_000_000 + 1)).readsRollups)
    }
}
