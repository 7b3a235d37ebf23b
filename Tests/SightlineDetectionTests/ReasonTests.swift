import Testing
@testable import SightlineDetection

struct ReasonTests {
    @Test(arguments: [
        ("' OR 1=1--", "sql.breakout-boolean"),
        ("1 UNION SELECT 1,2", "sql."),
        ("1 AND SLEEP(5)", "sql."),
        ("<svg onload=alert(1)>", "xss.event-handler"),
        ("<script>alert(1)</script>", "xss.script-tag"),
        ("; whoami", "cmdi.separator-command"),
        ("x;cat${IFS}/etc/passwd", "cmdi."),
        ("../../../etc/passwd", "path.dotdot"),
        ("http://169.254.169.254/", "ssrf.metadata-host"),
        ("{{7*7}}", "template.expression"),
        ("${${lower:j}ndi:ldap://x/a}", "log4shell.jndi"),
        ("{\"$ne\": null}", "nosql.operator-key"),
    ])
    func reasonNamesTheRule(_ value: String, _ rule: String) {
        let v = classifier.classify(value)
        #expect(v.reason.contains("[\(rule)") || v.reason.contains(rule), "reason: \(v.reason)")
        #expect(v.reason.hasPrefix(v.type!.rawValue + ":"))
        #expect(v.rules.contains { $0.hasPrefix(rule) })
    }

    @Test func sqlReasonCarriesFingerprint() {
        let v = classifier.classify("1' or 1=1--")
        #expect(v.reason.contains("fingerprint s&n=nc"), "reason: \(v.reason)")
        #expect(v.reason.contains("OR/AND"))
    }

    @Test func reasonNeverQuotesTheValue() {
        let secret = "s3cr3t-t0k3n"
        let v = classifier.classify("' or password='\(secret)'--")
        #expect(v.attack)
        #expect(!v.reason.contains(secret))
        let x = classifier.classify("<\(secret) onclick=\"x\">")
        #expect(x.attack)
        #expect(!x.reason.contains(secret))
    }

    @Test func log4shellReasonMentionsObfuscation() {
        let v = classifier.classify("${${::-j}${::-n}${::-d}${::-i}:ldap://x/a}")
        #expect(v.reason.contains("obfuscating"), "reason: \(v.reason)")
        #expect(v.reason.contains("ldap"))
    }

    @Test func benignVerdictSaysSo() {
        let v = classifier.classify("hello world")
        #expect(v == .benign)
        #expect(v.reason.hasPrefix("benign"))
    }

    @Test func doubleEncodingIsMentioned() {
        let v = classifier.classify("%253Cscript%253Ealert(1)")
        #expect(v.attack)
        #expect(v.reason.contains("decoding rounds"), "reason: \(v.reason)")
    }
}
