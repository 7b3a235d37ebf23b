// Sightline dashboard shell: hash router, auth gate, time-range picker, live refresh.

import { h, clear, toRfc3339, fmtShortRange } from "./util.js";
import * as api from "./api.js";
import { closeEventPanel, errorBox, loading } from "./components.js";
import * as pages from "./pages.js";

const ROUTES = {
  login: pages.login,
  overview: pages.overview,
  endpoints: pages.endpoints,
  endpoint: pages.endpoint,
  explorer: pages.explorer,
  consumers: pages.consumersPage,
  incidents: pages.incidents,
};
const NAV = [
  ["overview", "Overview"],
  ["endpoints", "Endpoints"],
  ["explorer", "Explorer"],
  ["consumers", "Consumers"],
  ["incidents", "Security"],
];
const PRESETS = [
  ["15m", 15 * 60],
  ["1h", 3600],
  ["6h", 6 * 3600],
  ["24h", 24 * 3600],
  ["7d", 7 * 86400],
];
const LIVE_MS = 10000;

// ---- time range state ----------------------------------------------------------

function loadRange() {
  try {
    const r = JSON.parse(sessionStorage.getItem("sightline.range") || "null");
    if (r && (r.preset ? PRESETS.some(([k]) => k === r.preset) : r.from && r.to)) return r;
  } catch (e) {
    /* ignore */
  }
  return { preset: "1h" };
}
let range = loadRange();
let live = false;
let liveTimer = null;

function resolveRange() {
  if (range.preset) {
    const secs = PRESETS.find(([k]) => k === range.preset)[1];
    const to = new Date();
    return { from: toRfc3339(new Date(to.getTime() - secs * 1000)), to: toRfc3339(to) };
  }
  return { from: range.from, to: range.to };
}

function setRange(r) {
  range = r;
  sessionStorage.setItem("sightline.range", JSON.stringify(r));
  if (!r.preset && live) setLive(false);
  syncPicker();
  refresh();
}

// ---- DOM refs ---------------------------------------------------------------------

const $ = (id) => document.getElementById(id);
const topbar = $("topbar");
const toolbar = $("toolbar");
const main = $("page");
const titleEl = $("page-title");
const subEl = $("page-sub");

// ---- top bar ----------------------------------------------------------------------

function buildTopbar() {
  const nav = $("nav");
  clear(nav);
  for (const [key, label] of NAV) nav.appendChild(h("a", { href: "#/" + key, testid: "nav-" + key, "data-route": key }, label));
  $("logout").addEventListener("click", async () => {
    stopLive();
    try {
      await api.logout();
    } catch (e) {
      /* the session is gone either way */
    }
    location.hash = "#/login";
  });
}

// ---- range picker -----------------------------------------------------------------

const picker = {};

function utcInputValue(iso) {
  return iso.slice(0, 16); // "YYYY-MM-DDTHH:MM" in UTC
}
function parseUtcInput(v) {
  if (!v) return null;
  const d = new Date(v.length === 16 ? v + ":00Z" : v + "Z");
  return isNaN(d) ? null : d;
}

function buildPicker() {
  const host = $("range");
  const seg = h("div", { class: "seg", role: "group", "aria-label": "Time range" });
  picker.buttons = {};
  for (const [key] of PRESETS) {
    const b = h("button", { type: "button", testid: "range-" + key, onclick: () => { closeCustom(); setRange({ preset: key }); } }, key);
    picker.buttons[key] = b;
    seg.appendChild(b);
  }
  const customBtn = h("button", { type: "button", testid: "range-custom", "aria-haspopup": "dialog", onclick: () => toggleCustom() }, "Custom");
  picker.buttons.custom = customBtn;
  seg.appendChild(customBtn);

  picker.from = h("input", { type: "datetime-local", step: "60", testid: "range-from", id: "range-from" });
  picker.to = h("input", { type: "datetime-local", step: "60", testid: "range-to", id: "range-to" });
  picker.err = h("div", { class: "alert alert-error small", testid: "range-error" });
  picker.err.hidden = true;
  picker.pop = h(
    "div",
    { class: "popover", testid: "range-popover", role: "dialog", "aria-label": "Custom time range" },
    h("label", { class: "field", for: "range-from" }, h("span", null, "From (UTC)"), picker.from),
    h("label", { class: "field", for: "range-to" }, h("span", null, "To (UTC)"), picker.to),
    picker.err,
    h(
      "div",
      { class: "pop-actions" },
      h("button", { type: "button", class: "btn btn-ghost", onclick: () => closeCustom() }, "Cancel"),
      h("button", { type: "button", class: "btn btn-primary", testid: "range-apply", onclick: applyCustom }, "Apply"),
    ),
  );
  picker.pop.hidden = true;
  picker.label = h("span", { class: "range-label", testid: "range-label" });
  picker.live = h(
    "button",
    { type: "button", class: "live", testid: "live-toggle", "aria-pressed": "false", title: "Refresh every 10 s", onclick: () => setLive(!live) },
    h("span", { class: "live-dot", "aria-hidden": "true" }),
    "Live",
  );
  clear(host).append(h("div", { class: "range-wrap" }, seg, picker.pop), picker.live, picker.label);
  document.addEventListener("click", (e) => {
    if (!picker.pop.hidden && !picker.pop.contains(e.target) && e.target !== customBtn) closeCustom();
  });
  syncPicker();
}

function toggleCustom() {
  if (!picker.pop.hidden) return closeCustom();
  const r = resolveRange();
  picker.from.value = utcInputValue(r.from);
  picker.to.value = utcInputValue(r.to);
  picker.err.hidden = true;
  picker.pop.hidden = false;
  picker.buttons.custom.setAttribute("aria-expanded", "true");
  picker.from.focus();
}
function closeCustom() {
  if (!picker.pop) return;
  picker.pop.hidden = true;
  picker.buttons.custom.setAttribute("aria-expanded", "false");
}
function applyCustom() {
  const f = parseUtcInput(picker.from.value);
  const t = parseUtcInput(picker.to.value);
  let msg = null;
  if (!f || !t) msg = "Enter both dates.";
  else if (f >= t) msg = "“From” must be before “To”.";
  if (msg) {
    picker.err.textContent = msg;
    picker.err.hidden = false;
    return;
  }
  closeCustom();
  setRange({ from: toRfc3339(f), to: toRfc3339(t) });
}

function syncPicker() {
  if (!picker.buttons) return;
  for (const [k, b] of Object.entries(picker.buttons)) {
    const on = range.preset ? k === range.preset : k === "custom";
    b.classList.toggle("on", on);
    b.setAttribute("aria-pressed", on ? "true" : "false");
  }
  picker.live.disabled = !range.preset;
  picker.live.title = range.preset ? "Refresh every 10 s" : "Live refresh needs a relative range (15m … 7d)";
  const r = resolveRange();
  picker.label.textContent = fmtShortRange(r.from, r.to);
}

// ---- live refresh -------------------------------------------------------------------

function setLive(on) {
  live = !!on && !!range.preset;
  picker.live.classList.toggle("on", live);
  picker.live.setAttribute("aria-pressed", live ? "true" : "false");
  stopLive();
  if (live) {
    liveTimer = setInterval(() => {
      if (!document.hidden && current && current.page) refresh({ quiet: true });
    }, LIVE_MS);
  }
}
function stopLive() {
  if (liveTimer) clearInterval(liveTimer);
  liveTimer = null;
}

// ---- router -------------------------------------------------------------------------

let current = null; // {name, page, view}
let navGen = 0;
let refreshSeq = 0;

function parseHash() {
  const raw = location.hash.replace(/^#\/?/, "");
  const qi = raw.indexOf("?");
  const name = (qi >= 0 ? raw.slice(0, qi) : raw) || "overview";
  const params = new URLSearchParams(qi >= 0 ? raw.slice(qi + 1) : "");
  return { name, params };
}

function setTitle(title, sub, docTitle) {
  clear(titleEl).append(...(Array.isArray(title) ? title : [title]));
  subEl.textContent = sub || "";
  subEl.hidden = !sub;
  document.title = (docTitle || (typeof title === "string" ? title : "")) + " · Sightline";
}

async function route() {
  const { name, params } = parseHash();
  closeEventPanel();
  closeCustom();
  const gen = ++navGen;
  const page = ROUTES[name];
  if (!page) {
    location.replace("#/overview");
    return;
  }
  if (name !== "login" && !api.session.loggedIn) {
    const next = location.hash;
    location.replace("#/login" + (next && next !== "#/login" ? "?next=" + encodeURIComponent(next) : ""));
    return;
  }
  if (name === "login" && api.session.loggedIn) {
    location.replace(safeNext(params.get("next")));
    return;
  }
  if (gen !== navGen) return;

  const isLogin = name === "login";
  document.body.classList.toggle("is-login", isLogin);
  topbar.hidden = isLogin;
  toolbar.hidden = isLogin;
  if (isLogin) stopLive();
  else if (live && !liveTimer) setLive(true);
  for (const a of document.querySelectorAll("#nav a")) {
    const active = a.dataset.route === name || (name === "endpoint" && a.dataset.route === "endpoints");
    a.classList.toggle("active", active);
    if (active) a.setAttribute("aria-current", "page");
    else a.removeAttribute("aria-current");
  }
  showActiveNav();
  $("user-name").textContent = api.session.user ? api.session.user.name : "";

  clear(main);
  main.dataset.route = name;
  main.dataset.state = "loading";
  delete main.dataset.from;
  delete main.dataset.to;
  setTitle(page.title, "");
  const content = h("div", { class: "page-body" });
  main.appendChild(content);
  const ctx = {
    params,
    setTitle,
    refresh: () => refresh(),
    loggedIn: () => location.replace(safeNext(params.get("next"))),
  };
  const view = page.mount(content, ctx);
  current = { name, page, view, content };
  window.scrollTo(0, 0);
  if (view) refresh();
  else main.dataset.state = "ready";
}

/** On a phone the nav scrolls sideways: keep the active item in view. */
function showActiveNav() {
  const nav = $("nav");
  const a = nav.querySelector("a.active");
  if (!a || nav.scrollWidth <= nav.clientWidth) return;
  const left = a.offsetLeft - nav.offsetLeft;
  if (left < nav.scrollLeft || left + a.offsetWidth > nav.scrollLeft + nav.clientWidth)
    nav.scrollLeft = Math.max(0, left + a.offsetWidth - nav.clientWidth + 12);
}

function safeNext(next) {
  return next && /^#\/[a-z]+/.test(next) && !next.startsWith("#/login") ? next : "#/overview";
}

async function refresh({ quiet = false } = {}) {
  if (!current || !current.view) return;
  syncPicker();
  const { view, content } = current;
  const seq = ++refreshSeq;
  const r = resolveRange();
  main.dataset.state = "loading";
  let spinner = null;
  if (!quiet && !content.dataset.loaded && !view.renderError) {
    spinner = loading();
    content.appendChild(spinner);
  }
  let data;
  try {
    data = await view.load(r);
  } catch (err) {
    if (seq !== refreshSeq || current.view !== view) return;
    if (spinner) spinner.remove();
    if (err.status === 401) return; // redirected to login
    main.dataset.state = "error";
    main.dataset.from = r.from;
    main.dataset.to = r.to;
    if (view.renderError) view.renderError(err);
    else {
      const old = content.querySelector(":scope > .alert-page");
      if (old) old.remove();
      const box = errorBox(err, "page-error");
      box.classList.add("alert-page");
      content.prepend(box);
    }
    return;
  }
  if (seq !== refreshSeq || current.view !== view) return;
  if (spinner) spinner.remove();
  const old = content.querySelector(":scope > .alert-page");
  if (old) old.remove();
  view.render(data, r);
  content.dataset.loaded = "1";
  main.dataset.from = r.from;
  main.dataset.to = r.to;
  main.dataset.updated = new Date().toISOString();
  main.dataset.state = "ready";
}

// ---- boot -----------------------------------------------------------------------------

api.onUnauthorized(() => {
  stopLive();
  const cur = location.hash;
  if (!cur.startsWith("#/login")) location.hash = "#/login?next=" + encodeURIComponent(cur);
});

async function boot() {
  buildTopbar();
  buildPicker();
  try {
    await api.loadSession();
  } catch (e) {
    main.appendChild(errorBox(e, "boot-error"));
  }
  window.addEventListener("hashchange", route);
  window.addEventListener("resize", showActiveNav);
  document.addEventListener("visibilitychange", () => {
    if (!document.hidden && live) refresh({ quiet: true });
  });
  route();
}

boot();
