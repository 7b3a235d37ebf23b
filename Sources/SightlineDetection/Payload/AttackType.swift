/// The kinds of attack a ``PayloadClassifier`` recognises in a single request value.
public enum AttackType: String, Sendable, CaseIterable, Codable, Hashable {
    case sqli
    case xss
    case cmdi
    case pathTraversal = "path-traversal"
    case ssrf
    case templateInjection = "template-injection"
    case log4shell
    case nosql

    /// When two types both pass the threshold, the earlier one in this order wins.
    ///
    /// The order puts the most specific evidence first: a `${jndi:` lookup is also a
    /// `${...}` template, a shell command may name `/etc/passwd`, a script tag may carry
    /// a loopback URL.
    static let priority: [AttackType] = [
        .log4shell, .nosql, .templateInjection, .xss, .cmdi, .sqli, .ssrf, .pathTraversal,
    ]
}
