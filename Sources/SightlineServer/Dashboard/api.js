// Thin fetch wrapper: same-origin cookies, CSRF header on mutating requests,
// 401 -> login redirect (via the handler registered by app.js).

export class ApiError extends Error {
  constructor(status, message, error) {
    super(message);
    this.status = status;
    this.error = error || null; // the server's {code, message, line, column, detail}
  }
}

let csrfToken = null;
let currentUser = null;
let unauthorizedHandler = () => {};

export const session = {
  get user() {
    return currentUser;
  },
  get loggedIn() {
    return currentUser !== null;
  },
};

export function onUnauthorized(fn) {
  unauthorizedHandler = fn;
}

async function request(method, url, body, { retried = false, handle401 = true } = {}) {
  const opts = { method, credentials: "same-origin", headers: { Accept: "application/json" }, cache: "no-store" };
  if (body !== undefined) {
    opts.headers["Content-Type"] = "application/json";
    opts.body = JSON.stringify(body);
  }
  if (method !== "GET" && csrfToken) opts.headers["X-CSRF-Token"] = csrfToken;
  let res;
  try {
    res = await fetch(url, opts);
  } catch (e) {
    throw new ApiError(0, "Cannot reach the Sightline server. Check your connection.");
  }
  if (res.status === 204) return null;
  let data = null;
  try {
    data = await res.json();
  } catch (e) {
    data = null;
  }
  if (res.status === 401 && handle401) {
    currentUser = null;
    csrfToken = null;
    unauthorizedHandler();
    throw new ApiError(401, "Your session has expired. Please sign in again.", data && data.error);
  }
  // A stale CSRF token (e.g. session refreshed in another tab): re-read it once and retry.
  if (res.status === 403 && method !== "GET" && !retried && data && data.error && data.error.code === "csrf") {
    await loadSession().catch(() => null);
    if (currentUser) return request(method, url, body, { retried: true, handle401 });
  }
  if (!res.ok) {
    const err = data && data.error;
    throw new ApiError(res.status, (err && err.message) || `Request failed (HTTP ${res.status})`, err);
  }
  return data;
}

export function get(path, params) {
  const qs = params ? "?" + new URLSearchParams(Object.entries(params).filter(([, v]) => v != null && v !== "")) : "";
  return request("GET", path + qs);
}

export function post(path, body) {
  return request("POST", path, body);
}

/** Returns the user or null; never redirects. */
export async function loadSession() {
  try {
    const d = await request("GET", "/auth/session", undefined, { handle401: false });
    currentUser = d.user;
    csrfToken = d.csrf_token;
    return currentUser;
  } catch (e) {
    if (e.status === 401) {
      currentUser = null;
      csrfToken = null;
      return null;
    }
    throw e;
  }
}

export async function login(username, password) {
  const d = await request("POST", "/auth/login", { username, password }, { handle401: false });
  currentUser = d.user;
  csrfToken = d.csrf_token;
  return currentUser;
}

export async function logout() {
  try {
    await request("POST", "/auth/logout", undefined, { handle401: false });
  } finally {
    currentUser = null;
    csrfToken = null;
  }
}
