/// A JSON path that selects values to redact in a captured body.
///
/// The supported subset: `$` (the root), `.name` and `['name']` (a member), `..name` (a member at
/// any depth, recursive descent), `.*` and `[*]` (every member or element), `[3]` (one element).
/// Member names match exactly (case-sensitive, as JSON is).
///
/// ```swift
/// let path = try JSONPath(parsing: userSuppliedText)   // or a literal: "$.items[*].secret"
/// ```
public struct JSONPath: Sendable, Hashable, CustomStringConvertible, ExpressibleByStringLiteral {
    enum Step: Sendable, Hashable {
        case member(String)
        case anyMember
        case index(Int)
        case descendant(String)
        case anyDescendant
    }

    let steps: [Step]
    /// The path as written.
    public let description: String

    /// Parses a path.
    /// - Throws: ``SightlineClientError`` (`.invalidJSONPath`) naming the position of the problem.
    public init(parsing text: String) throws(SightlineClientError) {
        self.description = text
        self.steps = try JSONPath.parse(text)
    }

    /// A path written in code; a malformed literal is a programming error and traps.
    public init(stringLiteral value: String) {
        do {
            try self.init(parsing: value)
        } catch {
            preconditionFailure("\(error)")
        }
    }

    private static func parse(_ text: String) throws(SightlineClientError) -> [Step] {
        let chars = Array(text)
        func fail(_ at: Int, _ why: String) -> SightlineClientError {
            .invalidJSONPath(text, "\(why) at character \(at + 1); write paths like $.password, $.card.number, $..token or $.items[*].secret")
        }
        guard chars.first == "$" else { throw fail(0, "a path starts with '$'") }
        var i = 1
        var steps: [Step] = []
        func readName() -> String {
            var name = ""
            while i < chars.count, chars[i] != ".", chars[i] != "[" {
                name.append(chars[i])
                i += 1
            }
            return name
        }
        while i < chars.count {
            if chars[i] == "." {
                if i + 1 < chars.count, chars[i + 1] == "." {
                    i += 2
                    if i < chars.count, chars[i] == "*" {
                        i += 1
                        steps.append(.anyDescendant)
                        continue
                    }
                    let name = readName()
                    guard !name.isEmpty else { throw fail(i, "expected a member name after '..'") }
                    steps.append(.descendant(name))
                } else {
                    i += 1
                    if i < chars.count, chars[i] == "*" {
                        i += 1
                        steps.append(.anyMember)
                        continue
                    }
                    let name = readName()
                    guard !name.isEmpty else { throw fail(i, "expected a member name after '.'") }
                    steps.append(.member(name))
                }
            } else if chars[i] == "[" {
                guard let close = chars[i...].firstIndex(of: "]") else { throw fail(i, "missing ']'") }
                let inner = String(chars[(i + 1)..<close])
                if inner == "*" {
                    steps.append(.anyMember)
                } else if let n = Int(inner), n >= 0 {
                    steps.append(.index(n))
                } else if inner.count >= 2, let q = inner.first, q == "'" || q == "\"", inner.last == q {
                    steps.append(.member(String(inner.dropFirst().dropLast())))
                } else {
                    throw fail(i, "expected [*], [number] or ['name']")
                }
                i = close + 1
            } else {
                throw fail(i, "expected '.' or '['")
            }
        }
        return steps
    }

    /// Replaces every value this path selects with `replacement`; returns how many were replaced.
    @discardableResult
    func redact(_ value: inout JSONValue, with replacement: JSONValue) -> Int {
        if steps.isEmpty {
            value = replacement
            return 1
        }
        return JSONPath.apply(steps[...], to: &value, replacement)
    }

    private static func apply(_ steps: ArraySlice<Step>, to value: inout JSONValue, _ replacement: JSONValue) -> Int {
        guard let step = steps.first else {
            value = replacement
            return 1
        }
        let rest = steps.dropFirst()
        var count = 0
        switch step {
        case .member(let name):
            guard case .object(var members) = value else { return 0 }
            for i in members.indices where members[i].key == name {
                count += apply(rest, to: &members[i].value, replacement)
            }
            value = .object(members)
        case .anyMember:
            switch value {
            case .object(var members):
                for i in members.indices { count += apply(rest, to: &members[i].value, replacement) }
                value = .object(members)
            case .array(var items):
                for i in items.indices { count += apply(rest, to: &items[i], replacement) }
                value = .array(items)
            default: return 0
            }
        case .index(let n):
            guard case .array(var items) = value, n < items.count else { return 0 }
            count += apply(rest, to: &items[n], replacement)
            value = .array(items)
        case .descendant(let name):
            // Every member named `name` at any depth below here, then the rest of the path.
            switch value {
            case .object(var members):
                for i in members.indices {
                    if members[i].key == name {
                        count += apply(rest, to: &members[i].value, replacement)
                    } else {
                        count += apply(steps, to: &members[i].value, replacement)
                    }
                }
                value = .object(members)
            case .array(var items):
                for i in items.indices { count += apply(steps, to: &items[i], replacement) }
                value = .array(items)
            default: return 0
            }
        case .anyDescendant:
            switch value {
            case .object(var members):
                for i in members.indices {
                    count += apply(rest, to: &members[i].value, replacement)
                    if case .object = members[i].value { count += apply(steps, to: &members[i].value, replacement) }
                    if case .array = members[i].value { count += apply(steps, to: &members[i].value, replacement) }
                }
                value = .object(members)
            case .array(var items):
                for i in items.indices {
                    count += apply(rest, to: &items[i], replacement)
                    if case .object = items[i] { count += apply(steps, to: &items[i], replacement) }
                    if case .array = items[i] { count += apply(steps, to: &items[i], replacement) }
                }
                value = .array(items)
            default: return 0
            }
        }
        return count
    }
}
