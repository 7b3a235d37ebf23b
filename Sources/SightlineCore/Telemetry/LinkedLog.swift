/// An OpenTelemetry log record, stored linked to its trace and span when it carries their ids.
///
/// Invariants: `traceID` is 32 and `spanID` 16 lower-case hex digits when present;
/// `severityNumber` is 0...24; `attributes` is a minified, valid JSON object; `id`, once set (by
/// the ingestor, before the write-ahead log), never changes, so a replay stores the record once.
public struct LinkedLog: Sendable, Equatable {
    /// Sightline's id (the same scheme as event ids), set when the record is accepted.
    public var id: String?
    /// When the event happened (`time_unix_nano`; else `observed_time_unix_nano`; else the
    /// receive time), in µs since the epoch.
    public var timestampMicros: Int64
    /// When the collecting SDK or agent saw it (`observed_time_unix_nano`), when given.
    public var observedMicros: Int64?
    /// `severity_text` as sent, e.g. `INFO`.
    public var severityText: String?
    /// `severity_number`, 1...24 (0 when unspecified or unknown).
    public var severityNumber: Int
    /// The body: a string body as it is, any other value as JSON text.
    public var body: String?
    public var traceID: String?
    public var spanID: String?
    /// `event_name`, for log records that are events.
    public var eventName: String?
    /// Resource `service.name` (`unknown_service` when absent).
    public var service: String
    public var environment: String?
    /// The instrumentation scope (logger) name, when given.
    public var scope: String?
    /// Record attributes, then resource attributes (without `service.name` and the environment).
    public var attributes: RawJSON?
    /// When Sightline received the export, µs since the epoch.
    public var receivedAtMicros: Int64

    public init(
        id: String? = nil, timestampMicros: Int64, observedMicros: Int64? = nil, severityText: String? = nil, severityNumber: Int = 0,
        body: String? = nil, traceID: String? = nil, spanID: String? = nil, eventName: String? = nil,
        service: String, environment: String? = nil, scope: String? = nil, attributes: RawJSON? = nil,
        receivedAtMicros: Int64
    ) {
        self.id = id
        self.timestampMicros = timestampMicros
        self.observedMicros = observedMicros
        self.severityText = severityText
        self.severityNumber = severityNumber
        self.body = body
        self.traceID = traceID
        self.spanID = spanID
        self.eventName = eventName
        self.service = service
        self.environment = environment
        self.scope = scope
        self.attributes = attributes
        self.receivedAtMicros = receivedAtMicros
    }

    /// Sightline's level for the severity: 1–8 debug, 9–12 info, 13–16 warn, 17–24 error; for an
    /// unspecified number, the severity text (`warning`, `fatal`, … as in the event format).
    public var level: Level? {
        switch severityNumber {
        case 1...8: return .debug
        case 9...12: return .info
        case 13...16: return .warn
        case 17...24: return .error
        default:
            switch severityText?.lowercased() {
            case "trace", "debug": return .debug
            case "info", "information", "notice": return .info
            case "warn", "warning": return .warn
            case "error", "err", "fatal", "critical", "alert", "emergency": return .error
            default: return nil
            }
        }
    }
}
