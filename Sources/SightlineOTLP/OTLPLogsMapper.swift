import SightlineCore

/// Turns an OTLP/HTTP logs export (`POST /v1/logs`) into ``LinkedLog``s.
///
/// Invariants:
/// - Every log record ends up in ``OTLPLogsResult/logs`` or in ``OTLPLogsResult/rejected`` with
///   its zero-based position in the export and a reason (never quoting the record).
/// - A record is rejected when its trace or span id is present but malformed, its body is longer
///   than ``OTLPLimits/maxLogBodyBytes``, or its resource's `service.name` is too long.
/// - The time is `time_unix_nano`, else `observed_time_unix_nano`, else the receive time (the
///   OTLP data model allows both to be missing).
///
/// ```swift
/// let result = try OTLPLogsMapper().map(body, encoding: .json, receivedAtMicros: now)
/// ```
public struct OTLPLogsMapper: Sendable {
    public struct Configuration: Sendable {
        /// Limits of the event format; the name and attribute limits apply to log records too.
        public var eventLimits = EventLimits()
        public var limits = OTLPLimits()
        public init() {}
    }

    public let configuration: Configuration

    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
    }

    /// Decodes an `ExportLogsServiceRequest` and maps its log records.
    ///
    /// - Throws: ``OTLPError`` when the body is not a valid request or holds more than
    ///   ``OTLPLimits/maxItems`` records.
    public func map(_ body: [UInt8], encoding: OTLPEncoding, receivedAtMicros: Int64) throws(OTLPError) -> OTLPLogsResult {
        let request = try RequestDecoding.decode(PBLogsRequest.self, from: body, encoding: encoding, messageName: "ExportLogsServiceRequest")
        return try map(request, encoding: encoding, receivedAtMicros: receivedAtMicros)
    }

    func map(_ request: PBLogsRequest, encoding: OTLPEncoding, receivedAtMicros: Int64) throws(OTLPError) -> OTLPLogsResult {
        var total = 0
        for resourceLogs in request.resourceLogs {
            for scopeLogs in resourceLogs.scopeLogs { total += scopeLogs.logRecords.count }
        }
        guard total <= configuration.limits.maxItems else {
            throw OTLPError(
                code: .tooManyItems,
                message: "the export holds \(total) log records, more than the limit of \(configuration.limits.maxItems); configure the exporter's batch processor with a smaller max export batch size"
            )
        }
        var result = OTLPLogsResult(totalLogRecords: total)
        result.logs.reserveCapacity(total)
        var index = 0
        for resourceLogs in request.resourceLogs {
            let resource = ResourceContext(resourceLogs.resource, limits: configuration.eventLimits, maxDepth: configuration.limits.maxValueDepth)
            for scopeLogs in resourceLogs.scopeLogs {
                let scope = scopeLogs.scope.name.isEmpty ? nil : scopeLogs.scope.name
                for record in scopeLogs.logRecords {
                    defer { index += 1 }
                    if let problem = resource.serviceProblem {
                        result.rejected.append(Rejection(index: index, error: problem))
                        continue
                    }
                    switch mapRecord(record, resource: resource, scope: scope, encoding: encoding, receivedAtMicros: receivedAtMicros) {
                    case .success(let log): result.logs.append(log)
                    case .failure(let reason): result.rejected.append(Rejection(index: index, error: reason.text))
                    }
                }
            }
        }
        return result
    }

    private struct Reason: Error { var text: String }

    private func mapRecord(_ record: PBLogRecord, resource: ResourceContext, scope: String?, encoding: OTLPEncoding, receivedAtMicros: Int64) -> Result<LinkedLog, Reason> {
        var traceID: String?
        switch OTLPID.read(record.traceID, bytes: 16, encoding: encoding) {
        case .valid(let hex): traceID = hex
        case .absent, .invalid("all zeros"): traceID = nil
        case .invalid(let got): return .failure(Reason(text: "traceId: expected empty or \(OTLPID.expectation(bytes: 16, encoding: encoding)), got \(got)"))
        }
        var spanID: String?
        switch OTLPID.read(record.spanID, bytes: 8, encoding: encoding) {
        case .valid(let hex): spanID = hex
        case .absent, .invalid("all zeros"): spanID = nil
        case .invalid(let got): return .failure(Reason(text: "spanId: expected empty or \(OTLPID.expectation(bytes: 8, encoding: encoding)), got \(got)"))
        }
        let depth = configuration.limits.maxValueDepth
        let body = record.hasBody ? AnyValueJSON.text(of: record.body, maxDepth: depth) : nil
        if let body, body.utf8.count > configuration.limits.maxLogBodyBytes {
            return .failure(Reason(text: "body: expected at most \(configuration.limits.maxLogBodyBytes) bytes, got \(body.utf8.count) bytes"))
        }
        let observed: Int64? = record.observedTimeUnixNano >= 1000 ? Int64(record.observedTimeUnixNano / 1000) : nil
        let time: Int64 = record.timeUnixNano >= 1000 ? Int64(record.timeUnixNano / 1000) : observed ?? receivedAtMicros
        let severity = record.severityNumber.rawValue
        let limits = configuration.eventLimits
        var attributes = AttributeObjectBuilder(maxBytes: limits.maxAttributesBytes, maxDepth: depth)
        for pair in record.attributes { attributes.add(pair.key, pair.value) }
        resource.addMembers(to: &attributes)
        return .success(LinkedLog(
            timestampMicros: time,
            observedMicros: observed,
            severityText: record.severityText.isEmpty || record.severityText.utf8.count > limits.maxNameBytes ? nil : record.severityText,
            severityNumber: (0...24).contains(severity) ? severity : 0,
            body: body,
            traceID: traceID,
            spanID: spanID,
            eventName: record.eventName.isEmpty || record.eventName.utf8.count > limits.maxNameBytes ? nil : record.eventName,
            service: resource.service,
            environment: resource.environment,
            scope: scope,
            attributes: attributes.finish(),
            receivedAtMicros: receivedAtMicros
        ))
    }
}

/// The outcome of one logs export.
public struct OTLPLogsResult: Sendable {
    public var logs: [LinkedLog] = []
    /// Records not kept, with their zero-based position in the export and why.
    public var rejected: [Rejection] = []
    /// Log records in the export.
    public var totalLogRecords: Int

    public init(logs: [LinkedLog] = [], rejected: [Rejection] = [], totalLogRecords: Int) {
        self.logs = logs
        self.rejected = rejected
        self.totalLogRecords = totalLogRecords
    }

    /// The `rejected_log_records` of the partial-success answer.
    public var rejectedCount: Int64 { Int64(rejected.count) }

    public var partialSuccessMessage: String {
        OTLPResponse.summary(rejected, total: totalLogRecords, noun: "log records", itemNoun: "log record")
    }

    /// The `ExportLogsServiceResponse` body to answer with (HTTP 200), in the request's encoding.
    public func responseBody(encoding: OTLPEncoding) -> [UInt8] {
        OTLPResponse.partialSuccess(signal: .logs, rejected: rejectedCount, message: partialSuccessMessage, encoding: encoding)
    }
}
