"""Browser tests for the Sightline dashboard (pytest + Selenium + headless Chromium).

Environment:
  SIGHTLINE_BASE_URL        e.g. http://127.0.0.1:8080 (default http://127.0.0.1:8099, the mock)
  SIGHTLINE_ADMIN_USER      dashboard user (default admin)
  SIGHTLINE_ADMIN_PASSWORD  its password (default admin-pass)
  SIGHTLINE_READ_KEY        API read key, used as `Authorization: Bearer ...` to compare numbers
  SIGHTLINE_INGEST_KEY      optional ingest key: lets the incidents test create a brute-force burst
                            when the range has no open incident (without it that part is skipped)
  SIGHTLINE_SCREENSHOTS     folder for PNG screenshots (default ./screenshots)
  SIGHTLINE_TEST_FROM/TO    optional fixed RFC 3339 range (whole hours); default: the 24 h
                            ending at the start of the current hour (UTC)
  CHROMIUM_BINARY / CHROMEDRIVER  override /usr/bin/chromium and /usr/bin/chromedriver

The tests share one browser session and run in file order (login first, logout last).
"""
import json
import os
import re
import time
import urllib.error
import urllib.parse
import urllib.request
from datetime import datetime, timedelta, timezone
from decimal import ROUND_HALF_UP, Decimal

import pytest
from selenium import webdriver
from selenium.common.exceptions import NoAlertPresentException, TimeoutException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait

BASE = os.environ.get("SIGHTLINE_BASE_URL", "http://127.0.0.1:8099").rstrip("/")
USER = os.environ.get("SIGHTLINE_ADMIN_USER", "admin")
PASSWORD = os.environ.get("SIGHTLINE_ADMIN_PASSWORD", "admin-pass")
READ_KEY = os.environ.get("SIGHTLINE_READ_KEY", "read-key-123")
INGEST_KEY = os.environ.get("SIGHTLINE_INGEST_KEY", "")
SHOTS = os.environ.get("SIGHTLINE_SCREENSHOTS", os.path.join(os.getcwd(), "screenshots"))
LAPTOP = (1366, 768)
PHONE = (390, 844)
WAIT = 20


def _fixed_range():
    if os.environ.get("SIGHTLINE_TEST_FROM") and os.environ.get("SIGHTLINE_TEST_TO"):
        return os.environ["SIGHTLINE_TEST_FROM"], os.environ["SIGHTLINE_TEST_TO"]
    # The start of the current hour: a 24 h range is read from hour rollups widened to whole
    # hours, so ending at a whole hour keeps live traffic (stamped "now") out of the comparison.
    to = datetime.now(timezone.utc).replace(minute=0, second=0, microsecond=0)
    frm = to - timedelta(hours=24)
    f = "%Y-%m-%dT%H:%M:%SZ"
    return frm.strftime(f), to.strftime(f)


RANGE_FROM, RANGE_TO = _fixed_range()


# ---- formatting, mirrored from web/util.js -------------------------------------------

def _fixed(x, digits):
    """JavaScript Number.prototype.toFixed for non-negative numbers."""
    q = Decimal(1).scaleb(-digits)
    return str(Decimal(x).quantize(q, rounding=ROUND_HALF_UP))


def fmt_int(v):
    return "—" if v is None else "{:,}".format(int(_fixed(v, 0)))


def fmt_pct(frac):
    if frac is None:
        return "—"
    v = frac * 100
    if v == 0:
        return "0 %"
    return _fixed(v, 2 if v < 1 else 1) + " %"


def fmt_ms(v):
    if v is None:
        return "—"
    if v < 1:
        return _fixed(v, 2) + " ms"
    if v < 100:
        return _fixed(v, 1) + " ms"
    if v < 1000:
        return _fixed(v, 0) + " ms"
    return _fixed(v / 1000, 1) + " s"


def fmt_cell(v):
    """Explorer cells: numbers grouped (max 2 decimals), strings as returned."""
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int) or (isinstance(v, float) and v.is_integer()):
        return "{:,}".format(int(v))
    if isinstance(v, float):
        s = "{:,}".format(Decimal(_fixed(v, 2)))
        return s.rstrip("0").rstrip(".") if "." in s else s
    if isinstance(v, (dict, list)):
        return json.dumps(v, separators=(",", ":"))
    return str(v)


def parse_int(text):
    return int(text.replace(",", "").strip())


# ---- API access with the read key ------------------------------------------------

def api(method, path, params=None, body=None, headers=None, key=READ_KEY):
    url = BASE + path + ("?" + urllib.parse.urlencode(params) if params else "")
    data = json.dumps(body).encode() if body is not None else None
    h = {"Accept": "application/json"}
    if key:
        h["Authorization"] = "Bearer " + key
    if data is not None:
        h["Content-Type"] = "application/json"
    h.update(headers or {})
    req = urllib.request.Request(url, data=data, method=method, headers=h)
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            raw = r.read()
            return r.status, (json.loads(raw) if raw else None)
    except urllib.error.HTTPError as e:
        raw = e.read()
        try:
            return e.code, json.loads(raw)
        except ValueError:
            return e.code, None


def api_ok(method, path, params=None, body=None):
    status, data = api(method, path, params, body)
    assert status == 200, "%s %s -> %s %s" % (method, path, status, data)
    return data


# ---- browser helpers -------------------------------------------------------------

@pytest.fixture(scope="module")
def driver():
    opts = webdriver.ChromeOptions()
    opts.binary_location = os.environ.get("CHROMIUM_BINARY", "/usr/bin/chromium")
    for a in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
              "--window-size=%d,%d" % LAPTOP, "--lang=en-US", "--force-device-scale-factor=1",
              "--hide-scrollbars"):
        opts.add_argument(a)
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    service = Service(os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver"))
    d = webdriver.Chrome(service=service, options=opts)
    d.set_window_size(LAPTOP[0], LAPTOP[1] + 160)
    use_phone(d, False)
    os.makedirs(SHOTS, exist_ok=True)
    yield d
    d.quit()


def by_tid(tid):
    return (By.CSS_SELECTOR, '[data-testid="%s"]' % tid)


def find(d, tid, root=None):
    return (root or d).find_element(*by_tid(tid))


def find_all(d, tid, root=None):
    return (root or d).find_elements(*by_tid(tid))


def wait_for(d, cond, timeout=WAIT, msg=""):
    return WebDriverWait(d, timeout, poll_frequency=0.1).until(cond, msg)


def wait_visible(d, tid, timeout=WAIT):
    return wait_for(d, EC.visibility_of_element_located(by_tid(tid)), timeout, "visible: " + tid)


def wait_page(d, route, state="ready", check_range=True, timeout=WAIT):
    """Wait until <main> shows `route` in `state` for the fixed range; returns (from, to)."""
    def ok(drv):
        m = drv.find_element(By.ID, "page")
        if m.get_attribute("data-route") != route or m.get_attribute("data-state") != state:
            return False
        if check_range and (m.get_attribute("data-from") != RANGE_FROM or m.get_attribute("data-to") != RANGE_TO):
            return False
        return (m.get_attribute("data-from"), m.get_attribute("data-to"))
    try:
        return wait_for(d, ok, timeout)
    except TimeoutException:
        m = d.find_element(By.ID, "page")
        raise AssertionError("page %s not %s: route=%s state=%s from=%s to=%s (want %s..%s)" % (
            route, state, m.get_attribute("data-route"), m.get_attribute("data-state"),
            m.get_attribute("data-from"), m.get_attribute("data-to"), RANGE_FROM, RANGE_TO))


def go(d, hash_route):
    d.get(BASE + "/" + hash_route) if not d.current_url.startswith(BASE) else \
        d.execute_script("location.hash = arguments[0]", hash_route)


def use_phone(d, on):
    """Emulate the viewport exactly: 390x844 touch phone, or a 1366x768 laptop."""
    w, h = PHONE if on else LAPTOP
    d.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                      {"width": w, "height": h, "deviceScaleFactor": 2 if on else 1, "mobile": on})
    d.execute_cdp_cmd("Emulation.setTouchEmulationEnabled", {"enabled": on, "maxTouchPoints": 5 if on else 1})
    time.sleep(0.3)


def screenshot(d, name, full=True):
    """Full-page PNG (beyond the viewport) via the DevTools protocol; full=False: viewport only."""
    import base64
    time.sleep(0.25)
    if not full:
        d.save_screenshot(os.path.join(SHOTS, name + ".png"))
        return
    m = d.execute_script(
        "return {w: document.documentElement.clientWidth,"
        " h: Math.max(document.documentElement.scrollHeight, window.innerHeight)}")
    try:
        res = d.execute_cdp_cmd("Page.captureScreenshot", {
            "format": "png", "captureBeyondViewport": True,
            "clip": {"x": 0, "y": 0, "width": m["w"], "height": min(m["h"], 6000), "scale": 1}})
        with open(os.path.join(SHOTS, name + ".png"), "wb") as f:
            f.write(base64.b64decode(res["data"]))
    except Exception:  # older drivers: viewport only
        d.save_screenshot(os.path.join(SHOTS, name + ".png"))


def set_fixed_range(d, frm=None, to=None):
    """Pick RANGE_FROM..RANGE_TO (or frm..to) through the custom range picker."""
    frm, to = frm or RANGE_FROM, to or RANGE_TO
    wait_for(d, EC.element_to_be_clickable(by_tid("range-custom"))).click()
    wait_visible(d, "range-popover")
    for tid, iso in (("range-from", frm), ("range-to", to)):
        el = find(d, tid)
        d.execute_script(
            "arguments[0].value = arguments[1];"
            "arguments[0].dispatchEvent(new Event('input', {bubbles: true}));"
            "arguments[0].dispatchEvent(new Event('change', {bubbles: true}));", el, iso[:16])
    find(d, "range-apply").click()
    wait_for(d, lambda x: not find(x, "range-popover").is_displayed())
    assert find(d, "range-custom").get_attribute("aria-pressed") == "true"


def click(d, el):
    """Scroll to the middle of the viewport first (the sticky top bar can cover elements)."""
    d.execute_script("arguments[0].scrollIntoView({block: 'center'})", el)
    el.click()


def ensure_fixed_range(d):
    cur = d.execute_script("return sessionStorage.getItem('sightline.range')")
    if not cur or json.loads(cur) != {"from": RANGE_FROM, "to": RANGE_TO}:
        set_fixed_range(d)


def assert_no_alert(d):
    try:
        a = d.switch_to.alert
        text = a.text
        a.dismiss()
        raise AssertionError("unexpected alert (HTML from data executed?): %r" % text)
    except NoAlertPresentException:
        pass
    # nothing in the app renders <img> or <script> from data
    assert d.execute_script("return document.querySelectorAll('main img, main script, #drawer-root img').length") == 0


def js_errors(d):
    try:
        logs = d.get_log("browser")
    except Exception:
        return []
    # HTTP error responses (401 before login, 4xx from a bad query) are expected: only script errors count
    return [l["message"] for l in logs if l.get("level") == "SEVERE" and l.get("source") != "network"]


def kpi_text(d, key):
    return find(d, "kpi-%s-value" % key).text.strip()


def ensure_logged_in(d):
    if not d.current_url.startswith(BASE):
        d.get(BASE + "/#/overview")
    if "#/login" in d.current_url or d.find_element(By.ID, "page").get_attribute("data-route") == "login":
        do_login(d, USER, PASSWORD)
        wait_for(d, lambda x: x.find_element(By.ID, "page").get_attribute("data-route") == "overview")


def do_login(d, user, password):
    u = wait_visible(d, "login-username")
    u.clear()
    u.send_keys(user)
    p = find(d, "login-password")
    p.clear()
    p.send_keys(password)
    find(d, "login-submit").click()


# ---- tests -------------------------------------------------------------------------

def test_unauthenticated_redirects_to_login_and_wrong_password_shows_error(driver):
    d = driver
    d.get(BASE + "/#/overview")
    wait_for(d, lambda x: "#/login" in x.current_url)
    wait_page(d, "login", check_range=False)
    assert find(d, "login-title").text == "Sign in"
    screenshot(d, "login-laptop")
    use_phone(d, True)
    screenshot(d, "login-phone")
    use_phone(d, False)
    do_login(d, USER, PASSWORD + "-wrong")
    err = wait_visible(d, "login-error")
    assert err.text.strip(), "an error message is shown"
    assert "#/login" in d.current_url
    screenshot(d, "login-error-laptop")


def test_login_reaches_overview(driver):
    d = driver
    do_login(d, USER, PASSWORD)
    wait_for(d, lambda x: "#/overview" in x.current_url)
    wait_page(d, "overview", check_range=False)
    assert find(d, "page-title").text == "Overview"
    assert find(d, "user-name").get_attribute("textContent") == USER
    assert find(d, "live-toggle").get_attribute("aria-pressed") == "false"


def test_overview_matches_api(driver):
    d = driver
    ensure_logged_in(d)
    go(d, "#/overview")
    set_fixed_range(d)
    frm, to = wait_page(d, "overview")
    data = api_ok("GET", "/v1/metrics/overview", {"from": frm, "to": to})
    t = data["totals"]
    assert parse_int(kpi_text(d, "requests")) == t["requests"]
    assert kpi_text(d, "error-rate") == fmt_pct(t["error_rate"])
    assert kpi_text(d, "p95") == fmt_ms(t["p95_ms"])
    # charts exist and have one point per bucket
    for tid in ("chart-requests", "chart-error-rate", "chart-p95"):
        c = find(d, tid)
        assert c.find_elements(By.TAG_NAME, "svg"), tid + " has an svg"
        assert int(c.get_attribute("data-points")) == len(data["series"])
    for cls in ("2xx", "3xx", "4xx", "5xx"):
        li = find(d, "status-" + cls)
        assert parse_int(li.find_element(By.CSS_SELECTOR, ".lg-val").text) == data["status_classes"].get(cls, 0)
    for tid, key in (("top-traffic", "top_by_traffic"), ("top-errors", "top_by_errors"), ("top-latency", "top_by_latency")):
        rows = find_all(d, tid + "-row")
        assert len(rows) == len(data[key]), tid
    if data["top_by_traffic"]:
        first = find_all(d, "top-traffic-row")[0]
        assert parse_int(find(d, "cell-requests", first).text) == data["top_by_traffic"][0]["requests"]
    # hover tooltip on the requests chart
    if data["series"]:
        from selenium.webdriver import ActionChains
        overlay = find(d, "chart-requests").find_element(By.CSS_SELECTOR, "rect.overlay")
        ActionChains(d).move_to_element(overlay).perform()
        tip = find(d, "chart-requests").find_element(By.CSS_SELECTOR, ".chart-tip")
        wait_for(d, lambda x: tip.is_displayed())
        assert "UTC" in tip.text
        screenshot(d, "overview-tooltip-laptop", full=False)
    screenshot(d, "overview-laptop")
    assert not js_errors(d)


def test_endpoints_table_matches_api(driver):
    d = driver
    ensure_logged_in(d)
    find(d, "nav-endpoints").click()
    ensure_fixed_range(d)
    frm, to = wait_page(d, "endpoints")
    data = api_ok("GET", "/v1/metrics/endpoints", {"from": frm, "to": to})["endpoints"]
    rows = find_all(d, "endpoints-table-row")
    assert len(rows) == len(data)
    assert data, "the fixed range must contain traffic"
    first = rows[0]
    key = tuple(find(d, "cell-" + k, first).get_attribute("data-value") for k in ("service", "method", "route"))
    api_row = next(e for e in data if (e["service"], e["method"], e["route"]) == key)
    assert parse_int(find(d, "cell-requests", first).text) == api_row["requests"]
    assert api_row["requests"] == max(e["requests"] for e in data), "default sort: requests desc"
    assert parse_int(find(d, "cell-requests", first).text) == data[0]["requests"]
    assert find(d, "cell-error_rate", first).text == fmt_pct(api_row["error_rate"])
    assert find(d, "cell-p95_ms", first).text == fmt_ms(api_row["p95_ms"])
    screenshot(d, "endpoints-laptop")

    # sorting by route (click header) -> ascending
    find(d, "col-route").find_element(By.TAG_NAME, "button").click()
    routes = [find(d, "cell-route", r).get_attribute("data-value") for r in find_all(d, "endpoints-table-row")]
    assert routes == sorted(routes, key=lambda s: s.lower()) or routes == sorted(routes)
    find(d, "col-requests").find_element(By.TAG_NAME, "button").click()
    reqs = [int(find(d, "cell-requests", r).get_attribute("data-value")) for r in find_all(d, "endpoints-table-row")]
    assert reqs == sorted(reqs, reverse=True)

    # filters: method select and text filter
    method = data[0]["method"]
    Select(find(d, "filter-method")).select_by_value(method)
    shown = find_all(d, "endpoints-table-row")
    assert len(shown) == sum(1 for e in data if e["method"] == method)
    Select(find(d, "filter-method")).select_by_value("")
    text = find(d, "filter-text")
    text.send_keys(data[0]["route"])
    shown = find_all(d, "endpoints-table-row")
    assert 1 <= len(shown) <= len(data)
    assert all(data[0]["route"].lower() in find(d, "cell-route", r).text.lower()
               or data[0]["route"].lower() in find(d, "cell-service", r).text.lower() for r in shown)
    text.clear()
    text.send_keys(Keys.BACKSPACE)
    d.execute_script("arguments[0].value=''; arguments[0].dispatchEvent(new Event('input'))", text)
    assert len(find_all(d, "endpoints-table-row")) == len(data)
    # back to the default order for the next test
    find(d, "col-requests").find_element(By.TAG_NAME, "button").click()
    find(d, "col-requests").find_element(By.TAG_NAME, "button").click()
    assert find(d, "col-requests").get_attribute("aria-sort") == "descending"


def test_endpoint_detail_matches_api_and_event_panel(driver):
    d = driver
    ensure_logged_in(d)
    go(d, "#/endpoints")
    ensure_fixed_range(d)
    wait_page(d, "endpoints")
    first = find_all(d, "endpoints-table-row")[0]
    service, method, route = (find(d, "cell-" + k, first).get_attribute("data-value") for k in ("service", "method", "route"))
    find(d, "cell-route", first).find_element(By.TAG_NAME, "a").click()
    frm, to = wait_page(d, "endpoint")
    title = find(d, "page-title").text
    assert method in title and route in title
    assert service in find(d, "page-sub").text
    data = api_ok("GET", "/v1/metrics/endpoint",
                  {"service": service, "method": method, "route": route, "from": frm, "to": to})
    e = data["endpoint"]
    assert parse_int(kpi_text(d, "requests")) == e["requests"]
    assert kpi_text(d, "error-rate") == fmt_pct(e["error_rate"])
    assert kpi_text(d, "p50") == fmt_ms(e["p50_ms"])
    assert kpi_text(d, "p95") == fmt_ms(e["p95_ms"])
    assert kpi_text(d, "p99") == fmt_ms(e["p99_ms"])
    for tid in ("chart-requests", "chart-error-rate", "chart-p95"):
        assert int(find(d, tid).get_attribute("data-points")) == len(data["series"])
    codes = find_all(d, "status-codes-row")
    assert len(codes) == len(data["status_codes"])
    assert sum(parse_int(find(d, "cell-count", r).text) for r in codes) == sum(c["count"] for c in data["status_codes"])
    assert len(find_all(d, "slowest-row")) == len(data["slowest"])
    assert len(find_all(d, "endpoint-consumers-row")) == len(data["top_consumers"])
    screenshot(d, "endpoint-laptop")

    if data["slowest"]:
        slow = max(data["slowest"], key=lambda r: r["duration_ms"])
        find_all(d, "slowest-row")[0].click()
        panel = wait_visible(d, "event-panel")
        wait_for(d, lambda x: panel.get_attribute("data-state") == "ready")
        assert find(d, "event-field-id").text == slow["id"]
        ev = api_ok("GET", "/v1/events/" + urllib.parse.quote(slow["id"], safe=""))
        assert find(d, "event-field-status").text == str(ev["status"])
        assert find(d, "event-field-path").text == ev["path"]
        if ev.get("user_agent"):
            assert find(d, "event-field-user_agent").text == ev["user_agent"]
        assert find_all(d, "event-request-headers") or find_all(d, "event-panel")
        screenshot(d, "event-panel-laptop", full=False)
        assert_no_alert(d)
        find(d, "event-close").click()
        wait_for(d, lambda x: not find_all(x, "event-panel"))
    assert not js_errors(d)


def test_explorer_matches_api(driver):
    d = driver
    ensure_logged_in(d)
    find(d, "nav-explorer").click()
    ensure_fixed_range(d)
    wait_page(d, "explorer", check_range=False)
    query = "summarize n=count() by service"
    ta = wait_visible(d, "query-input")
    ta.clear()
    ta.send_keys(query)
    ta.send_keys(Keys.CONTROL, Keys.ENTER)
    frm, to = wait_page(d, "explorer")
    wait_visible(d, "results")
    res = api_ok("POST", "/v1/query", body={"query": query, "from": frm, "to": to})
    names = [c["name"] for c in res["columns"]]
    headers = [th.find_element(By.CSS_SELECTOR, ".th-label").text.strip()
               for th in find(d, "results").find_elements(By.CSS_SELECTOR, "thead th")]
    assert headers == names
    rows = find_all(d, "results-row")
    assert len(rows) == len(res["rows"])
    shown = sorted(tuple(td.text for td in r.find_elements(By.TAG_NAME, "td")) for r in rows)
    expected = sorted(tuple(fmt_cell(v) for v in row) for row in res["rows"])
    assert shown == expected
    # counts right-aligned
    n_idx = names.index("n")
    cell = rows[0].find_elements(By.TAG_NAME, "td")[n_idx]
    assert "num" in cell.get_attribute("class")
    assert parse_int(find(d, "stat-rows-returned").text) == res["statistics"]["rows_returned"]
    screenshot(d, "explorer-laptop")

    # an invalid query shows the server's error detail
    ta = find(d, "query-input")
    ta.clear()
    ta.send_keys("this is not ((( a query")
    find(d, "run-query").click()
    detail_or_box = wait_visible(d, "query-error")
    status, err = api("POST", "/v1/query", body={"query": "this is not ((( a query", "from": frm, "to": to})
    assert status in (400, 422)
    if err and err.get("error", {}).get("detail"):
        assert find(d, "query-error-detail").text.strip() == err["error"]["detail"].strip()
    assert detail_or_box.text.strip()
    screenshot(d, "explorer-error-laptop")
    # rows of a result with an `id` column open the event detail panel
    ev_query = "where status >= 500 | take 20"
    status, ev_res = api("POST", "/v1/query", body={"query": ev_query, "from": frm, "to": to})
    names = [c["name"] for c in (ev_res or {}).get("columns", [])] if status == 200 else []
    if "id" in names and ev_res["rows"]:
        ta = find(d, "query-input")
        ta.clear()
        ta.send_keys(ev_query)
        find(d, "run-query").click()
        wait_for(d, lambda x: len(find_all(x, "results-row")) == len(ev_res["rows"]))
        row = find_all(d, "results-row")[-1]
        row_id = find(d, "cell-id", row).get_attribute("data-value")
        click(d, row)
        panel = wait_visible(d, "event-panel")
        wait_for(d, lambda x: panel.get_attribute("data-state") == "ready")
        assert find(d, "event-field-id").text == row_id
        ev = api_ok("GET", "/v1/events/" + urllib.parse.quote(row_id, safe=""))
        if ev.get("error"):
            assert ev["error"]["message"] in find(d, "event-error").text
        if ev.get("user_agent"):
            assert find(d, "event-field-user_agent").text == ev["user_agent"]
        screenshot(d, "explorer-event-laptop", full=False)
        assert_no_alert(d)
        d.find_element(By.TAG_NAME, "body").send_keys(Keys.ESCAPE)
        wait_for(d, lambda x: not find_all(x, "event-panel"))
    # restore the example query for the screenshots
    click(d, find(d, "example-0"))
    wait_visible(d, "results")
    assert_no_alert(d)


def test_event_drawer_shows_trace_and_logs(driver):
    """An event whose trace has OpenTelemetry spans and log records (the demo sends them over
    OTLP for some requests) shows them in its drawer, as the traces API returns them."""
    d = driver
    ensure_logged_in(d)
    logs = api_ok("GET", "/v1/logs?" + urllib.parse.urlencode({"level": "error", "from": RANGE_FROM, "to": RANGE_TO, "limit": 50}))["logs"]
    trace_id = next((l["trace_id"] for l in logs if l.get("trace_id")), None)
    assert trace_id, "the demo sent no error log records linked to a trace"
    trace = api_ok("GET", "/v1/traces/" + trace_id)
    assert trace["events"], "the trace of an error log has no API event"
    event_id = trace["events"][0]["id"]
    find(d, "nav-explorer").click()
    ensure_fixed_range(d)
    wait_page(d, "explorer", check_range=False)
    ta = wait_visible(d, "query-input")
    ta.clear()
    ta.send_keys('where trace_id == "%s" | take 20' % trace_id)
    find(d, "run-query").click()
    wait_for(d, lambda x: len(find_all(x, "results-row")) == len(trace["events"]))
    row = next(r for r in find_all(d, "results-row") if find(d, "cell-id", r).get_attribute("data-value") == event_id)
    click(d, row)
    panel = wait_visible(d, "event-panel")
    wait_for(d, lambda x: panel.get_attribute("data-state") == "ready")
    section = wait_visible(d, "event-trace")
    wait_for(d, lambda x: section.get_attribute("data-state") == "ready")
    assert len(find_all(d, "trace-span", section)) == len(trace["events"]) + len(trace["spans"])
    shown_logs = [r.text for r in find_all(d, "trace-log", section)]
    assert len(shown_logs) == len(trace["logs"])
    for log in trace["logs"]:
        assert any(log["body"] in text for text in shown_logs)
    names = " ".join(e.text for e in section.find_elements(By.CSS_SELECTOR, ".wf-name"))
    for span in trace["spans"]:
        assert span["name"] in names
    d.execute_script("arguments[0].scrollIntoView()", section)
    screenshot(d, "event-trace-laptop", full=False)
    assert_no_alert(d)
    d.find_element(By.TAG_NAME, "body").send_keys(Keys.ESCAPE)
    wait_for(d, lambda x: not find_all(x, "event-panel"))


def test_consumers_table_matches_api(driver):
    d = driver
    ensure_logged_in(d)
    find(d, "nav-consumers").click()
    ensure_fixed_range(d)
    frm, to = wait_page(d, "consumers")
    data = api_ok("GET", "/v1/metrics/consumers", {"from": frm, "to": to})["consumers"]
    rows = find_all(d, "consumers-table-row")
    assert len(rows) == len(data)
    if data:
        by_name = {c["consumer"]: c for c in data}
        for r in rows:
            c = by_name[find(d, "cell-consumer", r).text]
            assert parse_int(find(d, "cell-requests", r).text) == c["requests"]
            assert parse_int(find(d, "cell-errors", r).text) == c["errors"]
            assert find(d, "cell-error_rate", r).text == fmt_pct(c["error_rate"])
            assert find(d, "cell-p95_ms", r).text == fmt_ms(c.get("p95_ms"))
        first = rows[0]
        assert parse_int(find(d, "cell-requests", first).text) == max(c["requests"] for c in data)
        find(d, "col-consumer").find_element(By.TAG_NAME, "button").click()
        names = [find(d, "cell-consumer", r).text for r in find_all(d, "consumers-table-row")]
        assert names == sorted(names, key=str.lower) or names == sorted(names)
        find(d, "col-requests").find_element(By.TAG_NAME, "button").click()
    screenshot(d, "consumers-laptop")


def test_screenshots_all_pages_both_sizes(driver):
    d = driver
    ensure_logged_in(d)
    go(d, "#/endpoints")
    ensure_fixed_range(d)
    wait_page(d, "endpoints")
    first = find_all(d, "endpoints-table-row")[0]
    ep_href = find(d, "cell-route", first).find_element(By.TAG_NAME, "a").get_attribute("href")
    ep_hash = ep_href[ep_href.index("#"):]
    pages = [("overview", "#/overview"), ("endpoints", "#/endpoints"), ("endpoint", ep_hash),
             ("explorer", "#/explorer"), ("consumers", "#/consumers")]
    for size in ("laptop", "phone"):
        use_phone(d, size == "phone")
        for name, h in pages:
            go(d, h)
            wait_page(d, name, check_range=(name != "explorer"))
            if name == "explorer":
                wait_visible(d, "results")
            d.execute_script("window.scrollTo(0, 0)")
            screenshot(d, "%s-%s" % (name, size))
            if size == "phone":
                # nothing may stick out horizontally (tables scroll inside their wrapper)
                overflow = d.execute_script(
                    "return document.documentElement.scrollWidth - document.documentElement.clientWidth")
                assert overflow <= 1, "%s overflows horizontally on a phone by %spx" % (name, overflow)
        if size == "phone":
            go(d, ep_hash)
            wait_page(d, "endpoint")
            rows = find_all(d, "slowest-row")
            if rows:
                d.execute_script("arguments[0].click()", rows[0])
                wait_for(d, lambda x: find(x, "event-panel").get_attribute("data-state") == "ready")
                screenshot(d, "event-panel-phone", full=False)
                find(d, "event-close").click()
    use_phone(d, False)


def test_live_toggle_refreshes(driver):
    d = driver
    ensure_logged_in(d)
    go(d, "#/overview")
    wait_page(d, "overview", check_range=False)
    find(d, "range-1h").click()
    wait_for(d, lambda x: find(x, "range-1h").get_attribute("aria-pressed") == "true")
    wait_page(d, "overview", check_range=False)
    main = d.find_element(By.ID, "page")
    before = main.get_attribute("data-updated")
    live = find(d, "live-toggle")
    live.click()
    assert live.get_attribute("aria-pressed") == "true"
    wait_for(d, lambda x: main.get_attribute("data-updated") != before, timeout=16)
    live.click()
    assert live.get_attribute("aria-pressed") == "false"
    # a custom range disables live refresh
    set_fixed_range(d)
    wait_page(d, "overview")
    assert find(d, "live-toggle").get_attribute("disabled") is not None


# ---- security incidents ---------------------------------------------------------------

def _incident_range():
    """Incidents from live traffic are newer than the fixed range: end at the next whole hour."""
    to = datetime.now(timezone.utc).replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
    frm = to - timedelta(hours=25)
    f = "%Y-%m-%dT%H:%M:%SZ"
    return frm.strftime(f), to.strftime(f)


def _active_incidents(frm, to, **filters):
    """What the page shows by default (open + acknowledged): two API calls, newest first."""
    out, seen = [], set()
    for status in ("open", "acknowledged"):
        params = {"from": frm, "to": to, "limit": 1000, "status": status}
        params.update({k: v for k, v in filters.items() if v})
        for i in api_ok("GET", "/v1/incidents", params)["incidents"]:
            if i["id"] not in seen:
                seen.add(i["id"])
                out.append(i)
    out.sort(key=lambda i: (i["last_seen"], i["id"]), reverse=True)
    return out


def _create_brute_force_burst():
    """40 failed logins from one IP against one user, stamped now, via the ingest key."""
    import random
    ip = "203.0.113.%d" % random.randint(1, 254)  # a fresh IP: a new incident, not a repeat of an old one
    now = datetime.now(timezone.utc)
    for n in range(40):
        ts = (now + timedelta(milliseconds=50 * n)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        status, body = api("POST", "/v1/events", key=INGEST_KEY, body={
            "timestamp": ts, "service": "auth", "method": "POST", "path": "/auth/login", "route": "/auth/login",
            "status": 401, "client_ip": ip, "user_id": "victim"})
        assert status in (200, 201, 202, 204), "ingest -> %s %s" % (status, body)
    return ip


def _fmt_time(iso):
    """util.js fmtTime: RFC 3339 -> 'YYYY-MM-DD HH:MM:SS' (UTC)."""
    return iso[:10] + " " + iso[11:19]


def _wait_incidents_page(d, frm, to):
    def ok(x):
        m = x.find_element(By.ID, "page")
        return (m.get_attribute("data-route") == "incidents" and m.get_attribute("data-state") == "ready"
                and m.get_attribute("data-from") == frm and m.get_attribute("data-to") == to)
    wait_for(d, ok, msg="incidents page ready for %s..%s" % (frm, to))


def _tid_attr(d, tid, name):
    """An attribute read in one script call: the panel is rebuilt on refresh (no stale references)."""
    return d.execute_script(
        "const e = document.querySelector('[data-testid=\"' + arguments[0] + '\"]');"
        "return e ? e.getAttribute(arguments[1]) : null;", tid, name)


def _row_ids(d):
    return [r.get_attribute("data-id") for r in find_all(d, "incidents-table-row")]


def test_security_incidents_match_api_and_acknowledge(driver):
    d = driver
    ensure_logged_in(d)
    frm, to = _incident_range()
    active = _active_incidents(frm, to)
    if not any(i["status"] == "open" for i in active) and INGEST_KEY:
        ip = _create_brute_force_burst()
        deadline = time.time() + 20
        while time.time() < deadline and not any(
                i["status"] == "open" and i["entity"]["value"] == ip for i in _active_incidents(frm, to)):
            time.sleep(0.5)
    find(d, "nav-incidents").click()
    wait_for(d, lambda x: "#/incidents" in x.current_url)
    assert find(d, "nav-incidents").text == "Security"
    set_fixed_range(d, frm, to)
    _wait_incidents_page(d, frm, to)
    # default filters: not resolved, every detector, no entity
    assert Select(find(d, "filter-status")).first_selected_option.get_attribute("value") == "active"
    assert Select(find(d, "filter-detector")).first_selected_option.get_attribute("value") == ""
    assert find(d, "filter-entity").get_attribute("value") == ""

    # table == the API for the same range and filters (newest first)
    active = _active_incidents(frm, to)
    assert _row_ids(d) == [i["id"] for i in active]
    everything = api_ok("GET", "/v1/incidents", {"from": frm, "to": to, "limit": 1000})["incidents"]
    unresolved = [i for i in everything if i["status"] != "resolved"]
    assert parse_int(kpi_text(d, "open-incidents")) == sum(1 for i in everything if i["status"] == "open")
    assert parse_int(kpi_text(d, "critical-high")) == sum(1 for i in unresolved if i["severity"] in ("critical", "high"))
    assert parse_int(kpi_text(d, "detectors-firing")) == len({i["detector"] for i in unresolved})
    by_id = {i["id"]: i for i in active}
    for r in find_all(d, "incidents-table-row"):
        i = by_id[r.get_attribute("data-id")]
        assert find(d, "cell-detector", r).text == i["detector"]
        assert find(d, "cell-owasp_category", r).text == i["owasp_category"]
        assert find(d, "cell-severity", r).text.lower() == i["severity"]
        assert find(d, "cell-entity", r).get_attribute("data-value") == "%s %s" % (i["entity"]["kind"], i["entity"]["value"])
        assert parse_int(find(d, "cell-count", r).text) == i["count"]
        assert find(d, "cell-last_seen", r).text == _fmt_time(i["last_seen"])
        assert find(d, "cell-first_seen", r).get_attribute("data-value") == i["first_seen"]
        assert find(d, "cell-status", r).text.lower() == i["status"]
    if not active:
        assert find(d, "incidents-table-empty").text.strip()
        screenshot(d, "incidents-laptop")
        pytest.skip("no open or acknowledged incident in %s..%s (set SIGHTLINE_INGEST_KEY to create one)" % (frm, to))

    # sortable like the other tables
    find(d, "col-count").find_element(By.TAG_NAME, "button").click()
    counts = [int(find(d, "cell-count", r).get_attribute("data-value")) for r in find_all(d, "incidents-table-row")]
    assert counts == sorted(counts, reverse=True)
    find(d, "col-last_seen").find_element(By.TAG_NAME, "button").click()
    find(d, "col-last_seen").find_element(By.TAG_NAME, "button").click()
    assert find(d, "col-last_seen").get_attribute("aria-sort") == "descending"

    # the detector filter queries the API with ?detector=
    detector = active[0]["detector"]
    Select(find(d, "filter-detector")).select_by_value(detector)
    expected = [i["id"] for i in _active_incidents(frm, to, detector=detector)]
    wait_for(d, lambda x: _row_ids(x) == expected and
             x.find_element(By.ID, "page").get_attribute("data-state") == "ready", msg="detector filter")
    Select(find(d, "filter-detector")).select_by_value("")
    wait_for(d, lambda x: len(find_all(x, "incidents-table-row")) == len(active), msg="filter reset")
    _wait_incidents_page(d, frm, to)

    # open an open incident: explanation, evidence, acknowledge
    target = next((i for i in active if i["status"] == "open"), None)
    if target is None:
        screenshot(d, "incidents-laptop")
        pytest.skip("no open incident to acknowledge (set SIGHTLINE_INGEST_KEY to create one)")
    row = next(r for r in find_all(d, "incidents-table-row") if r.get_attribute("data-id") == target["id"])
    click(d, row)
    panel = wait_visible(d, "incident-panel")
    assert panel.get_attribute("data-incident-id") == target["id"]
    detail = api_ok("GET", "/v1/incidents/" + urllib.parse.quote(target["id"], safe=""))
    assert find(d, "incident-explanation").text == detail["explanation"]
    assert find(d, "incident-field-status").text == "open"
    items = find_all(d, "incident-evidence-item")
    assert [e.get_attribute("data-event-id") for e in items] == detail["evidence_event_ids"]
    ack = find(d, "incident-ack")
    assert ack.is_enabled() and find(d, "incident-resolve").is_enabled()
    if items:
        ev_id = items[0].get_attribute("data-event-id")
        click(d, items[0])
        ev_panel = wait_visible(d, "event-panel")
        wait_for(d, lambda x: ev_panel.get_attribute("data-state") in ("ready", "error"))
        if ev_panel.get_attribute("data-state") == "ready":
            assert find(d, "event-field-id").text == ev_id
        screenshot(d, "incident-event-laptop", full=False)
        find(d, "event-close").click()
        wait_for(d, lambda x: not find_all(x, "event-panel"))
    d.execute_script("window.scrollTo(0, 0)")
    screenshot(d, "incidents-laptop")
    screenshot(d, "incidents-viewport-laptop", full=False)

    click(d, find(d, "incident-ack"))
    wait_for(d, lambda x: _tid_attr(x, "incident-panel", "data-status") == "acknowledged", msg="panel acknowledged")
    _wait_incidents_page(d, frm, to)
    after = api_ok("GET", "/v1/incidents/" + urllib.parse.quote(target["id"], safe=""))
    assert after["status"] == "acknowledged"
    assert find(d, "incident-field-status").text == "acknowledged"
    assert not find(d, "incident-ack").is_enabled()
    row = next(r for r in find_all(d, "incidents-table-row") if r.get_attribute("data-id") == target["id"])
    assert find(d, "cell-status", row).get_attribute("data-value") == "acknowledged"
    assert parse_int(kpi_text(d, "open-incidents")) == sum(
        1 for i in api_ok("GET", "/v1/incidents", {"from": frm, "to": to, "limit": 1000})["incidents"] if i["status"] == "open")

    # phone: readable, nothing sticks out sideways
    use_phone(d, True)
    d.execute_script("window.scrollTo(0, 0)")
    screenshot(d, "incidents-phone")
    overflow = d.execute_script("return document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 1, "incidents overflows horizontally on a phone by %spx" % overflow
    d.execute_script("arguments[0].scrollIntoView({block: 'start'})", find(d, "incident-panel"))
    screenshot(d, "incident-panel-phone", full=False)
    use_phone(d, False)
    click(d, find(d, "incident-close"))
    wait_for(d, lambda x: not find_all(x, "incident-panel"))
    assert_no_alert(d)
    assert not js_errors(d)


def test_logout(driver):
    d = driver
    ensure_logged_in(d)
    go(d, "#/overview")
    wait_page(d, "overview", check_range=False)
    find(d, "logout").click()
    wait_for(d, lambda x: "#/login" in x.current_url)
    wait_page(d, "login", check_range=False)
    # the session cookie no longer works
    d.execute_script("location.hash = '#/consumers'")
    wait_for(d, lambda x: "#/login" in x.current_url)
    status = d.execute_async_script(
        "const cb = arguments[arguments.length - 1];"
        "fetch('/auth/session', {credentials: 'same-origin'}).then(r => cb(r.status), () => cb(-1));")
    assert status == 401
    assert not js_errors(d)
