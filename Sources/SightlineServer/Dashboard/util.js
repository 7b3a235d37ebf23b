// DOM helpers and formatters. Data is never parsed as HTML: every string ends
// up in a text node or an attribute value.

const SVG_NS = "http://www.w3.org/2000/svg";

function append(el, children) {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else if (c instanceof Node) el.appendChild(c);
    else el.appendChild(document.createTextNode(String(c)));
  }
}

function applyAttrs(el, attrs) {
  if (!attrs) return;
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith("on") && typeof v === "function") el.addEventListener(k.slice(2), v);
    else if (k === "class") el.setAttribute("class", Array.isArray(v) ? v.filter(Boolean).join(" ") : v);
    else if (k === "testid") el.setAttribute("data-testid", v);
    else if (k === "text") el.textContent = String(v);
    else if (k === "value" && "value" in el) el.value = v;
    else if (v === true) el.setAttribute(k, "");
    else el.setAttribute(k, String(v));
  }
}

/** h("div", {class: "x", testid: "y", onclick: fn}, "text", child, [more]) */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  applyAttrs(el, attrs);
  append(el, children);
  return el;
}

/** Same as h() for SVG elements. */
export function s(tag, attrs, ...children) {
  const el = document.createElementNS(SVG_NS, tag);
  applyAttrs(el, attrs);
  append(el, children);
  return el;
}

export function clear(el) {
  while (el.firstChild) el.removeChild(el.firstChild);
  return el;
}

// ---- formatting -------------------------------------------------------------

const NF = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });
const NF2 = new Intl.NumberFormat("en-US", { maximumFractionDigits: 2 });
export const DASH = "—";

const isNum = (v) => typeof v === "number" && Number.isFinite(v);

/** 1234 -> "1,234" */
export function fmtInt(v) {
  return isNum(v) ? NF.format(v) : DASH;
}

/** any number: integers grouped, fractions up to 2 digits */
export function fmtNum(v) {
  if (!isNum(v)) return DASH;
  return Number.isInteger(v) ? NF.format(v) : NF2.format(v);
}

/** compact axis labels: 950, 1.2k, 3.4M */
export function fmtCompact(v) {
  if (!isNum(v)) return DASH;
  const a = Math.abs(v);
  if (a >= 1e9) return trim(v / 1e9) + "G";
  if (a >= 1e6) return trim(v / 1e6) + "M";
  if (a >= 1e3) return trim(v / 1e3) + "k";
  return trim(v);
}
function trim(v) {
  const a = Math.abs(v);
  return String(Number(v.toFixed(a >= 100 ? 0 : a >= 10 ? 1 : 2)));
}

/** fraction 0..1 -> "3.4 %" (two decimals under 1 %) */
export function fmtPct(frac) {
  if (!isNum(frac)) return DASH;
  const v = frac * 100;
  if (v === 0) return "0 %";
  return (v < 1 ? v.toFixed(2) : v.toFixed(1)) + " %";
}

/** milliseconds -> "0.42 ms", "12.3 ms", "245 ms", "1.2 s" */
export function fmtMs(v) {
  if (!isNum(v)) return DASH;
  if (v < 1) return v.toFixed(2) + " ms";
  if (v < 100) return v.toFixed(1) + " ms";
  if (v < 1000) return Math.round(v) + " ms";
  return (v / 1000).toFixed(1) + " s";
}

export function fmtBytes(v) {
  if (!isNum(v)) return DASH;
  const units = ["B", "KB", "MB", "GB", "TB", "PB"];
  let i = 0;
  let x = v;
  while (Math.abs(x) >= 1024 && i < units.length - 1) {
    x /= 1024;
    i++;
  }
  return (i === 0 ? String(Math.round(x)) : x.toFixed(1)) + " " + units[i];
}

const pad = (n) => String(n).padStart(2, "0");
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** RFC 3339 -> "2024-05-01 13:04:05" (UTC) */
export function fmtTime(iso) {
  if (!iso) return DASH;
  const d = new Date(iso);
  if (isNaN(d)) return String(iso);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

export function fmtHM(d) {
  return `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
}
export function fmtDay(d) {
  return `${MONTHS[d.getUTCMonth()]} ${d.getUTCDate()}`;
}
export function fmtShortRange(fromIso, toIso) {
  const a = new Date(fromIso);
  const b = new Date(toIso);
  const sameDay = a.toISOString().slice(0, 10) === b.toISOString().slice(0, 10);
  return sameDay
    ? `${fmtDay(a)}, ${fmtHM(a)} – ${fmtHM(b)} UTC`
    : `${fmtDay(a)} ${fmtHM(a)} – ${fmtDay(b)} ${fmtHM(b)} UTC`;
}

/** Date -> RFC 3339 without milliseconds */
export function toRfc3339(d) {
  return new Date(Math.floor(d.getTime() / 1000) * 1000).toISOString().replace(".000Z", "Z");
}

export function endpointHref(e) {
  const q = new URLSearchParams({ service: e.service, method: e.method, route: e.route });
  return "#/endpoint?" + q.toString();
}

export function statusClass(code) {
  const c = Number(code);
  if (c >= 500) return "s5";
  if (c >= 400) return "s4";
  if (c >= 300) return "s3";
  return "s2";
}

export function methodBadge(m) {
  return h("span", { class: "method m-" + String(m).toLowerCase() }, m);
}
