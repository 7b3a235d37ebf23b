"""Captures what the OpenTelemetry Python SDK's OTLP/HTTP exporters really send.

Usage (see docs/specs/otlp.md): python capture_python_sdk.py {protobuf|json} OUT_DIR
Starts a recording HTTP server on 127.0.0.1 (a free port), points the SDK's OTLP/HTTP span and
log exporters at it, emits a fixed set of spans (an HTTP server span with current semantic
conventions, one with the old ones, a failing one with an exception event, a client span, an
internal span) and two log records, then writes each request body to OUT_DIR as
python-<encoding>-<signal>.<bin|json> plus a headers file.
"""
import http.server
import json
import logging
import os
import sys
import threading
import time

encoding, out_dir = sys.argv[1], sys.argv[2]
os.makedirs(out_dir, exist_ok=True)
captured = []


class Recorder(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        captured.append((self.path, dict(self.headers), body))
        self.send_response(200)
        self.send_header("Content-Type", self.headers.get("Content-Type", "application/x-protobuf"))
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
threading.Thread(target=server.serve_forever, daemon=True).start()
base = f"http://127.0.0.1:{server.server_address[1]}"

from opentelemetry import trace
from opentelemetry._logs import set_logger_provider
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from opentelemetry.sdk._logs import LoggerProvider, LoggingHandler
from opentelemetry.sdk._logs.export import BatchLogRecordProcessor
from opentelemetry.trace import SpanKind, Status, StatusCode

if encoding == "protobuf":
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
    from opentelemetry.exporter.otlp.proto.http._log_exporter import OTLPLogExporter
else:
    from opentelemetry.exporter.otlp.json.http.trace_exporter import OTLPSpanExporter
    from opentelemetry.exporter.otlp.json.http._log_exporter import OTLPLogExporter

resource = Resource.create({
    "service.name": "checkout",
    "service.version": "1.4.2",
    "deployment.environment.name": "staging",
})
provider = TracerProvider(resource=resource)
provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter(endpoint=f"{base}/v1/traces")))
tracer = provider.get_tracer("capture", "0.1")

logger_provider = LoggerProvider(resource=resource)
logger_provider.add_log_record_processor(BatchLogRecordProcessor(OTLPLogExporter(endpoint=f"{base}/v1/logs")))
set_logger_provider(logger_provider)
log = logging.getLogger("checkout.orders")
log.setLevel(logging.INFO)
log.addHandler(LoggingHandler(level=logging.INFO, logger_provider=logger_provider))

# 1. HTTP server span, current semantic conventions, with a child internal and a client span.
with tracer.start_as_current_span("GET /orders/{id}", kind=SpanKind.SERVER, attributes={
    "http.request.method": "GET",
    "url.path": "/orders/42",
    "url.query": "expand=items&expand=customer",
    "url.scheme": "https",
    "server.address": "shop.example.com",
    "server.port": 443,
    "http.route": "/orders/{id}",
    "http.response.status_code": 200,
    "client.address": "203.0.113.9",
    "user_agent.original": "curl/8.5.0",
    "http.response.body.size": 512,
    "user.id": "u-17",
    "sightline.consumer.id": "acme",
    "feature.flags": ["new-cart", "fast-pay"],
    "cart.total": 12.5,
    "cart.paid": True,
}):
    with tracer.start_as_current_span("load order", kind=SpanKind.INTERNAL):
        log.info("order %s loaded", 42)
    with tracer.start_as_current_span("GET", kind=SpanKind.CLIENT, attributes={
        "http.request.method": "GET",
        "url.full": "http://inventory:8080/stock/42",
        "http.response.status_code": 200,
    }):
        pass

# 2. HTTP server span, old semantic conventions (before 1.21).
with tracer.start_as_current_span("POST /login", kind=SpanKind.SERVER, attributes={
    "http.method": "post",
    "http.target": "/login?next=%2Fhome",
    "http.scheme": "http",
    "http.host": "shop.example.com",
    "http.status_code": 401,
    "net.peer.ip": "2001:db8::1",
    "http.user_agent": "Mozilla/5.0",
    "http.request_content_length": 64,
    "enduser.id": "bob",
}):
    pass

# 3. A failing request: status ERROR and an exception event.
try:
    with tracer.start_as_current_span("POST /payments", kind=SpanKind.SERVER, attributes={
        "http.request.method": "POST",
        "url.path": "/payments",
        "http.route": "/payments",
    }) as span:
        span.set_attribute("http.response.status_code", 503)
        span.set_attribute("error.type", "TimeoutError")
        raise TimeoutError("payment gateway timed out")
except TimeoutError:
    log.error("payment failed", exc_info=False)

provider.shutdown()
logger_provider.shutdown()
server.shutdown()

ext = "bin" if encoding == "protobuf" else "json"
counts = {}
for path, headers, body in captured:
    signal = path.rsplit("/", 1)[-1]
    counts[signal] = counts.get(signal, 0) + 1
    name = f"python-{encoding}-{signal}-{counts[signal]}"
    with open(os.path.join(out_dir, f"{name}.{ext}"), "wb") as f:
        f.write(body)
    with open(os.path.join(out_dir, f"{name}.headers.txt"), "w") as f:
        for k, v in sorted(headers.items()):
            if k.lower() not in ("host", "content-length"):
                f.write(f"{k}: {v}\n")
print(encoding, [(p, len(b)) for p, _, b in captured])
