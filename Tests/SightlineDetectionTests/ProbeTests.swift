import Testing
@testable import SightlineDetection

/// Hand-written labelled probes (Data/probe_labelled.tsv, Data/probe_benign.txt) and the
/// failure classes they exposed: type confusion between cmdi and path traversal, `$( )`
/// inside a word, relative parent paths in prose, disguised script schemes, handler-call
/// tails of an attribute injection.
struct ProbeTests {
    static func labelled() -> [(String, AttackType)] {
        lines("Tests/SightlineDetectionTests/Data/probe_labelled.tsv").compactMap { line in
            guard let tab = line.firstIndex(of: "\t"), let t = AttackType(rawValue: String(line[..<tab])) else { return nil }
            return (String(line[line.index(after: tab)...]), t)
        }
    }

    @Test func probeFilesAreLoaded() {
        #expect(Self.labelled().count > 130)
        #expect(lines("Tests/SightlineDetectionTests/Data/probe_benign.txt").count > 30)
    }

    @Test func labelledProbesGetTheirType() {
        var wrong: [String] = []
        for (value, type) in Self.labelled() {
            let v = classifier.classify(value)
            if !v.attack || v.type != type { wrong.append("\(value.debugDescription) expected \(type.rawValue), got \(v.type?.rawValue ?? "benign"): \(v.reason)") }
        }
        #expect(wrong.isEmpty, "\(wrong.joined(separator: "\n"))")
    }

    @Test func benignProbesAreBenign() {
        for value in lines("Tests/SightlineDetectionTests/Data/probe_benign.txt") {
            let v = classifier.classify(value)
            #expect(!v.attack, "\(value.debugDescription): \(v.reason)")
        }
    }

    @Test(arguments: [
        // a file under system32 is a path, not a program: no cmdi/path type confusion
        ("c:\\windows\\system32\\config\\sam", AttackType.pathTraversal, "path.sensitive-file"),
        ("c:\\windows\\system32\\cmd.exe /c dir", .cmdi, "cmdi.binary-path"),
        ("foo$(id)bar", .cmdi, "cmdi.substitution"),
        ("; ping -n 20 localhost", .cmdi, "cmdi.separator-command"),
        ("/../README.md", .pathTraversal, "path.dotdot-single"),
        ("/./", .pathTraversal, "path.redundant-dot-segments"),
        ("file:/c:windows/win.ini", .pathTraversal, "path.sensitive-file"),
        ("file:///d:/backup/db.bak", .pathTraversal, "path.sensitive-file"),
        ("<a href=\"javascript#document.cookie=1\">x</a>", .xss, "xss.script-url"),
        ("<img src=\"vbscript;msgbox(document.cookie)\">", .xss, "xss.script-url"),
        ("confirm(1) autofocus>", .xss, "xss.js-breakout"),
        ("x:expression\\28write(1)\\29", .xss, "xss.style-expression"),
    ])
    func newRuleFires(_ value: String, _ type: AttackType, _ rule: String) {
        let v = classifier.classify(value)
        #expect(v.attack && v.type == type, "\(value.debugDescription): \(v.reason)")
        #expect(v.rules.contains(rule), "\(value.debugDescription): \(v.rules)")
    }

    @Test(arguments: [
        "../assets/logo.png", "[guide](../docs/setup.md)", "import x from '../utils/date'",
        "date night ideas & more", "<a href=\"javascript-guide.html\">guide</a>", "gene expression: high (4%)",
        "f.write(data) > 0", "confirm(order) before shipping", "price (USD) $(10.99)",
    ])
    func hardNegativeIsBenign(_ value: String) {
        let v = classifier.classify(value)
        #expect(!v.attack, "\(value.debugDescription): \(v.reason)")
    }
}
