"""A small HTTP service instrumented with the OpenTelemetry Python SDK, for Sightline's
end-to-end OTLP test (Tests/SightlineEndToEndTests/OTLPPythonSDKTests.swift).

Usage: python service.py {protobuf|json}
The exporters are configured by the standard environment variables (OTEL_EXPORTER_OTLP_ENDPOINT,
OTEL_EXPORTER_OTLP_HEADERS). The service answers a few routes; every request is a SERVER span
with the current HTTP semantic conventions, with an INTERNAL child span ("load <route>") and a
log record written through Python's logging inside that child (so it carries the trace and span
ids). The script calls itself, flushes the exporters and prints one JSON line per request it
served (what Sightline should store).
"""
import http.server
import json
import logging
import sys
import threading
import urllib.error
import urllib.request

from opentelemetry import trace
from opentelemetry.sdk._logs import LoggerProvider, LoggingHandler
from opentelemetry.sdk._logs.export import BatchLogRecordProcessor
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from opentelemetry.trace import SpanKind, Status, StatusCode

encoding = sys.argv[1]
if encoding == "protobuf":
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
    from opentelemetry.exporter.otlp.proto.http._log_exporter import OTLPLogExporter
else:
    from opentelemetry.exporter.otlp.json.http.trace_exporter import OTLPSpanExporter
    from opentelemetry.exporter.otlp.json.http._log_exporter import OTLPLogExporter

resource = Resource.create({
    "service.name": f"python-shop-{encoding}",
    "deployment.environment.name": "e2e",
})
provider = TracerProvider(resource=resource)
provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
trace.set_tracer_provider(provider)
tracer = trace.get_tracer("sightline-e2e")
log_provider = LoggerProvider(resource=resource)
log_provider.add_log_record_processor(BatchLogRecordProcessor(OTLPLogExporter()))
log = logging.getLogger("shop")
log.setLevel(logging.INFO)
log.propagate = False
log.addHandler(LoggingHandler(level=logging.INFO, logger_provider=log_provider))
served = []

ROUTES = [("/orders/", "/orders/{id}"), ("/users/", "/users/{id}"), ("/health", "/health")]


class Handler(http.server.BaseHTTPRequestHandler):
    def handle_one(self, method):
        path, _, query = self.path.partition("?")
        route = next((r for prefix, r in ROUTES if path.startswith(prefix)), None)
        status = 200 if route else 404
        if path.endswith("/boom"):
            status = 500
        with tracer.start_as_current_span(f"{method} {route or path}", kind=SpanKind.SERVER) as span:
            span.set_attribute("http.request.method", method)
            span.set_attribute("url.path", path)
            if query:
                span.set_attribute("url.query", query)
            span.set_attribute("url.scheme", "http")
            if route:
                span.set_attribute("http.route", route)
            span.set_attribute("client.address", self.client_address[0])
            span.set_attribute("user_agent.original", self.headers.get("User-Agent", ""))
            span.set_attribute("http.response.status_code", status)
            span.set_attribute("user.id", self.headers.get("X-User", ""))
            with tracer.start_as_current_span(f"load {route or path}") as child:
                child_ctx = child.get_span_context()
                if status >= 500:
                    log.error("loading %s failed", path)
                else:
                    log.info("loaded %s", path)
            if status >= 500:
                span.set_status(Status(StatusCode.ERROR, "boom"))
            body = json.dumps({"path": path}).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            ctx = span.get_span_context()
            served.append({
                "method": method, "path": path, "query": query, "route": route, "status": status,
                "user_agent": self.headers.get("User-Agent", ""), "user_id": self.headers.get("X-User", ""),
                "trace_id": format(ctx.trace_id, "032x"), "span_id": format(ctx.span_id, "016x"),
                "child_span_id": format(child_ctx.span_id, "016x"), "child_name": f"load {route or path}",
                "log_body": ("loading %s failed" if status >= 500 else "loaded %s") % path,
                "log_level": "error" if status >= 500 else "info",
            })

    def do_GET(self):
        self.handle_one("GET")

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", "0")))
        self.handle_one("POST")

    def log_message(self, *args):
        pass


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
threading.Thread(target=server.serve_forever, daemon=True).start()
base = f"http://127.0.0.1:{server.server_address[1]}"
requests = [("GET", "/orders/42?expand=items"), ("POST", "/orders/7"), ("GET", "/users/alice"),
            ("GET", "/health"), ("GET", "/nope"), ("GET", "/orders/boom")]
for index, (method, path) in enumerate(requests):
    request = urllib.request.Request(base + path, method=method, data=b"{}" if method == "POST" else None,
                                     headers={"User-Agent": f"e2e-client/{index}", "X-User": f"u{index}"})
    try:
        urllib.request.urlopen(request).read()
    except urllib.error.HTTPError as error:
        error.read()
server.shutdown()
provider.force_flush()
provider.shutdown()
log_provider.force_flush()
log_provider.shutdown()
for item in served:
    print(json.dumps(item))
