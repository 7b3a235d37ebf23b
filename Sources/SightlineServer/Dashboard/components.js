// Reusable UI pieces: KPI cards, sortable tables, cards, event detail drawer.

import { h, clear, fmtTime, fmtMs, fmtInt, statusClass, methodBadge, DASH } from "./util.js";
import * as api from "./api.js";

export function card(title, opts, ...body) {
  opts = opts || {};
  return h(
    "section",
    { class: ["card", opts.class], testid: opts.testid },
    title ? h("header", { class: "card-head" }, h("h2", null, title), opts.sub ? h("span", { class: "card-sub" }, opts.sub) : null, opts.actions || null) : null,
    body,
  );
}

export function kpi(label, key, value, text, sub) {
  return h(
    "div",
    { class: "kpi", testid: "kpi-" + key },
    h("div", { class: "kpi-label" }, label),
    h("div", { class: "kpi-value", testid: "kpi-" + key + "-value", "data-value": value === null || value === undefined ? "" : String(value) }, text),
    sub ? h("div", { class: "kpi-sub" }, sub) : null,
  );
}

export function errorBox(err, testid) {
  return h("div", { class: "alert alert-error", role: "alert", testid: testid || "error" }, err && err.message ? err.message : String(err));
}

export function loading() {
  return h("div", { class: "loading", testid: "loading" }, h("span", { class: "spinner" }), "Loading…");
}

export function statusBadge(code) {
  return h("span", { class: "status " + statusClass(code) }, String(code));
}

const SEVERITY_RANK = { low: 1, medium: 2, high: 3, critical: 4 };
export function severityRank(sev) {
  return SEVERITY_RANK[sev] || 0;
}

/** Incident severity pill: low | medium | high | critical. */
export function severityBadge(sev) {
  const k = SEVERITY_RANK[sev] ? sev : "unknown";
  return h("span", { class: "sev sev-" + k, testid: "severity-badge" }, sev || DASH);
}

/** Incident status pill: open | acknowledged | resolved. */
export function incidentStatusBadge(st) {
  const k = ["open", "acknowledged", "resolved"].includes(st) ? st : "unknown";
  return h("span", { class: "ist ist-" + k }, st || DASH);
}

export function endpointCell(e, href, withService) {
  return h(
    "div",
    { class: "ep-cell" },
    methodBadge(e.method),
    h(
      "div",
      { class: "ep-text" },
      href ? h("a", { href, class: "route", title: e.route }, e.route) : h("span", { class: "route" }, e.route),
      withService ? h("div", { class: "ep-svc" }, e.service) : null,
    ),
  );
}

/**
 * Sortable table.
 * columns: [{key, label, num?, fmt?(v,row), cell?(row) -> Node|string, sort?: false, value?(row), cls?}]
 * opts: {testid, rows, sortState: {key, dir} (mutated, keeps sort across refreshes), onRowClick(row), rowHref(row),
 *        rowAttrs(row) -> extra <tr> attributes (e.g. {class, "aria-selected"}), empty}
 */
export function dataTable(columns, opts) {
  const wrap = h("div", { class: "table-wrap" });
  const st = opts.sortState || null;
  const valueOf = (c, r) => (c.value ? c.value(r) : r[c.key]);
  const render = () => {
    let rows = opts.rows.slice();
    if (st && st.key) {
      const c = columns.find((c) => c.key === st.key);
      if (c) {
        const dir = st.dir === "asc" ? 1 : -1;
        rows.sort((a, b) => {
          const va = valueOf(c, a);
          const vb = valueOf(c, b);
          if (va === vb) return 0;
          if (va === null || va === undefined) return 1; // nulls last
          if (vb === null || vb === undefined) return -1;
          if (typeof va === "number" && typeof vb === "number") return (va - vb) * dir;
          // Case-insensitive code-point order: stable across browsers and locales.
          const sa = String(va).toLowerCase(), sb = String(vb).toLowerCase();
          return (sa < sb ? -1 : sa > sb ? 1 : 0) * dir;
        });
      }
    }
    const thead = h(
      "thead",
      null,
      h(
        "tr",
        null,
        columns.map((c) => {
          const sortable = st && c.sort !== false;
          const active = st && st.key === c.key;
          const th = h(
            "th",
            {
              class: [c.num ? "num" : "", sortable ? "sortable" : "", c.cls],
              scope: "col",
              testid: "col-" + c.key,
              "aria-sort": active ? (st.dir === "asc" ? "ascending" : "descending") : null,
            },
            sortable
              ? h(
                  "button",
                  {
                    type: "button",
                    class: "th-btn",
                    onclick: () => {
                      if (st.key === c.key) st.dir = st.dir === "asc" ? "desc" : "asc";
                      else {
                        st.key = c.key;
                        st.dir = c.num ? "desc" : "asc";
                      }
                      render();
                    },
                  },
                  h("span", { class: "th-label" }, c.label),
                  h("span", { class: "sort-ind", "aria-hidden": "true" }, active ? (st.dir === "asc" ? "▲" : "▼") : "↕"),
                )
              : c.label,
          );
          return th;
        }),
      ),
    );
    const tbody = h("tbody");
    if (!rows.length) {
      tbody.appendChild(h("tr", { class: "empty-row" }, h("td", { colspan: String(columns.length), testid: (opts.testid || "table") + "-empty" }, opts.empty || "No data in this time range.")));
    }
    for (const r of rows) {
      const tr = h("tr", { testid: (opts.testid || "table") + "-row", ...(opts.rowAttrs ? opts.rowAttrs(r) : null) });
      if (opts.onRowClick) {
        tr.classList.add("clickable");
        tr.tabIndex = 0;
        tr.addEventListener("click", (ev) => {
          if (ev.target.closest("a")) return;
          opts.onRowClick(r);
        });
        tr.addEventListener("keydown", (ev) => {
          if (ev.key === "Enter") opts.onRowClick(r);
        });
      }
      for (const c of columns) {
        const v = valueOf(c, r);
        const content = c.cell ? c.cell(r) : c.fmt ? c.fmt(v, r) : v === null || v === undefined ? DASH : String(v);
        tr.appendChild(
          h(
            "td",
            {
              class: [c.num ? "num" : "", c.cls],
              testid: "cell-" + c.key,
              "data-value": v === null || v === undefined ? "" : typeof v === "object" ? JSON.stringify(v) : String(v),
            },
            content,
          ),
        );
      }
      tbody.appendChild(tr);
    }
    clear(wrap).appendChild(h("table", { class: "table", testid: opts.testid }, thead, tbody));
  };
  render();
  return wrap;
}

// ---- event detail drawer ----------------------------------------------------

let drawerCleanup = null;

export function closeEventPanel() {
  if (drawerCleanup) drawerCleanup();
}

function kvTable(obj, testid) {
  const entries = obj && typeof obj === "object" ? Object.entries(obj) : [];
  if (!entries.length) return h("p", { class: "muted small" }, "None");
  return h(
    "div",
    { class: "table-wrap" },
    h(
      "table",
      { class: "table kv", testid },
      h(
        "tbody",
        null,
        entries.map(([k, v]) =>
          h("tr", null, h("th", { scope: "row" }, k), h("td", { class: "mono" }, v === null || v === undefined ? DASH : typeof v === "object" ? JSON.stringify(v) : String(v))),
        ),
      ),
    ),
  );
}

function prettyBody(body) {
  if (body === null || body === undefined || body === "") return null;
  if (typeof body === "string") {
    try {
      return JSON.stringify(JSON.parse(body), null, 2);
    } catch (e) {
      return body;
    }
  }
  return JSON.stringify(body, null, 2);
}

function bodyBlock(body, testid) {
  const txt = prettyBody(body);
  return txt === null ? h("p", { class: "muted small", testid }, "No body") : h("pre", { class: "code", testid }, txt);
}

function field(label, key, value) {
  return [h("dt", null, label), h("dd", { testid: "event-field-" + key, class: "mono" }, value === null || value === undefined || value === "" ? DASH : String(value))];
}

function renderEvent(ev) {
  const c = ev.consumer || {};
  const consumer = typeof ev.consumer === "string" ? ev.consumer : c.name ? `${c.name} (${c.id || "?"}, ${c.plan || "?"})` : null;
  const out = [
    h("section", { class: "ev-sec" },
      h("dl", { class: "fields" },
        field("ID", "id", ev.id),
        field("Timestamp", "timestamp", ev.timestamp),
        field("Duration", "duration_ms", fmtMs(ev.duration_ms)),
        field("Service", "service", ev.service),
        field("Method", "method", ev.method),
        field("Path", "path", ev.path),
        field("Route", "route", ev.route),
        field("Status", "status", ev.status),
        field("Client IP", "client_ip", ev.client_ip),
        field("User agent", "user_agent", ev.user_agent),
        field("Consumer", "consumer", consumer),
        field("User ID", "user_id", ev.user_id),
        field("Session ID", "session_id", ev.session_id),
        field("Trace ID", "trace_id", ev.trace_id),
      ),
    ),
  ];
  if (ev.error) {
    out.push(
      h("section", { class: "ev-sec" },
        h("h3", null, "Error"),
        h("div", { class: "alert alert-error", testid: "event-error" },
          h("b", null, ev.error.type || "Error"), ": ", ev.error.message || ""),
        ev.error.stack ? h("pre", { class: "code", testid: "event-stack" }, ev.error.stack) : null,
      ),
    );
  }
  if (ev.trace_id) out.push(traceSection(ev));
  out.push(
    h("section", { class: "ev-sec" }, h("h3", null, "Attributes"), kvTable(ev.attributes, "event-attributes")),
    h("section", { class: "ev-sec" },
      h("h3", null, "Request"),
      h("h4", null, "Headers"), kvTable(ev.request && ev.request.headers, "event-request-headers"),
      h("h4", null, "Body"), bodyBlock(ev.request && ev.request.body, "event-request-body"),
    ),
    h("section", { class: "ev-sec" },
      h("h3", null, "Response"),
      h("h4", null, "Headers"), kvTable(ev.response && ev.response.headers, "event-response-headers"),
      h("h4", null, "Body"), bodyBlock(ev.response && ev.response.body, "event-response-body"),
    ),
  );
  return out;
}

// The trace of an event (OpenTelemetry): its spans as a waterfall and its log records.
function traceSection(ev) {
  const sec = h("section", { class: "ev-sec", testid: "event-trace", "data-state": "loading" }, h("h3", null, "Trace"), loading());
  api
    .get("/v1/traces/" + encodeURIComponent(ev.trace_id))
    .then((t) => {
      const rows = [];
      for (const e of t.events || []) {
        const start = Date.parse(e.timestamp) * 1000;
        rows.push({ name: `${e.method} ${e.route || e.path}`, service: e.service, kind: "request", start, dur: (e.duration_ms || 0) * 1000, error: e.status >= 500, self: e.id === ev.id });
      }
      for (const s of t.spans || []) {
        rows.push({ name: s.name, service: s.service, kind: s.kind, start: s.start_us, dur: s.end_us ? s.end_us - s.start_us : 0, error: s.status === "error" });
      }
      rows.sort((a, b) => a.start - b.start);
      const t0 = rows.length ? rows[0].start : 0;
      const t1 = rows.reduce((m, r) => Math.max(m, r.start + r.dur), t0 + 1);
      const span = t1 - t0;
      // Positioned through the CSSOM: the Content-Security-Policy forbids style attributes.
      const bar = (r) => {
        const el = h("span", { class: "wf-bar" + (r.error ? " wf-err" : "") });
        el.style.left = `${((r.start - t0) / span) * 100}%`;
        el.style.width = `${Math.max((r.dur / span) * 100, 0.5)}%`;
        return el;
      };
      const waterfall = rows.length
        ? h("div", { class: "waterfall", testid: "trace-spans" },
          rows.map((r) =>
            h("div", { class: "wf-row" + (r.self ? " wf-self" : ""), testid: "trace-span" },
              h("span", { class: "wf-name mono", title: `${r.service} · ${r.kind}` }, r.name),
              h("span", { class: "wf-track" }, bar(r)),
              h("span", { class: "wf-dur mono" }, fmtMs(r.dur / 1000)),
            )))
        : h("p", { class: "muted small" }, "No spans");
      const logs = t.logs || [];
      const logList = logs.length
        ? h("div", { class: "table-wrap" },
          h("table", { class: "table", testid: "trace-logs" },
            h("tbody", null,
              logs.map((l) =>
                h("tr", { testid: "trace-log" },
                  h("td", { class: "mono small" }, fmtTime(new Date(l.timestamp_us / 1000).toISOString())),
                  h("td", null, h("span", { class: "sev lvl-" + (l.level || "none") }, l.level || l.severity_text || "—")),
                  h("td", { class: "mono" }, l.body === undefined ? DASH : String(l.body)),
                )))))
        : h("p", { class: "muted small" }, "No log records");
      clear(sec).append(h("h3", null, "Trace"), waterfall, h("h4", null, "Logs"), logList);
      sec.setAttribute("data-state", "ready");
    })
    .catch((err) => {
      const none = err && err.status === 404;
      clear(sec).append(h("h3", null, "Trace"), none ? h("p", { class: "muted small" }, "No spans or logs stored for this trace") : errorBox(err, "trace-error"));
      sec.setAttribute("data-state", none ? "empty" : "error");
    });
  return sec;
}

export function openEventPanel(id) {
  closeEventPanel();
  const title = h("h2", { testid: "event-title" }, "Event");
  const body = h("div", { class: "drawer-body" }, loading());
  const closeBtn = h("button", { type: "button", class: "btn btn-ghost", testid: "event-close", "aria-label": "Close" }, "✕");
  const panel = h(
    "aside",
    { class: "drawer", role: "dialog", "aria-modal": "true", "aria-label": "Event detail", testid: "event-panel", "data-event-id": id },
    h("header", { class: "drawer-head" }, title, closeBtn),
    body,
  );
  const backdrop = h("div", { class: "backdrop" });
  const root = document.getElementById("drawer-root");
  root.append(backdrop, panel);
  const prevFocus = document.activeElement;
  const onKey = (e) => {
    if (e.key === "Escape") closeEventPanel();
  };
  document.addEventListener("keydown", onKey);
  drawerCleanup = () => {
    document.removeEventListener("keydown", onKey);
    backdrop.remove();
    panel.remove();
    drawerCleanup = null;
    if (prevFocus && prevFocus.focus) prevFocus.focus();
  };
  closeBtn.addEventListener("click", closeEventPanel);
  backdrop.addEventListener("click", closeEventPanel);
  closeBtn.focus();
  api
    .get("/v1/events/" + encodeURIComponent(id))
    .then((ev) => {
      if (!panel.isConnected) return;
      clear(title).append(h("span", { class: "method m-" + String(ev.method).toLowerCase() }, ev.method), " ", h("span", { class: "mono" }, ev.path || ""), " ", statusBadge(ev.status));
      clear(body).append(...renderEvent(ev));
      panel.setAttribute("data-state", "ready");
    })
    .catch((err) => {
      if (!panel.isConnected) return;
      clear(body).appendChild(errorBox(err, "event-error-box"));
      panel.setAttribute("data-state", "error");
    });
}

export { fmtTime, fmtInt };
