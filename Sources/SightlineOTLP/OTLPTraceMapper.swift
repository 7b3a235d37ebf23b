import SightlineCore

/// Turns an OTLP/HTTP trace export (`POST /v1/traces`) into Sightline events and linked spans.
///
/// Invariants:
/// - Every span of the export ends up in exactly one place: an ``OTLPTraceResult/events`` entry
///   (an HTTP server span: an API request), an ``OTLPTraceResult/otherSpans`` entry, or
///   ``OTLPTraceResult/rejected`` with its zero-based position in the export and a reason.
/// - Every event satisfies `Event`'s invariants and `EventLimits`, so it reads back unchanged
///   through `EventDecoder` after `EventEncoder`. A required field that cannot be made valid
///   rejects the span; an optional one is left out and its attribute kept in `attributes`.
/// - Event ids are `otel-<trace id>-<span id>`: the same span sent twice gives the same id, so
///   retried exports de-duplicate.
/// - Reasons name the OTLP field or attribute and the Sightline field, never the sender's values.
///
/// ```swift
/// let mapper = OTLPTraceMapper()
/// let result = try mapper.map(body, encoding: .protobuf, receivedAtMicros: clock.nowMicros)
/// // store result.events and result.otherSpans, then answer:
/// let answer = result.responseBody(encoding: .protobuf)
/// ```
public struct OTLPTraceMapper: Sendable {
    /// What the mapper reads and how much it accepts.
    public struct Configuration: Sendable {
        /// Limits of the event format (field sizes, attributes size).
        public var eventLimits = EventLimits()
        /// Limits of OTLP ingestion (items per export, value nesting).
        public var limits = OTLPLimits()
        /// Span attributes holding the API consumer's id, first found wins.
        public var consumerIDAttributes = ["sightline.consumer.id", "consumer.id"]
        /// Span attributes holding the consumer's display name.
        public var consumerNameAttributes = ["sightline.consumer.name", "consumer.name"]
        /// Span attributes holding the consumer's plan.
        public var consumerPlanAttributes = ["sightline.consumer.plan", "consumer.plan"]
        /// Add `otel.span.name`, `otel.parent_span_id` and `otel.scope.name` to an event's
        /// attributes, so that the request can be placed in its trace.
        public var recordSpanContext = true
        public init() {}
    }

    public let configuration: Configuration
    let keys: KeyTable

    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
        keys = KeyTable(
            consumerID: configuration.consumerIDAttributes,
            consumerName: configuration.consumerNameAttributes,
            consumerPlan: configuration.consumerPlanAttributes
        )
    }

    /// Decodes an `ExportTraceServiceRequest` and maps its spans.
    ///
    /// - Parameters:
    ///   - body: the request body, already decompressed.
    ///   - encoding: from the request's `Content-Type` (``OTLPEncoding/init(contentType:)``).
    ///   - receivedAtMicros: the server's receive time, set on every event and span.
    /// - Throws: ``OTLPError`` when the body is not a valid request (`invalidBody`) or holds more
    ///   than ``OTLPLimits/maxItems`` spans (`tooManyItems`); nothing of it should be stored then.
    public func map(_ body: [UInt8], encoding: OTLPEncoding, receivedAtMicros: Int64) throws(OTLPError) -> OTLPTraceResult {
        let request = try RequestDecoding.decode(PBTraceRequest.self, from: body, encoding: encoding, messageName: "ExportTraceServiceRequest")
        return try map(request, encoding: encoding, receivedAtMicros: receivedAtMicros)
    }

    func map(_ request: PBTraceRequest, encoding: OTLPEncoding, receivedAtMicros: Int64) throws(OTLPError) -> OTLPTraceResult {
        var total = 0
        for resourceSpans in request.resourceSpans {
            for scopeSpans in resourceSpans.scopeSpans { total += scopeSpans.spans.count }
        }
        guard total <= configuration.limits.maxItems else {
            throw OTLPError(
                code: .tooManyItems,
                message: "the export holds \(total) spans, more than the limit of \(configuration.limits.maxItems); configure the exporter's batch processor with a smaller max export batch size"
            )
        }
        var result = OTLPTraceResult(totalSpans: total)
        result.events.reserveCapacity(total)
        var index = 0
        for resourceSpans in request.resourceSpans {
            let resource = ResourceContext(resourceSpans.resource, limits: configuration.eventLimits, maxDepth: configuration.limits.maxValueDepth)
            for scopeSpans in resourceSpans.scopeSpans {
                let scope = scopeSpans.scope.name.isEmpty ? nil : scopeSpans.scope.name
                for span in scopeSpans.spans {
                    defer { index += 1 }
                    if let problem = resource.serviceProblem {
                        result.rejected.append(Rejection(index: index, error: problem))
                        continue
                    }
                    var mapping = SpanMapping(mapper: self, span: span, resource: resource, scope: scope, encoding: encoding, receivedAtMicros: receivedAtMicros)
                    switch mapping.map() {
                    case .event(let event): result.events.append(event)
                    case .linked(let linked): result.otherSpans.append(linked)
                    case .rejected(let reason): result.rejected.append(Rejection(index: index, error: reason))
                    }
                }
            }
        }
        return result
    }
}

/// The outcome of one trace export.
public struct OTLPTraceResult: Sendable {
    /// HTTP server spans, as API events.
    public var events: [Event] = []
    /// All other spans, to be stored linked to their traces.
    public var otherSpans: [LinkedSpan] = []
    /// Spans that were neither, with their zero-based position in the export (resource by
    /// resource, scope by scope, span by span) and why.
    public var rejected: [Rejection] = []
    /// Spans in the export.
    public var totalSpans: Int

    public init(events: [Event] = [], otherSpans: [LinkedSpan] = [], rejected: [Rejection] = [], totalSpans: Int) {
        self.events = events
        self.otherSpans = otherSpans
        self.rejected = rejected
        self.totalSpans = totalSpans
    }

    /// The `rejected_spans` of the partial-success answer.
    public var rejectedCount: Int64 { Int64(rejected.count) }

    /// The `error_message` of the partial-success answer: the count and the first reasons.
    public var partialSuccessMessage: String {
        OTLPResponse.summary(rejected, total: totalSpans, noun: "spans", itemNoun: "span")
    }

    /// The `ExportTraceServiceResponse` body to answer with (HTTP 200), in the request's encoding.
    public func responseBody(encoding: OTLPEncoding) -> [UInt8] {
        OTLPResponse.partialSuccess(signal: .traces, rejected: rejectedCount, message: partialSuccessMessage, encoding: encoding)
    }
}
