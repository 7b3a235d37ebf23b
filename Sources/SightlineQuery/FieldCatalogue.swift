/// The type of a field or result column.
public enum ColumnType: String, Sendable, Equatable, CaseIterable {
    case string, int, real, bool
    /// Microseconds since the Unix epoch, UTC (an integer in SQL).
    case datetime
    /// A JSON value extracted from the event document: string, number, bool, array or object.
    case dynamic
}

/// One named field of the event catalogue.
///
/// Invariants: `name` is what users write; `storage` names either a physical column of the
/// `events` table or a JSON path inside `doc`; neither ever comes from user text.
public struct FieldDefinition: Sendable, Equatable {
    /// Where the value lives.
    public enum Storage: Sendable, Equatable {
        /// A column of the `events` table.
        case column(String)
        /// Object keys inside the canonical JSON document (`doc`).
        case json([String])
    }

    /// The wire-format name users write in queries.
    public let name: String
    /// Other accepted spellings (`consumer.id` for `consumer`).
    public let aliases: [String]
    public let type: ColumnType
    public let storage: Storage
    /// Whether an event may lack the value.
    public let isNullable: Bool
    /// One-line meaning, for documentation and autocompletion.
    public let summary: String
}

/// A family of dynamic dotted paths such as `attributes.<key>`.
///
/// Invariant: the JSON path always starts with `jsonPrefix`; user-supplied keys become
/// further path segments that are only ever bound as parameters.
public struct DynamicFieldRoot: Sendable, Equatable {
    /// The prefix users write, without the trailing dot (`request.headers`).
    public let prefix: String
    /// Keys in `doc` the prefix maps to.
    public let jsonPrefix: [String]
    /// Whether `a.b.c` after the prefix addresses nested objects (`true`) or one key (`false`).
    public let nested: Bool
    /// Whether keys are lower-cased (HTTP header names are stored lower-cased).
    public let lowercasesKeys: Bool
    public let summary: String
}

/// The closed set of fields a query can name.
///
/// Invariants: names are unique; lookups are case-sensitive; the catalogue is the only
/// source of SQL identifiers besides generated, validated aliases.
public struct FieldCatalogue: Sendable, Equatable {
    public let fields: [FieldDefinition]
    public let dynamicRoots: [DynamicFieldRoot]
    /// Fields returned when a query has no `project` or `summarize`, in order.
    public let defaultColumns: [String]
    /// The physical column used for time (`from`/`to`, default order) and the tiebreaker.
    let timeColumn: String
    let sequenceColumn: String

    /// The Sightline `events` table.
    public static let events = FieldCatalogue(
        fields: [
            field("id", .string, .column("id"), nullable: false, "Unique event id"),
            field("timestamp", .datetime, .column("ts"), nullable: false, "When the request started (UTC)"),
            field("service", .string, .column("service"), nullable: false, "Service that handled the request"),
            field("environment", .string, .column("environment"), "Deployment environment"),
            field("method", .string, .column("method"), nullable: false, "HTTP method"),
            field("route", .string, .column("route"), "Route template, e.g. /orders/{id}"),
            field("path", .string, .column("path"), nullable: false, "Concrete request path"),
            field("status", .int, .column("status"), nullable: false, "HTTP status code"),
            field("duration_ms", .real, .column("duration_ms"), "Request duration in milliseconds"),
            field("request_size", .int, .column("request_size"), "Request body size in bytes"),
            field("response_size", .int, .column("response_size"), "Response body size in bytes"),
            field("client_ip", .string, .column("client_ip"), "Client IP address"),
            field("consumer", .string, .column("consumer_id"), aliases: ["consumer.id"], "API consumer id"),
            field("user_id", .string, .column("user_id"), "End-user id"),
            field("session_id", .string, .column("session_id"), "Session id"),
            field("trace_id", .string, .column("trace_id"), "Distributed trace id"),
            field("error_type", .string, .column("error_type"), aliases: ["error.type"], "Error class or code"),
            field("level", .string, .column("level"), "Log level: debug, info, warn or error"),
            field("consumer.name", .string, .json(["consumer", "name"]), "API consumer display name"),
            field("consumer.plan", .string, .json(["consumer", "plan"]), "API consumer plan"),
            field("error.message", .string, .json(["error", "message"]), "Error message"),
            field("error.stack", .string, .json(["error", "stack"]), "Error stack trace"),
            field("span_id", .string, .json(["span_id"]), "Trace span id"),
            field("scheme", .string, .json(["scheme"]), "URL scheme (http or https)"),
            field("host", .string, .json(["host"]), "Request host"),
            field("user_agent", .string, .json(["user_agent"]), "User-Agent of the client"),
            field("received_at", .string, .json(["received_at"]), "When Sightline received the event (RFC 3339 text)"),
        ],
        dynamicRoots: [
            DynamicFieldRoot(prefix: "attributes", jsonPrefix: ["attributes"], nested: true, lowercasesKeys: false,
                             summary: "Custom attributes; nested objects with further dots"),
            DynamicFieldRoot(prefix: "request.headers", jsonPrefix: ["request", "headers"], nested: false, lowercasesKeys: true,
                             summary: "Request header (name lower-cased; string or array of strings)"),
            DynamicFieldRoot(prefix: "response.headers", jsonPrefix: ["response", "headers"], nested: false, lowercasesKeys: true,
                             summary: "Response header (name lower-cased; string or array of strings)"),
            DynamicFieldRoot(prefix: "query", jsonPrefix: ["query"], nested: false, lowercasesKeys: false,
                             summary: "Query-string parameter (string or array of strings)"),
        ],
        defaultColumns: ["timestamp", "service", "method", "path", "route", "status", "duration_ms", "consumer", "client_ip", "id"],
        timeColumn: "ts",
        sequenceColumn: "seq"
    )

    private static func field(
        _ name: String, _ type: ColumnType, _ storage: FieldDefinition.Storage, nullable: Bool = true,
        aliases: [String] = [], _ summary: String
    ) -> FieldDefinition {
        FieldDefinition(name: name, aliases: aliases, type: type, storage: storage, isNullable: nullable, summary: summary)
    }

    /// Every name a user may write, for suggestions.
    var allNames: [String] {
        fields.map(\.name) + fields.flatMap(\.aliases) + dynamicRoots.map { $0.prefix + "." }
    }

    func field(named name: String) -> FieldDefinition? {
        fields.first { $0.name == name || $0.aliases.contains(name) }
    }

    /// A dynamic path (`attributes.tenant`) resolved to its JSON keys, or `nil` if no root matches.
    func dynamicPath(named name: String, bracketKeys: [String]) -> (root: DynamicFieldRoot, keys: [String])? {
        for root in dynamicRoots {
            let rest: String
            if name == root.prefix {
                rest = ""
            } else if name.hasPrefix(root.prefix + ".") {
                rest = String(name.dropFirst(root.prefix.count + 1))
            } else {
                continue
            }
            var keys: [String] = []
            if !rest.isEmpty {
                keys = root.nested ? rest.split(separator: ".", omittingEmptySubsequences: false).map(String.init) : [rest]
            }
            keys += bracketKeys
            if keys.isEmpty { return nil }
            if root.lowercasesKeys { keys = keys.map { $0.lowercased() } }
            return (root, root.jsonPrefix + keys)
        }
        return nil
    }
}
