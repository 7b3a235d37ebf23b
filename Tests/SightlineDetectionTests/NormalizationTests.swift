import Testing
@testable import SightlineDetection

struct NormalizationTests {
    @Test(arguments: [
        ("%3Cscript%3E", "<script>"),
        ("%253Cscript%253E", "<script>"),          // double encoding
        ("%u003Cb%u003E", "<b>"),
        ("a+b", "a b"),
        ("&lt;b&gt;", "<b>"),
        ("&#60;&#x3C;&#X3c;&#0000060", "<<<<"),
        ("&quot;x&apos;", "\"x'"),
        ("\\u003cimg\\u003e", "<img>"),
        ("\\x3cimg\\x3e", "<img>"),
        ("\\u{3c}a", "<a"),
        ("ＳＥＬＥＣＴ", "select"),                  // full-width
        ("＜script＞", "<script>"),
        ("UnIoN SeLeCt", "union select"),
        ("a\u{0}b", "ab"),                           // NUL removed
        ("a%00b", "ab"),
        ("%c0%ae%c0%ae/", "../"),                    // overlong UTF-8
        ("a\u{200B}b", "ab"),                        // zero width
        ("it\u{2019}s", "it's"),
        ("a\tb\nc", "a\tb\nc"),                      // whitespace kept for the lexers
        ("+ADw-script+AD4-", "<script>"),            // UTF-7
        ("100%", "100%"),                            // lone percent stays
        ("AT&T", "at&t"),                            // not an entity
    ])
    func normalises(_ input: String, _ expected: String) {
        #expect(normalized(input) == expected)
    }

    @Test func reportsDecodeRoundsAndNulls() {
        let v = PayloadNormalizer.normalize(Array("%2527".utf8))
        #expect(v.decodeRounds == 2)
        #expect(String(decoding: v.bytes, as: UTF8.self) == "'")
        #expect(PayloadNormalizer.normalize(Array("a%00".utf8)).hadNullByte)
    }

    @Test func capsInputLength() {
        let v = PayloadNormalizer.normalize([UInt8](repeating: 0x61, count: 100_000))
        #expect(v.truncated)
        #expect(v.bytes.count == PayloadNormalizer.maxInputBytes)
    }

    @Test func sqlLexerFingerprints() {
        let b = Array("1' or 1=1--".utf8)
        let r = SQLLexer.lex(b, from: 2)
        #expect(SQLLexer.fingerprint(r.tokens[...]) == "&n=nc")
        let u = SQLLexer.lex(Array("1/**/union/**/select 1,'a'".utf8), from: 0)
        #expect(SQLLexer.fingerprint(u.tokens[...]) == "nUEn,s")
        #expect(u.sawInlineComment)
        let v = SQLLexer.lex(Array("/*!50000select*/ sleep(5)".utf8), from: 0)
        #expect(v.sawVersionComment)
        #expect(SQLLexer.fingerprint(v.tokens[...]) == "Ef(n)")
    }

    @Test func htmlScannerParsesSlashSeparatedAttributes() {
        let tags = HTMLScanner.tags(in: Array("<svg/onload=alert(1)>".utf8))
        #expect(tags.count == 1)
        #expect(tags.first.map { String(decoding: $0.name, as: UTF8.self) } == "svg")
        #expect(tags.first?.attributes.first.map { String(decoding: $0.name, as: UTF8.self) } == "onload")
    }

    @Test func ipv4TrickParsing() {
        #expect(SSRFDetector.parseIPv4(Array("2130706433".utf8)[...])?.0 == 0x7F00_0001)
        #expect(SSRFDetector.parseIPv4(Array("0x7f.1".utf8)[...])?.0 == 0x7F00_0001)
        #expect(SSRFDetector.parseIPv4(Array("0177.0.0.1".utf8)[...])?.0 == 0x7F00_0001)
        #expect(SSRFDetector.parseIPv4(Array("127.0.0.1".utf8)[...])?.1 == false)
        #expect(SSRFDetector.parseIPv4(Array("example".utf8)[...]) == nil)
    }
}
