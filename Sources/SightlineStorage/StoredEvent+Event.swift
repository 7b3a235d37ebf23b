import SightlineCore

extension StoredEvent {
    /// The store row of an event whose canonical JSON is `document`.
    public init(_ event: Event, seq: UInt64, document: [UInt8]) {
        self.init(
            seq: seq,
            id: event.id ?? "",
            timestampMicros: event.timestampMicros,
            service: event.service,
            environment: event.environment,
            method: event.method,
            route: event.route,
            path: event.path,
            status: event.status,
            durationMs: event.durationMs,
            requestSize: event.requestSize,
            responseSize: event.responseSize,
            clientIP: event.clientIP,
            consumerID: event.consumer?.id,
            userID: event.userID,
            sessionID: event.sessionID,
            traceID: event.traceID,
            errorType: event.error?.type,
            level: event.effectiveLevel.rawValue,
            document: document
        )
    }
}
