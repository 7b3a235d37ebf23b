// Page modules. Each page: {title, mount(root, ctx) -> {load(range), render(data), renderError?(err)}}.
// The shell (app.js) calls load/render on navigation, range change and live ticks.

import { h, clear, fmtInt, fmtNum, fmtPct, fmtMs, fmtBytes, fmtTime, endpointHref, methodBadge, statusClass, DASH } from "./util.js";
import * as api from "./api.js";
import { timeChart, donut, miniBar } from "./charts.js";
import { card, kpi, dataTable, endpointCell, statusBadge, severityBadge, severityRank, incidentStatusBadge, openEventPanel, errorBox } from "./components.js";

// ---- shared chart block -------------------------------------------------------

function seriesCharts(d, prefix) {
  const bucketMs = (d.bucket_seconds || 60) * 1000;
  const perMin = (d.bucket_seconds || 60) / 60;
  const series = d.series || [];
  const pts = (fn) => series.map((p) => ({ t: Date.parse(p.t), v: fn(p), raw: p }));
  const bucketTxt = d.bucket_seconds >= 3600 ? `${d.bucket_seconds / 3600} h` : `${(d.bucket_seconds || 60) / 60} min`;
  const sub = `per ${bucketTxt} · UTC`;
  return [
    card("Requests / min", { sub, testid: prefix + "chart-card-requests" },
      timeChart({
        testid: "chart-requests", label: "Requests per minute over time", kind: "bar", color: "c-blue", bucketMs,
        points: pts((p) => p.requests / perMin), tipLabel: "req/min", fmtTip: (v) => fmtNum(Math.round(v * 10) / 10),
        tipExtra: (p) => `${fmtInt(p.raw.requests)} requests, ${fmtInt(p.raw.errors)} errors`,
      })),
    card("Error rate (5xx)", { sub, testid: prefix + "chart-card-errors" },
      timeChart({
        testid: "chart-error-rate", label: "Error rate over time", kind: "line", color: "c-red", bucketMs, emptyMax: 0.01,
        points: pts((p) => (p.requests ? p.errors / p.requests : null)),
        fmtY: (v) => axisPct(v), fmtTip: fmtPct, tipLabel: "errors",
      })),
    card("p95 latency", { sub, testid: prefix + "chart-card-latency" },
      timeChart({
        testid: "chart-p95", label: "p95 latency over time", kind: "line", color: "c-violet", bucketMs, emptyMax: 100,
        points: pts((p) => p.p95_ms), fmtY: axisMs, fmtTip: fmtMs, tipLabel: "p95",
      })),
  ];
}

function axisPct(v) {
  const p = v * 100;
  if (p === 0) return "0%";
  return (p < 1 ? Number(p.toFixed(2)) : Number(p.toFixed(1))) + "%";
}
function axisMs(v) {
  if (v === 0) return "0";
  if (v >= 1000) return Number((v / 1000).toFixed(2)) + " s";
  return Number(v.toFixed(v < 10 ? 1 : 0)) + " ms";
}

function minutesBetween(from, to) {
  return Math.max(1 / 60, (Date.parse(to) - Date.parse(from)) / 60000);
}

// ---- Overview -------------------------------------------------------------------

export const overview = {
  title: "Overview",
  mount(root) {
    const host = h("div", { class: "stack" });
    root.appendChild(host);
    return {
      load: (range) => api.get("/v1/metrics/overview", range),
      render(d, range) {
        const t = d.totals || {};
        const from = d.from || range.from;
        const to = d.to || range.to;
        const rpm = (t.requests || 0) / minutesBetween(from, to);
        const sc = d.status_classes || {};
        const topCols = (metric) => {
          const base = [{ key: "route", label: "Endpoint", cell: (e) => endpointCell(e, endpointHref(e), true), cls: "grow" }];
          if (metric === "traffic")
            return base.concat([
              { key: "requests", label: "Requests", num: true, fmt: fmtInt },
              { key: "error_rate", label: "Err %", num: true, fmt: fmtPct },
            ]);
          if (metric === "errors")
            return base.concat([
              { key: "errors", label: "Errors", num: true, fmt: fmtInt },
              { key: "error_rate", label: "Err %", num: true, fmt: fmtPct },
            ]);
          return base.concat([
            { key: "p95_ms", label: "p95", num: true, fmt: fmtMs },
            { key: "p99_ms", label: "p99", num: true, fmt: fmtMs },
          ]);
        };
        const goto = (e) => (location.hash = endpointHref(e));
        clear(host).append(
          h("div", { class: "kpis" },
            kpi("Requests", "requests", t.requests, fmtInt(t.requests), fmtBytes(t.bytes_out) + " out"),
            kpi("Requests / min", "rpm", Math.round(rpm * 10) / 10, fmtNum(Math.round(rpm * 10) / 10), "average over range"),
            kpi("Error rate (5xx)", "error-rate", t.error_rate, fmtPct(t.error_rate), `${fmtInt(t.errors)} errors · ${fmtInt(t.client_errors)} 4xx`),
            kpi("p95 latency", "p95", t.p95_ms, fmtMs(t.p95_ms), `p50 ${fmtMs(t.p50_ms)} · p99 ${fmtMs(t.p99_ms)}`),
          ),
          h("div", { class: "grid-2" },
            ...seriesCharts(d, ""),
            card("Status codes", { sub: "share of requests", testid: "chart-card-status" },
              donut({
                testid: "chart-status", label: "Status code mix",
                parts: [
                  { key: "2xx", label: "2xx success", value: sc["2xx"] || 0, cls: "s2" },
                  { key: "3xx", label: "3xx redirect", value: sc["3xx"] || 0, cls: "s3" },
                  { key: "4xx", label: "4xx client error", value: sc["4xx"] || 0, cls: "s4" },
                  { key: "5xx", label: "5xx server error", value: sc["5xx"] || 0, cls: "s5" },
                ],
              })),
          ),
          h("div", { class: "grid-3" },
            card("Top endpoints by traffic", { testid: "top-traffic-card" },
              dataTable(topCols("traffic"), { testid: "top-traffic", rows: d.top_by_traffic || [], onRowClick: goto })),
            card("Top endpoints by errors", { testid: "top-errors-card" },
              dataTable(topCols("errors"), { testid: "top-errors", rows: d.top_by_errors || [], onRowClick: goto })),
            card("Slowest endpoints (p95)", { testid: "top-latency-card" },
              dataTable(topCols("latency"), { testid: "top-latency", rows: d.top_by_latency || [], onRowClick: goto })),
          ),
        );
      },
    };
  },
};

// ---- Endpoints ------------------------------------------------------------------

const epState = { service: "", method: "", text: "", sort: { key: "requests", dir: "desc" } };

export const endpoints = {
  title: "Endpoints",
  mount(root) {
    let data = null;
    const svcSel = h("select", { testid: "filter-service", "aria-label": "Service" });
    const methSel = h("select", { testid: "filter-method", "aria-label": "Method" });
    const text = h("input", { type: "search", placeholder: "Filter routes…", testid: "filter-text", "aria-label": "Filter routes", value: epState.text });
    const count = h("span", { class: "muted small", testid: "endpoints-count" });
    const tableHost = h("div");
    const fillSelect = (sel, all, values, cur) => {
      clear(sel).appendChild(h("option", { value: "" }, all));
      for (const v of values) sel.appendChild(h("option", { value: v }, v));
      sel.value = values.includes(cur) ? cur : "";
    };
    const draw = () => {
      if (!data) return;
      const q = epState.text.trim().toLowerCase();
      const rows = data.filter(
        (e) =>
          (!epState.service || e.service === epState.service) &&
          (!epState.method || e.method === epState.method) &&
          (!q || e.route.toLowerCase().includes(q) || e.service.toLowerCase().includes(q)),
      );
      count.textContent = rows.length === data.length ? `${fmtInt(rows.length)} endpoints` : `${fmtInt(rows.length)} of ${fmtInt(data.length)} endpoints`;
      clear(tableHost).appendChild(
        dataTable(
          [
            { key: "service", label: "Service", cls: "nowrap" },
            { key: "method", label: "Method", cell: (e) => methodBadge(e.method) },
            { key: "route", label: "Route", cell: (e) => h("a", { href: endpointHref(e), class: "route mono" }, e.route), cls: "grow" },
            { key: "requests", label: "Requests", num: true, fmt: fmtInt },
            { key: "error_rate", label: "Error %", num: true, fmt: fmtPct },
            { key: "p50_ms", label: "p50", num: true, fmt: fmtMs },
            { key: "p95_ms", label: "p95", num: true, fmt: fmtMs },
            { key: "p99_ms", label: "p99", num: true, fmt: fmtMs },
            { key: "last_seen", label: "Last seen (UTC)", fmt: fmtTime, cls: "nowrap muted" },
          ],
          { testid: "endpoints-table", rows, sortState: epState.sort, onRowClick: (e) => (location.hash = endpointHref(e)), empty: "No endpoints match." },
        ),
      );
    };
    svcSel.addEventListener("change", () => ((epState.service = svcSel.value), draw()));
    methSel.addEventListener("change", () => ((epState.method = methSel.value), draw()));
    text.addEventListener("input", () => ((epState.text = text.value), draw()));
    root.appendChild(
      card(null, { class: "flush" },
        h("div", { class: "filters" },
          h("label", { class: "field" }, h("span", null, "Service"), svcSel),
          h("label", { class: "field" }, h("span", null, "Method"), methSel),
          h("label", { class: "field grow" }, h("span", null, "Search"), text),
          count,
        ),
        tableHost,
      ),
    );
    return {
      load: (range) => api.get("/v1/metrics/endpoints", range),
      render(d) {
        data = d.endpoints || [];
        fillSelect(svcSel, "All services", [...new Set(data.map((e) => e.service))].sort(), epState.service);
        fillSelect(methSel, "All methods", [...new Set(data.map((e) => e.method))].sort(), epState.method);
        epState.service = svcSel.value;
        epState.method = methSel.value;
        draw();
      },
    };
  },
};

// ---- Endpoint detail ------------------------------------------------------------

const slowSort = { key: "duration_ms", dir: "desc" };
const consSort = { key: "requests", dir: "desc" };

export const endpoint = {
  title: "Endpoint",
  mount(root, ctx) {
    const p = ctx.params;
    const ep = { service: p.get("service") || "", method: (p.get("method") || "").toUpperCase(), route: p.get("route") || "" };
    const title = () => [methodBadge(ep.method || "?"), " ", h("span", { class: "mono" }, ep.route || "(unknown route)")];
    ctx.setTitle(title(), ep.service ? `service ${ep.service}` : "", `${ep.method} ${ep.route}`);
    const host = h("div", { class: "stack" });
    root.append(h("a", { href: "#/endpoints", class: "back", testid: "back-to-endpoints" }, "← All endpoints"), host);
    return {
      load(range) {
        if (!ep.service || !ep.method || !ep.route) return Promise.reject(new Error("This link is missing the service, method or route."));
        return api.get("/v1/metrics/endpoint", { ...ep, ...range });
      },
      render(d, range) {
        const e = d.endpoint || {};
        const codes = d.status_codes || [];
        const maxCode = Math.max(1, ...codes.map((c) => c.count));
        const totalCodes = codes.reduce((a, c) => a + c.count, 0);
        const rpm = (e.requests || 0) / minutesBetween(range.from, range.to);
        ctx.setTitle(title(), [`service ${e.service || ep.service}`, e.first_seen ? `first seen ${fmtTime(e.first_seen)}` : "", e.last_seen ? `last seen ${fmtTime(e.last_seen)} UTC` : ""].filter(Boolean).join(" · "), `${ep.method} ${ep.route}`);
        clear(host).append(
          h("div", { class: "kpis kpis-5" },
            kpi("Requests", "requests", e.requests, fmtInt(e.requests), `${fmtNum(Math.round(rpm * 10) / 10)} / min`),
            kpi("Error rate (5xx)", "error-rate", e.error_rate, fmtPct(e.error_rate), `${fmtInt(e.errors)} errors`),
            kpi("p50 latency", "p50", e.p50_ms, fmtMs(e.p50_ms)),
            kpi("p95 latency", "p95", e.p95_ms, fmtMs(e.p95_ms)),
            kpi("p99 latency", "p99", e.p99_ms, fmtMs(e.p99_ms)),
          ),
          h("div", { class: "grid-3" }, ...seriesCharts(d, "ep-")),
          h("div", { class: "grid-2" },
            card("Status codes", { sub: `${fmtInt(totalCodes)} responses`, testid: "status-codes-card" },
              dataTable(
                [
                  { key: "status", label: "Status", cell: (c) => statusBadge(c.status) },
                  { key: "count", label: "Count", num: true, fmt: fmtInt },
                  { key: "share", label: "Share", num: true, value: (c) => (totalCodes ? c.count / totalCodes : 0), fmt: (v) => (v * 100).toFixed(1) + " %" },
                  { key: "bar", label: "", sort: false, cell: (c) => miniBar(c.count / maxCode, statusClass(c.status)), cls: "grow" },
                ],
                { testid: "status-codes", rows: codes },
              )),
            card("Top consumers", { testid: "endpoint-consumers-card" },
              dataTable(
                [
                  { key: "consumer", label: "Consumer", cls: "nowrap" },
                  { key: "requests", label: "Requests", num: true, fmt: fmtInt },
                  { key: "errors", label: "Errors", num: true, fmt: fmtInt },
                  { key: "bytes", label: "Bytes", num: true, fmt: fmtBytes },
                ],
                { testid: "endpoint-consumers", rows: d.top_consumers || [], sortState: consSort },
              )),
          ),
          card("Slowest recent requests", { sub: "click a row for details", testid: "slowest-card" },
            dataTable(
              [
                { key: "timestamp", label: "Time (UTC)", fmt: fmtTime, cls: "nowrap" },
                { key: "duration_ms", label: "Duration", num: true, fmt: fmtMs },
                { key: "status", label: "Status", cell: (r) => statusBadge(r.status) },
                { key: "path", label: "Path", cls: "mono grow clip" },
                { key: "consumer", label: "Consumer", cls: "nowrap" },
              ],
              { testid: "slowest", rows: d.slowest || [], sortState: slowSort, onRowClick: (r) => openEventPanel(r.id), empty: "No requests in this range." },
            )),
        );
      },
    };
  },
};

// ---- Explorer -------------------------------------------------------------------

const EXAMPLES = [
  "summarize n=count() by service",
  "where status >= 500 | sort by timestamp desc | take 50",
  "summarize n=count(), errors=countif(status >= 500), p95=p95(duration_ms) by route | sort by n desc",
  'where duration_ms > 1000 and service == "checkout-api" | sort by duration_ms desc | take 20',
  "summarize n=count() by consumer, status | sort by n desc | take 25",
];

const exState = { query: sessionStorage.getItem("sightline.query") || EXAMPLES[0], ran: null, sort: {} };

export const explorer = {
  title: "Explorer",
  mount(root, ctx) {
    const ta = h("textarea", {
      class: "query mono", rows: "4", spellcheck: "false", testid: "query-input", "aria-label": "Query",
      autocapitalize: "off", autocomplete: "off",
    });
    ta.value = exState.query;
    const run = () => {
      exState.query = ta.value;
      exState.ran = ta.value;
      exState.sort = {};
      sessionStorage.setItem("sightline.query", ta.value);
      ctx.refresh();
    };
    ta.addEventListener("input", () => (exState.query = ta.value));
    ta.addEventListener("keydown", (e) => {
      if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) {
        e.preventDefault();
        run();
      }
    });
    const runBtn = h("button", { type: "button", class: "btn btn-primary", testid: "run-query", onclick: run }, "Run query");
    const chips = h("div", { class: "chips", testid: "examples" },
      h("span", { class: "muted small" }, "Examples:"),
      EXAMPLES.map((q, i) =>
        h("button", { type: "button", class: "chip mono", testid: "example-" + i, title: q, onclick: () => { ta.value = q; run(); } }, q)),
    );
    const out = h("div", { class: "stack", testid: "query-output" });
    root.append(
      card(null, { class: "editor" },
        ta,
        h("div", { class: "editor-bar" }, runBtn, h("span", { class: "muted small" }, "Ctrl / ⌘ + Enter to run · uses the selected time range")),
        chips,
      ),
      out,
    );
    const idle = () => clear(out).appendChild(h("div", { class: "empty-state", testid: "query-idle" }, "Run a query to see results."));
    return {
      load(range) {
        if (exState.ran === null) return Promise.resolve(null);
        runBtn.disabled = true;
        return api.post("/v1/query", { query: exState.ran, from: range.from, to: range.to }).finally(() => (runBtn.disabled = false));
      },
      render(d) {
        if (!d) return idle();
        const cols = d.columns || [];
        const idIdx = cols.findIndex((c) => c.name === "id");
        const st = d.statistics || {};
        const isNumType = (t) => /^(int|long|real|float|double|decimal|number|timespan)/i.test(t || "");
        clear(out).append(
          h("div", { class: "stats", testid: "query-stats" },
            h("span", null, h("b", { testid: "stat-rows-returned" }, fmtInt(st.rows_returned)), " rows returned"),
            h("span", null, h("b", null, fmtInt(st.rows_scanned)), " rows scanned"),
            h("span", null, h("b", null, fmtMs(st.elapsed_ms))),
            idIdx >= 0 ? h("span", { class: "muted" }, "click a row to open the event") : null,
          ),
          card(null, { class: "flush" },
            dataTable(
              cols.map((c, i) => ({
                key: c.name,
                label: c.name,
                value: (r) => r[i],
                num: isNumType(c.type),
                cls: c.type === "datetime" ? "nowrap mono" : c.name === "id" ? "mono nowrap" : null,
                fmt: (v) => {
                  if (v === null || v === undefined) return h("span", { class: "null" }, "null");
                  if (typeof v === "number") return fmtNum(v);
                  if (typeof v === "object") return JSON.stringify(v);
                  return String(v);
                },
              })),
              {
                testid: "results", rows: d.rows || [], sortState: exState.sort, empty: "The query returned no rows.",
                onRowClick: idIdx >= 0 ? (r) => r[idIdx] && openEventPanel(String(r[idIdx])) : null,
              },
            ),
          ),
        );
      },
      renderError(err) {
        const e = err.error || {};
        clear(out).appendChild(
          h("div", { class: "alert alert-error query-error", role: "alert", testid: "query-error" },
            h("div", { class: "err-title" }, err.message, e.line ? ` (line ${e.line}, column ${e.column})` : ""),
            e.detail ? h("pre", { class: "code", testid: "query-error-detail" }, e.detail) : null,
          ),
        );
      },
    };
  },
};

// ---- Consumers ------------------------------------------------------------------

const conSort = { key: "requests", dir: "desc" };

export const consumersPage = {
  title: "Consumers",
  mount(root) {
    const host = h("div", { class: "stack" });
    root.appendChild(host);
    return {
      load: (range) => api.get("/v1/metrics/consumers", range),
      render(d) {
        const rows = d.consumers || [];
        const max = Math.max(1, ...rows.map((r) => r.requests));
        clear(host).appendChild(
          card(null, { class: "flush" },
            h("div", { class: "filters" }, h("span", { class: "muted small", testid: "consumers-count" }, `${fmtInt(rows.length)} consumers`)),
            dataTable(
              [
                { key: "consumer", label: "Consumer", cls: "nowrap strong" },
                { key: "plan", label: "Plan", cell: (r) => h("span", { class: "plan plan-" + String(r.plan).toLowerCase().replace(/[^a-z0-9]/g, "") }, r.plan ?? DASH) },
                { key: "requests", label: "Requests", num: true, fmt: fmtInt },
                { key: "share", label: "", sort: false, cell: (r) => miniBar(r.requests / max), cls: "bar-col" },
                { key: "errors", label: "Errors", num: true, fmt: fmtInt },
                { key: "error_rate", label: "Error %", num: true, fmt: fmtPct },
                { key: "bytes", label: "Bytes", num: true, fmt: fmtBytes },
                { key: "p95_ms", label: "p95", num: true, fmt: fmtMs },
              ],
              { testid: "consumers-table", rows, sortState: conSort },
            ),
          ),
        );
      },
    };
  },
};

// ---- Security incidents -----------------------------------------------------------

const DETECTORS = [
  "brute-force", "credential-stuffing", "password-spraying", "enumeration",
  "scanning", "rate-abuse", "exfiltration", "injection-burst",
];
const OWASP_TITLES = {
  "API1:2023": "Broken Object Level Authorization",
  "API2:2023": "Broken Authentication",
  "API3:2023": "Broken Object Property Level Authorization",
  "API4:2023": "Unrestricted Resource Consumption",
  "API5:2023": "Broken Function Level Authorization",
  "API6:2023": "Unrestricted Access to Sensitive Business Flows",
  "API7:2023": "Server Side Request Forgery",
  "API8:2023": "Security Misconfiguration",
  "API9:2023": "Improper Inventory Management",
  "API10:2023": "Unsafe Consumption of APIs",
};
// "active" = open + acknowledged (everything not resolved): two API calls, merged newest first.
const INC_STATUSES = [
  ["active", "Open + acknowledged"],
  ["open", "Open"],
  ["acknowledged", "Acknowledged"],
  ["resolved", "Resolved"],
  ["all", "All statuses"],
];
const INC_LIMIT = 1000; // the API's maximum
const incState = { status: "active", detector: "", entity: "", sort: { key: "last_seen", dir: "desc" }, selected: null };

const entityText = (i) => (i.entity ? `${i.entity.kind} ${i.entity.value}` : "");
const byNewest = (a, b) => (a.last_seen < b.last_seen ? 1 : a.last_seen > b.last_seen ? -1 : a.id < b.id ? 1 : a.id > b.id ? -1 : 0);

/** The table's query: the same parameters the page sends (also used by the browser test). */
function incidentQueries(range) {
  const base = { from: range.from, to: range.to, detector: incState.detector, entity: incState.entity.trim(), limit: INC_LIMIT };
  if (incState.status === "active") return [{ ...base, status: "open" }, { ...base, status: "acknowledged" }];
  if (incState.status === "all") return [base];
  return [{ ...base, status: incState.status }];
}

function entityCell(i) {
  const e = i.entity || {};
  return h("span", { class: "entity" }, h("span", { class: "entity-kind" }, e.kind || "?"), h("span", { class: "mono entity-val", title: e.value || "" }, e.value ?? DASH));
}

function owaspCell(cat) {
  return h("span", { class: "owasp mono", title: OWASP_TITLES[cat] || "" }, cat || DASH);
}

export const incidents = {
  title: "Security incidents",
  mount(root, ctx) {
    let all = [];
    let rows = [];
    let current = null; // the selected incident (kept after it leaves the table, e.g. when resolved)
    let panelMsg = null;
    const kpiHost = h("div", { class: "kpis" });
    const statusSel = h("select", { testid: "filter-status", "aria-label": "Status" },
      INC_STATUSES.map(([v, label]) => h("option", { value: v }, label)));
    statusSel.value = incState.status;
    const detSel = h("select", { testid: "filter-detector", "aria-label": "Detector" },
      h("option", { value: "" }, "All detectors"), DETECTORS.map((d) => h("option", { value: d }, d)));
    detSel.value = incState.detector;
    const entity = h("input", {
      type: "search", placeholder: "IP, user, consumer… (exact)", testid: "filter-entity", "aria-label": "Entity",
      value: incState.entity, autocapitalize: "off", autocomplete: "off", spellcheck: "false",
    });
    const count = h("span", { class: "muted small", testid: "incidents-count" });
    const tableHost = h("div");
    const panelHost = h("div", { class: "inc-side" });
    const layout = h("div", { class: "inc-layout" },
      card(null, { class: "flush", testid: "incidents-card" },
        h("div", { class: "filters inc-filters" },
          h("label", { class: "field" }, h("span", null, "Status"), statusSel),
          h("label", { class: "field" }, h("span", null, "Detector"), detSel),
          h("label", { class: "field grow" }, h("span", null, "Entity"), entity),
          count,
        ),
        tableHost,
      ),
      panelHost,
    );
    root.append(kpiHost, layout);

    statusSel.addEventListener("change", () => ((incState.status = statusSel.value), ctx.refresh()));
    detSel.addEventListener("change", () => ((incState.detector = detSel.value), ctx.refresh()));
    let entityTimer = null;
    const entityChanged = () => {
      clearTimeout(entityTimer);
      if (entity.value.trim() === incState.entity.trim()) return;
      incState.entity = entity.value;
      ctx.refresh();
    };
    entity.addEventListener("input", () => {
      clearTimeout(entityTimer);
      entityTimer = setTimeout(entityChanged, 400);
    });
    entity.addEventListener("keydown", (e) => e.key === "Enter" && entityChanged());
    entity.addEventListener("change", entityChanged);

    const select = (inc) => {
      const same = current && current.id === inc.id;
      incState.selected = inc.id;
      current = inc;
      panelMsg = null;
      drawTable();
      drawPanel(!same);
    };
    const closePanel = () => {
      incState.selected = null;
      current = null;
      drawTable();
      drawPanel();
    };

    const drawKpis = () => {
      const open = all.filter((i) => i.status === "open");
      const ack = all.filter((i) => i.status === "acknowledged");
      const active = open.concat(ack);
      const severe = active.filter((i) => i.severity === "critical" || i.severity === "high");
      const critical = active.filter((i) => i.severity === "critical").length;
      const firing = new Set(active.map((i) => i.detector));
      const resolved = all.length - active.length;
      clear(kpiHost).append(
        kpi("Open incidents", "open-incidents", open.length, fmtInt(open.length), `${fmtInt(ack.length)} acknowledged`),
        kpi("Critical / high", "critical-high", severe.length, fmtInt(severe.length), `${fmtInt(critical)} critical · not resolved`),
        kpi("Detectors firing", "detectors-firing", firing.size, fmtInt(firing.size), firing.size ? [...firing].sort().join(", ") : `of ${DETECTORS.length} detectors`),
        kpi("Resolved", "resolved-incidents", resolved, fmtInt(resolved), "in this range"),
      );
    };

    const drawTable = () => {
      const filtered = incState.status !== "active" || incState.detector || incState.entity.trim();
      count.textContent = `${fmtInt(rows.length)} incident${rows.length === 1 ? "" : "s"}`;
      clear(tableHost).appendChild(
        dataTable(
          [
            { key: "severity", label: "Severity", value: (i) => severityRank(i.severity), cell: (i) => severityBadge(i.severity) },
            { key: "detector", label: "Detector", cls: "nowrap strong" },
            { key: "owasp_category", label: "OWASP", cell: (i) => owaspCell(i.owasp_category), cls: "nowrap hide-phone" },
            { key: "entity", label: "Entity", value: entityText, cell: entityCell, cls: "grow" },
            { key: "count", label: "Count", num: true, fmt: fmtInt },
            { key: "first_seen", label: "First seen (UTC)", fmt: fmtTime, cls: "nowrap muted hide-sm" },
            { key: "last_seen", label: "Last seen (UTC)", fmt: fmtTime, cls: "nowrap muted" },
            { key: "status", label: "Status", cell: (i) => incidentStatusBadge(i.status) },
          ],
          {
            testid: "incidents-table", rows, sortState: incState.sort, onRowClick: select,
            rowAttrs: (i) => ({ class: current && current.id === i.id ? "selected" : null, "data-id": i.id, "aria-selected": current && current.id === i.id ? "true" : "false" }),
            empty: filtered ? "No incidents match these filters in this time range." : "No incidents in this time range.",
          },
        ),
      );
    };

    const act = async (action, btn) => {
      if (!current) return;
      const id = current.id;
      for (const b of panelHost.querySelectorAll("button.btn")) b.disabled = true;
      btn.textContent = action === "acknowledge" ? "Acknowledging…" : "Resolving…";
      try {
        const updated = await api.post(`/v1/incidents/${encodeURIComponent(id)}/${action}`);
        if (current && current.id === id) current = updated || current;
        panelMsg = null;
      } catch (err) {
        if (err.status === 401) return;
        panelMsg = err;
      }
      drawPanel();
      ctx.refresh();
    };

    const drawPanel = (scroll) => {
      clear(panelHost);
      layout.classList.toggle("has-panel", !!current);
      if (!current) return;
      const i = current;
      const ackBtn = h("button", { type: "button", class: "btn btn-sm", testid: "incident-ack", disabled: i.status !== "open" }, "Acknowledge");
      const resBtn = h("button", { type: "button", class: "btn btn-sm btn-primary", testid: "incident-resolve", disabled: i.status === "resolved" }, "Resolve");
      ackBtn.addEventListener("click", () => act("acknowledge", ackBtn));
      resBtn.addEventListener("click", () => act("resolve", resBtn));
      const evidence = i.evidence_event_ids || [];
      const evList = h("ul", { class: "evidence", testid: "incident-evidence" },
        evidence.map((id) =>
          h("li", null,
            h("button", { type: "button", class: "ev-link", testid: "incident-evidence-item", "data-event-id": id, onclick: () => openEventPanel(id) },
              h("span", { class: "mono ev-id" }, id), h("span", { class: "ev-sum muted small" })))),
      );
      const panel = h("section", { class: "card inc-panel", testid: "incident-panel", "data-incident-id": i.id, "data-status": i.status, "aria-label": "Incident detail" },
        h("header", { class: "inc-head" },
          severityBadge(i.severity),
          h("h2", { testid: "incident-title" }, i.detector),
          h("button", { type: "button", class: "btn btn-ghost btn-sm inc-close", testid: "incident-close", "aria-label": "Close incident detail", onclick: closePanel }, "✕"),
        ),
        h("p", { class: "inc-expl", testid: "incident-explanation" }, i.explanation || "No explanation."),
        panelMsg ? errorBox(panelMsg, "incident-error") : null,
        h("div", { class: "inc-actions" },
          incidentStatusBadge(i.status),
          h("span", { class: "grow" }),
          ackBtn, resBtn,
        ),
        h("dl", { class: "fields inc-fields" },
          h("dt", null, "Status"), h("dd", { testid: "incident-field-status" }, i.status),
          h("dt", null, "OWASP"), h("dd", { testid: "incident-field-owasp" }, i.owasp_category || DASH, OWASP_TITLES[i.owasp_category] ? h("span", { class: "muted" }, " · " + OWASP_TITLES[i.owasp_category]) : null),
          h("dt", null, "Entity"), h("dd", { testid: "incident-field-entity" }, entityCell(i)),
          h("dt", null, "Count"), h("dd", { testid: "incident-field-count" }, fmtInt(i.count)),
          h("dt", null, "First seen"), h("dd", { class: "mono" }, fmtTime(i.first_seen) + " UTC"),
          h("dt", null, "Last seen"), h("dd", { class: "mono" }, fmtTime(i.last_seen) + " UTC"),
          h("dt", null, "ID"), h("dd", { class: "mono", testid: "incident-field-id" }, i.id),
        ),
        h("div", { class: "inc-ev" },
          h("h3", null, `Evidence events (${fmtInt(evidence.length)})`),
          evidence.length ? evList : h("p", { class: "muted small" }, "No evidence events kept."),
        ),
      );
      panelHost.appendChild(panel);
      // one-line summaries of the evidence (method, path, status): best effort
      for (const li of evList.querySelectorAll("button.ev-link")) {
        const id = li.dataset.eventId;
        const sum = li.querySelector(".ev-sum");
        summaryOf(id).then((ev) => {
          if (!ev || !sum.isConnected) return;
          clear(sum).append(
            h("span", { class: "method m-" + String(ev.method).toLowerCase() }, ev.method), " ",
            h("span", { class: "mono ev-path" }, ev.path || ""), " ", statusBadge(ev.status), " ", fmtTime(ev.timestamp),
          );
        });
      }
      if (scroll && window.matchMedia("(max-width: 1199px)").matches) panel.scrollIntoView({ block: "start", behavior: "smooth" });
    };

    const summaries = new Map();
    const summaryOf = (id) => {
      if (!summaries.has(id)) summaries.set(id, api.get("/v1/events/" + encodeURIComponent(id)).catch(() => null));
      return summaries.get(id);
    };

    return {
      async load(range) {
        const [everything, ...parts] = await Promise.all([
          api.get("/v1/incidents", { from: range.from, to: range.to, limit: INC_LIMIT }),
          ...incidentQueries(range).map((q) => api.get("/v1/incidents", q)),
        ]);
        const seen = new Set();
        const list = [];
        for (const p of parts) for (const i of p.incidents || []) if (!seen.has(i.id)) (seen.add(i.id), list.push(i));
        if (parts.length > 1) list.sort(byNewest);
        return { all: everything.incidents || [], rows: list };
      },
      render(d) {
        all = d.all;
        rows = d.rows;
        if (incState.selected) {
          const fresh = all.find((i) => i.id === incState.selected) || rows.find((i) => i.id === incState.selected);
          if (fresh) current = fresh;
          else if (!current || current.id !== incState.selected) incState.selected = null;
        }
        drawKpis();
        drawTable();
        drawPanel(false);
      },
    };
  },
};

// ---- Login ----------------------------------------------------------------------

export const login = {
  title: "Sign in",
  mount(root, ctx) {
    const user = h("input", { type: "text", name: "username", autocomplete: "username", required: true, testid: "login-username", id: "login-username" });
    const pass = h("input", { type: "password", name: "password", autocomplete: "current-password", required: true, testid: "login-password", id: "login-password" });
    const msg = h("div", { class: "alert alert-error", role: "alert", testid: "login-error" });
    msg.hidden = true;
    const btn = h("button", { type: "submit", class: "btn btn-primary btn-block", testid: "login-submit" }, "Sign in");
    const form = h("form", { class: "login-form", novalidate: true },
      h("div", { class: "login-brand" }, h("span", { class: "logo", "aria-hidden": "true" }), "Sightline"),
      h("h1", { testid: "login-title" }, "Sign in"),
      h("p", { class: "muted small" }, "API log insights"),
      msg,
      h("label", { class: "field", for: "login-username" }, h("span", null, "Username"), user),
      h("label", { class: "field", for: "login-password" }, h("span", null, "Password"), pass),
      btn,
    );
    form.addEventListener("submit", async (e) => {
      e.preventDefault();
      msg.hidden = true;
      if (!user.value || !pass.value) {
        msg.textContent = "Enter your username and password.";
        msg.hidden = false;
        return;
      }
      btn.disabled = true;
      btn.textContent = "Signing in…";
      try {
        await api.login(user.value, pass.value);
        ctx.loggedIn();
      } catch (err) {
        msg.textContent = err.status === 401 ? err.message || "Invalid username or password." : err.message;
        msg.hidden = false;
        pass.value = "";
        pass.focus();
      } finally {
        btn.disabled = false;
        btn.textContent = "Sign in";
      }
    });
    root.appendChild(h("div", { class: "login-wrap" }, form));
    setTimeout(() => user.focus(), 0);
    return null;
  },
};

export { errorBox };
