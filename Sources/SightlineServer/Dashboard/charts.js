// Hand-written SVG charts: time series (line / bars) with axes + hover tooltip,
// and a donut for status-class mix. Charts redraw at their real pixel width.

import { h, s, clear, fmtHM, fmtDay, fmtTime, fmtInt, fmtCompact } from "./util.js";

const MIN = 60 * 1000;
const TIME_STEPS = [1, 2, 5, 10, 15, 30, 60, 120, 180, 360, 720, 1440, 2880, 10080].map((m) => m * MIN);

function niceStep(raw) {
  const p = Math.pow(10, Math.floor(Math.log10(raw)));
  const f = raw / p;
  return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 2.5 ? 2.5 : f <= 5 ? 5 : 10) * p;
}

/**
 * opts: {testid, label, points: [{t: ms, v: number|null}], bucketMs, kind: "line"|"bar",
 *        color: css class suffix, fmtY(v), fmtTip(v), emptyMax, height}
 */
export function timeChart(opts) {
  const wrap = h("div", {
    class: "chart",
    testid: opts.testid,
    "data-points": String(opts.points.length),
  });
  const svgHost = h("div", { class: "chart-svg" });
  const tip = h("div", { class: "chart-tip", role: "status" });
  tip.hidden = true;
  wrap.append(svgHost, tip);
  let lastW = 0;
  const ro = new ResizeObserver(() => {
    if (!wrap.isConnected) return;
    const w = Math.floor(wrap.clientWidth);
    if (!w || w === lastW) return;
    lastW = w;
    clear(svgHost);
    svgHost.appendChild(drawTimeChart(opts, w, tip));
  });
  ro.observe(wrap);
  return wrap;
}

function drawTimeChart(opts, W, tip) {
  const H = opts.height || (W < 420 ? 160 : 190);
  const pts = opts.points;
  const bucket = opts.bucketMs || MIN;
  const fmtY = opts.fmtY || fmtCompact;
  const fmtTip = opts.fmtTip || fmtInt;
  const vals = pts.map((p) => p.v).filter((v) => v !== null && v !== undefined && Number.isFinite(v));
  const maxV = vals.length ? Math.max(...vals) : 0;
  let step, top;
  if (maxV > 0) {
    step = niceStep(maxV / 4);
    top = Math.ceil(maxV / step) * step;
    if (top / step < 2) step = top / 2; // at least 3 gridlines
  } else {
    top = opts.emptyMax || 1;
    step = top / 4;
  }
  const yTicks = [];
  for (let v = 0; v <= top + step / 1000; v += step) yTicks.push(v);
  const yLabels = yTicks.map(fmtY);
  const m = { l: Math.max(...yLabels.map((l) => l.length)) * 6.4 + 14, r: 12, t: 12, b: 24 };
  const pw = Math.max(10, W - m.l - m.r);
  const ph = H - m.t - m.b;
  const t0 = pts.length ? pts[0].t : opts.from;
  const t1 = pts.length ? pts[pts.length - 1].t + bucket : opts.to;
  const span = Math.max(1, t1 - t0);
  const x = (t) => m.l + ((t - t0) / span) * pw;
  const y = (v) => m.t + ph - (v / top) * ph;

  const svg = s("svg", {
    width: W,
    height: H,
    viewBox: `0 0 ${W} ${H}`,
    class: "ts " + (opts.color || "c-blue"),
    role: "img",
    "aria-label": opts.label || "",
  });

  // grid + y labels
  const grid = s("g", { class: "grid" });
  yTicks.forEach((v, i) => {
    const yy = Math.round(y(v)) + 0.5;
    grid.appendChild(s("line", { x1: m.l, x2: m.l + pw, y1: yy, y2: yy, class: i === 0 ? "axis" : "" }));
    grid.appendChild(s("text", { x: m.l - 8, y: yy + 4, class: "ylab", "text-anchor": "end" }, yLabels[i]));
  });
  svg.appendChild(grid);

  // x ticks
  const maxTicks = Math.max(2, Math.floor(pw / 66));
  const tstep = TIME_STEPS.find((st) => span / st <= maxTicks) || 7 * 1440 * MIN;
  const xg = s("g", { class: "xaxis" });
  for (let t = Math.ceil(t0 / tstep) * tstep; t <= t1; t += tstep) {
    const xx = x(t);
    const d = new Date(t);
    const midnight = d.getUTCHours() === 0 && d.getUTCMinutes() === 0;
    const label = tstep >= 1440 * MIN || (midnight && span > 20 * 60 * MIN) ? fmtDay(d) : fmtHM(d);
    const anchor = xx < m.l + 20 ? "start" : xx > m.l + pw - 20 ? "end" : "middle";
    xg.appendChild(s("line", { x1: xx, x2: xx, y1: m.t + ph, y2: m.t + ph + 4, class: "tick" }));
    xg.appendChild(s("text", { x: xx, y: H - 6, "text-anchor": anchor, class: "xlab" }, label));
  }
  svg.appendChild(xg);

  // data
  const bars = [];
  if (opts.kind === "bar") {
    const g = s("g", { class: "bars" });
    const bw = (bucket / span) * pw;
    const gap = bw > 6 ? 1.5 : bw > 3 ? 0.75 : 0;
    pts.forEach((p, i) => {
      if (p.v === null || p.v === undefined) return;
      const hh = Math.max(p.v > 0 ? 1 : 0, (p.v / top) * ph);
      const r = s("rect", {
        x: x(p.t) + gap / 2,
        y: m.t + ph - hh,
        width: Math.max(0.8, bw - gap),
        height: hh,
      });
      bars[i] = r;
      g.appendChild(r);
    });
    svg.appendChild(g);
  } else {
    let line = "";
    let area = "";
    let seg = [];
    const flush = () => {
      if (!seg.length) return;
      line += seg.map(([px, py], i) => (i ? "L" : "M") + px.toFixed(1) + " " + py.toFixed(1)).join("");
      if (seg.length === 1) {
        svg.appendChild(s("circle", { cx: seg[0][0], cy: seg[0][1], r: 2, class: "dot" }));
      } else {
        const base = (m.t + ph).toFixed(1);
        area +=
          `M${seg[0][0].toFixed(1)} ${base}` +
          seg.map(([px, py]) => `L${px.toFixed(1)} ${py.toFixed(1)}`).join("") +
          `L${seg[seg.length - 1][0].toFixed(1)} ${base}Z`;
      }
      seg = [];
    };
    for (const p of pts) {
      if (p.v === null || p.v === undefined) flush();
      else seg.push([x(p.t + bucket / 2), y(p.v)]);
    }
    flush();
    if (area) svg.appendChild(s("path", { d: area, class: "area" }));
    if (line) svg.appendChild(s("path", { d: line, class: "line" }));
  }

  if (!vals.length) {
    svg.appendChild(s("text", { x: m.l + pw / 2, y: m.t + ph / 2, "text-anchor": "middle", class: "empty" }, "No data"));
  }

  // hover
  const guide = s("line", { x1: 0, x2: 0, y1: m.t, y2: m.t + ph, class: "guide" });
  const dot = s("circle", { r: 3.5, class: "hdot" });
  guide.style.display = "none";
  dot.style.display = "none";
  svg.append(guide, dot);
  const overlay = s("rect", { x: m.l, y: m.t, width: pw, height: ph, class: "overlay" });
  svg.appendChild(overlay);
  let hl = null;
  const hide = () => {
    tip.hidden = true;
    guide.style.display = "none";
    dot.style.display = "none";
    if (hl) hl.classList.remove("hl");
    hl = null;
  };
  const move = (ev) => {
    if (!pts.length) return;
    const rect = svg.getBoundingClientRect();
    const px = ev.clientX - rect.left;
    const t = t0 + ((px - m.l) / pw) * span;
    const i = Math.min(pts.length - 1, Math.max(0, Math.floor((t - t0) / bucket)));
    const p = pts[i];
    const cx = x(p.t + bucket / 2);
    guide.setAttribute("x1", cx);
    guide.setAttribute("x2", cx);
    guide.style.display = "";
    if (hl) hl.classList.remove("hl");
    hl = bars[i] || null;
    if (hl) hl.classList.add("hl");
    if (opts.kind !== "bar" && p.v !== null && p.v !== undefined) {
      dot.setAttribute("cx", cx);
      dot.setAttribute("cy", y(p.v));
      dot.style.display = "";
    } else dot.style.display = "none";
    clear(tip);
    tip.append(
      h("div", { class: "tip-time" }, fmtTime(new Date(p.t).toISOString()) + " UTC"),
      h("div", { class: "tip-val" }, h("span", { class: "swatch " + (opts.color || "c-blue") }), opts.tipLabel ? opts.tipLabel + ": " : "", h("b", null, fmtTip(p.v))),
    );
    if (opts.tipExtra) tip.appendChild(h("div", { class: "tip-extra" }, opts.tipExtra(p)));
    tip.hidden = false;
    const tw = tip.offsetWidth;
    let left = cx + 12;
    if (left + tw > W - 4) left = cx - 12 - tw;
    tip.style.left = Math.max(0, left) + "px";
    tip.style.top = m.t + "px";
  };
  overlay.addEventListener("pointermove", move);
  overlay.addEventListener("pointerdown", move);
  overlay.addEventListener("pointerleave", hide);
  return svg;
}

/** parts: [{key, label, value, cls}] */
export function donut(opts) {
  const total = opts.parts.reduce((a, p) => a + (p.value || 0), 0);
  const R = 52;
  const C = 2 * Math.PI * R;
  const svg = s("svg", { width: 140, height: 140, viewBox: "0 0 140 140", class: "donut", role: "img", "aria-label": opts.label || "" });
  svg.appendChild(s("circle", { cx: 70, cy: 70, r: R, class: "donut-bg" }));
  let off = 0;
  for (const p of opts.parts) {
    if (!total || !p.value) continue;
    const len = (p.value / total) * C;
    svg.appendChild(
      s(
        "circle",
        {
          cx: 70,
          cy: 70,
          r: R,
          class: "seg " + p.cls,
          "stroke-dasharray": `${Math.max(0, len - (len > 3 ? 1 : 0))} ${C}`,
          "stroke-dashoffset": String(-off),
          transform: "rotate(-90 70 70)",
        },
        s("title", null, `${p.label}: ${fmtInt(p.value)}`),
      ),
    );
    off += len;
  }
  svg.appendChild(s("text", { x: 70, y: 68, "text-anchor": "middle", class: "donut-total" }, fmtCompact(total)));
  svg.appendChild(s("text", { x: 70, y: 86, "text-anchor": "middle", class: "donut-sub" }, "requests"));
  const legend = h(
    "ul",
    { class: "legend" },
    opts.parts.map((p) =>
      h(
        "li",
        { testid: "status-" + p.key },
        h("span", { class: "swatch " + p.cls }),
        h("span", { class: "lg-label" }, p.label),
        h("span", { class: "lg-val num", "data-value": String(p.value) }, fmtInt(p.value)),
        h("span", { class: "lg-pct num" }, total ? ((p.value / total) * 100).toFixed(1) + " %" : "—"),
      ),
    ),
  );
  return h("div", { class: "donut-wrap", testid: opts.testid }, svg, legend);
}

/** Horizontal bar used inside table cells. */
export function miniBar(frac, cls) {
  const fill = h("span", { class: "mini-fill " + (cls || "") });
  fill.style.width = Math.max(0, Math.min(100, frac * 100)).toFixed(1) + "%";
  return h("span", { class: "mini-bar" }, fill);
}
