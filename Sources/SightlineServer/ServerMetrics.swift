import Hummingbird
import Prometheus
import SightlineIngest
import SightlineWAL

/// The server's Prometheus metrics (`GET /metrics`). Names follow `sightline_<area>_<name>_<unit>`.
///
/// Request latency is observed per request; the ingest, log and store figures are read from
/// their components when scraped, so they cost nothing on the hot path.
public final class ServerMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()
    private let buckets: [Duration] = [
        .microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25),
        .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2.5), .seconds(5),
    ]

    public init() {}

    func observeRequest(route: String, method: String, status: Int, duration: Duration) {
        registry.makeDurationHistogram(
            name: "sightline_http_request_duration_seconds",
            labels: [("route", route), ("method", method), ("status", String(status))],
            buckets: buckets,
            help: "Time to answer an HTTP request"
        ).recordNanoseconds(Int64(duration.components.seconds) * 1_000_000_000 + duration.components.attoseconds / 1_000_000_000)
    }

    /// The exposition text: request histograms plus figures sampled now.
    func render(ingestor: Ingestor, wal: WriteAheadLog, applier: StoreApplier) -> [UInt8] {
        var output: [UInt8] = []
        registry.emit(into: &output)
        let counters = ingestor.snapshot()
        let stats = wal.stats()
        var text = ""
        func metric(_ name: String, _ type: String, _ help: String, _ value: String) {
            text += "# HELP \(name) \(help)\n# TYPE \(name) \(type)\n\(name) \(value)\n"
        }
        metric("sightline_ingest_events_accepted_total", "counter", "Events accepted (durable in the write-ahead log)", "\(counters.accepted)")
        metric("sightline_ingest_events_rejected_total", "counter", "Events rejected as invalid", "\(counters.rejected)")
        metric("sightline_ingest_batches_refused_total", "counter", "Batches refused whole (malformed, too large, log full)", "\(counters.batchesRefused)")
        metric("sightline_ingest_spans_accepted_total", "counter", "OpenTelemetry spans accepted that are not API events (durable in the write-ahead log)", "\(counters.spans)")
        metric("sightline_ingest_log_records_accepted_total", "counter", "OpenTelemetry log records accepted (durable in the write-ahead log)", "\(counters.logs)")
        metric("sightline_wal_bytes", "gauge", "Bytes of write-ahead log segments on disk", "\(stats.bytesOnDisk)")
        metric("sightline_wal_segments", "gauge", "Write-ahead log segments on disk", "\(stats.segments)")
        metric("sightline_wal_durable_seq", "gauge", "Highest durable record sequence number", "\(stats.durableSeq)")
        metric("sightline_wal_fsyncs_total", "counter", "fdatasync calls (one per group commit)", "\(stats.fsyncCount)")
        metric("sightline_wal_fsync_last_seconds", "gauge", "Duration of the last fdatasync", "\(stats.lastFsyncSeconds)")
        text += "# HELP sightline_wal_fsync_duration_seconds Duration of each group-commit fdatasync\n# TYPE sightline_wal_fsync_duration_seconds histogram\n"
        for (bound, count) in zip(WALStats.fsyncBucketBounds, stats.fsyncBuckets) {
            text += "sightline_wal_fsync_duration_seconds_bucket{le=\"\(bound)\"} \(count)\n"
        }
        text += "sightline_wal_fsync_duration_seconds_bucket{le=\"+Inf\"} \(stats.fsyncCount)\n"
        text += "sightline_wal_fsync_duration_seconds_sum \(stats.fsyncSecondsTotal)\n"
        text += "sightline_wal_fsync_duration_seconds_count \(stats.fsyncCount)\n"
        metric("sightline_wal_corrupt_records_total", "counter", "Corrupt records skipped while reading the log", "\(stats.corruptRecordsSkipped)")
        metric("sightline_store_applied_seq", "gauge", "Highest log record applied to the store", "\(applier.appliedSeq)")
        metric("sightline_store_lag_records", "gauge", "Durable log records not yet in the store", "\(applier.lag)")
        output.append(contentsOf: text.utf8)
        return output
    }
}

/// Records every request's latency by matched route (never by raw path: bounded label values).
struct MetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    let metrics: ServerMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        do {
            let response = try await next(request, context)
            metrics.observeRequest(route: context.endpointPath ?? "unmatched", method: request.method.rawValue, status: response.status.code, duration: ContinuousClock.now - start)
            return response
        } catch {
            let status = (error as? any HTTPResponseError)?.status.code ?? 500
            metrics.observeRequest(route: context.endpointPath ?? "unmatched", method: request.method.rawValue, status: status, duration: ContinuousClock.now - start)
            throw error
        }
    }
}
