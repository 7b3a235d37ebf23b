/// OS command injection: a shell separator or substitution followed by a plausible
/// command, `${IFS}` evasion, absolute paths to system binaries, whole-value command lines,
/// code-level exec calls and SSI exec directives.
///
/// The shell lexer splits the value into segments at `;`, `|`, `||`, `&`, `&&` and
/// newlines, and finds backtick / `$( )` substitutions. Commands come in two strengths:
/// strong names are rarely prose (`whoami`, `uname`, `/bin/sh`, `wget`), weak ones are
/// English words (`id`, `cat`, `ping`, `sleep`) and only count with shell-shaped arguments
/// (flags, paths, addresses, numbers) or none at all.
enum CommandInjectionDetector {
    enum Strength { case strong, weak }

    static let commands: WordTable<Strength> = {
        var e: [(String, Strength)] = []
        for w in ["whoami", "uname", "ifconfig", "ipconfig", "netstat", "nslookup", "wget", "curl", "nc", "ncat",
                  "netcat", "bash", "sh", "zsh", "ksh", "csh", "tcsh", "dash", "cmd", "cmd.exe", "powershell",
                  "powershell.exe", "pwsh", "chmod", "chown", "telnet", "nmap", "python", "python2", "python3",
                  "perl", "ruby", "php", "busybox", "base64", "xterm", "systeminfo", "tasklist", "taskkill",
                  "certutil", "bitsadmin", "mshta", "rundll32", "regsvr32", "wmic", "crontab", "useradd", "sudo",
                  "printenv", "hostname", "uptime", "ping.exe", "net.exe", "ipconfig.exe", "whoami.exe",
                  "nc.exe", "sleep.exe", "dig", "traceroute", "tracert", "lsb_release", "getent", "killall",
                  "pkill", "reboot", "mkfifo", "socat", "tftp", "ftp", "scp", "ssh", "rm", "wget.exe", "curl.exe",
                  "uname.exe", "xxd", "od", "awk", "sed", "tee", "nohup", "timeout", "passwd", "shutdown"] {
            e.append((w, .strong))
        }
        for w in ["id", "ls", "dir", "cat", "type", "echo", "ping", "sleep", "true", "false", "pwd", "date",
                  "time", "who", "w", "env", "set", "ps", "kill", "more", "less", "head", "tail", "find", "grep",
                  "cp", "mv", "touch", "mkdir", "rmdir", "wc", "sort", "uniq", "which", "whereis", "net", "ver",
                  "vol", "find", "cd", "chdir", "del", "copy", "move", "start", "call", "exit", "uptime", "last",
                  "file", "stat", "du", "df", "free", "top", "mount", "arp", "route", "expr", "eval", "exec",
                  "system", "nl", "tac", "rev"] {
            e.append((w, .weak))
        }
        return WordTable(e)
    }()

    static let binaryDirs: [StaticString] = [
        "/bin/", "/usr/bin/", "/sbin/", "/usr/sbin/", "/usr/local/bin/", "c:\\windows\\system32\\",
        "c:/windows/system32/", "%systemroot%", "/dev/tcp/", "/dev/udp/",
    ]

    static func detect(_ v: NormalizedValue, into evidence: inout [Evidence]) {
        var b = v.bytes
        var found: [PayloadRule: String] = [:]
        func add(_ rule: PayloadRule, _ detail: String) { if found[rule] == nil { found[rule] = detail } }

        if b.contains(UInt8(ascii: "$")), ASCII.contains(b, "${ifs") || ASCII.contains(b, "$ifs") {
            add(.cmdIFS, "${IFS} used as whitespace")
            b = replaceIFS(b)
        }
        if ASCII.contains(b, "<!--#exec") { add(.cmdSSI, "<!--#exec directive") }
        if isShellshock(b) { add(.cmdShellshock, "value starts with a bash function definition") }
        if ASCII.contains(b, "<!--#include") { add(.cmdSSI, "<!--#include directive") }
        codeExec(b, add: add)

        for dir in binaryDirs {
            var from = 0
            while let i = ASCII.firstIndex(of: dir, in: b, from: from) {
                from = i + 1
                // the path must start a word and be followed by a binary name
                if i > 0, ASCII.isWordByte(b[i - 1]) || b[i - 1] == UInt8(ascii: ".") { continue }
                let after = i + dir.utf8CodeUnitCount
                // a binary sits directly in the directory (`/bin/sh`, `system32\cmd.exe`);
                // `system32\config\sam` or `/usr/bin/../x` is a file path, not a program
                var end = after
                while end < b.count, ASCII.isWordByte(b[end]) || b[end] == UInt8(ascii: ".") || b[end] == UInt8(ascii: "-") { end += 1 }
                let nested = end < b.count && (b[end] == UInt8(ascii: "/") || b[end] == UInt8(ascii: "\\")) && !dir.description.hasPrefix("/dev/")
                if after < b.count, ASCII.isWordByte(b[after]), !nested {
                    add(.cmdBinaryPath, "absolute path to a system binary")
                    break
                }
            }
        }

        // Segments split at shell separators.
        let segs = segments(b)
        let plainWordSegments = segs.filter { seg in
            seg.words.count == 1 && commands.lookup(seg.words[0]) == nil && seg.words[0].count >= 3
                && seg.words[0].allSatisfy(ASCII.isLetter)
        }.count
        for (idx, seg) in segs.enumerated() {
            guard let first = seg.words.first else { continue }
            let cmd = commandName(first)
            guard let strength = cmd.flatMap({ commands.lookup($0) }) ?? (isBinaryPath(first) ? .strong : nil) else { continue }
            let args = seg.words.dropFirst()
            // Windows administration sub-commands make "net"/"reg"/"sc" unambiguous.
            let adminSubcommand = cmd.map { c in
                (c.elementsEqual("net".utf8) || c.elementsEqual("reg".utf8) || c.elementsEqual("sc".utf8))
                    && args.first.map { a in ["user", "localgroup", "view", "share", "group", "accounts", "use", "query", "add", "session"].contains { a.elementsEqual($0.utf8) } } ?? false
            } ?? false
            let argsShellish = adminSubcommand || args.allSatisfy(isShellArgument)
            let hasShellArg = args.contains(where: isStrongShellArgument)
            let name = cmd.flatMap { commands.lookup($0) != nil ? String(decoding: $0, as: UTF8.self) : nil } ?? "binary"
            if let sep = seg.separator {
                if sep == "`" || sep == "$(" {
                    if strength == .strong || argsShellish, substitutionStandsAlone(seg, b) {
                        add(.cmdSubstitution, "\(sep == "`" ? "backtick" : "$( )") substitution running \(name)")
                    }
                    continue
                }
                if let c = cmd, c.elementsEqual("true".utf8) || c.elementsEqual("false".utf8) { continue }
                switch strength {
                case .strong:
                    if argsShellish || args.count <= 1 || (args.first.map(isStrongShellArgument) ?? false) {
                        add(.cmdSeparatorCommand, "'\(sep)' then \(name)")
                    }
                case .weak:
                    // weak commands need shell-shaped arguments (or none), and the value must
                    // not be a list of plain words (name;id;email).
                    // A bare weak command after prose ("date night ideas & more") is English.
                    let afterProse = args.isEmpty && idx > 0 && isProse(segs[idx - 1])
                    // (a strong argument such as /etc/passwd or -la outweighs a word list)
                    if argsShellish, plainWordSegments == 0 || hasShellArg, !afterProse {
                        add(.cmdSeparatorCommand, "'\(sep)' then \(name)")
                    }
                }
            } else if idx == 0 {
                // whole value is a command line: ping -n 3 127.0.0.1, cat /etc/passwd
                if hasShellArg, argsShellish, seg.words.count <= 8 {
                    add(.cmdLeadingCommand, "command line \(name) with shell arguments")
                } else if strength == .strong, args.isEmpty, segs.count > 1 {
                    add(.cmdLeadingCommand, "command \(name) before a separator")
                } else if args.isEmpty, segs.count == 2, segs[1].words.isEmpty, segs[1].separator == ";" || segs[1].separator == "|" {
                    add(.cmdLeadingCommand, "command \(name) then a terminator")
                }
            }
        }
        if found[.cmdSubstitution] == nil, let name = closedSubstitution(b) {
            add(.cmdSubstitution, "$( ) substitution running \(name)")
        }
        for (rule, detail) in found { evidence.append(Evidence(rule, detail)) }
    }

    /// `() {` at the start of the value (spaces allowed): bash imports such a value from the
    /// environment as a function and runs what follows it (CVE-2014-6271 and its variants).
    static func isShellshock(_ b: [UInt8]) -> Bool {
        var k = 0
        for expected in [UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: "{")] {
            while k < b.count, ASCII.isSpace(b[k]) { k += 1 }
            guard k < b.count, b[k] == expected else { return false }
            k += 1
        }
        return true
    }

    /// `$(cmd args)` closed by `)`, wherever it sits (`foo$(id)bar`): `$(` is shell-only
    /// syntax, so the command inside counts like one after a separator.
    static func closedSubstitution(_ b: [UInt8]) -> String? {
        var from = 0
        while let i = ASCII.firstIndex(of: "$(", in: b, from: from) {
            from = i + 2
            guard let close = b[(i + 2)...].firstIndex(of: UInt8(ascii: ")")), close - i < 200 else { return nil }
            let inner = b[(i + 2)..<close]
            if inner.contains(UInt8(ascii: "(")) { continue }
            let words = inner.split(whereSeparator: ASCII.isSpace)
            guard let first = words.first, let cmd = commandName(first), let strength = commands.lookup(cmd) else { continue }
            let args = words.dropFirst()
            if strength == .strong || args.allSatisfy(isShellArgument) {
                return String(decoding: cmd, as: UTF8.self)
            }
        }
        return nil
    }

    struct Segment {
        var separator: String?
        var words: [ArraySlice<UInt8>]
        var start: Int
        var end: Int
    }

    /// Shell-ish segmentation. Quotes are dropped (a'b' == ab to a shell); `+` was already
    /// turned into a space by URL decoding.
    static func segments(_ b: [UInt8]) -> [Segment] {
        var segs: [Segment] = []
        var cur = Segment(separator: nil, words: [], start: 0, end: 0)
        var i = 0
        let n = b.count
        var wordStart = -1
        func endWord(_ e: Int) {
            if wordStart >= 0, e > wordStart {
                var s = wordStart
                var en = e
                while s < en, b[s] == UInt8(ascii: "'") || b[s] == UInt8(ascii: "\"") || b[s] == UInt8(ascii: "(") || b[s] == UInt8(ascii: ")") { s += 1 }
                while en > s, b[en - 1] == UInt8(ascii: "'") || b[en - 1] == UInt8(ascii: "\"") || b[en - 1] == UInt8(ascii: ")") || b[en - 1] == UInt8(ascii: "(") { en -= 1 }
                if en > s { cur.words.append(b[s..<en]) }
            }
            wordStart = -1
        }
        func startSegment(_ sep: String, at pos: Int) {
            cur.end = pos
            segs.append(cur)
            cur = Segment(separator: sep, words: [], start: pos, end: pos)
        }
        while i < n, segs.count < 64 {
            let c = b[i]
            switch c {
            case UInt8(ascii: ";"), 0x0A, 0x0D:
                endWord(i); startSegment(c == UInt8(ascii: ";") ? ";" : "newline", at: i); i += 1
            case UInt8(ascii: "|"), UInt8(ascii: "&"):
                endWord(i)
                if i + 1 < n, b[i + 1] == c {
                    startSegment(c == UInt8(ascii: "|") ? "||" : "&&", at: i); i += 2
                } else {
                    startSegment(c == UInt8(ascii: "|") ? "|" : "&", at: i); i += 1
                }
            case UInt8(ascii: "`"):
                endWord(i); startSegment("`", at: i); i += 1
            case UInt8(ascii: "$") where i + 1 < n && b[i + 1] == UInt8(ascii: "("):
                endWord(i); startSegment("$(", at: i); i += 2
            default:
                if ASCII.isSpace(c) { endWord(i) } else if wordStart < 0 { wordStart = i }
                i += 1
            }
        }
        endWord(min(i, n))
        cur.end = n
        segs.append(cur)
        return segs
    }

    /// `$( )`/backtick substitution that is not inline code in prose: what precedes the
    /// opening tick is start/operator/quote/=, what follows the closing one is not a word.
    static func substitutionStandsAlone(_ seg: Segment, _ b: [UInt8]) -> Bool {
        var p = seg.start - 1
        while p >= 0, ASCII.isSpace(b[p]) { p -= 1 }
        if p >= 0, ASCII.isLetter(b[p]) { return false }
        var q = seg.end + 1
        while q < b.count, ASCII.isSpace(b[q]) { q += 1 }
        if q < b.count, ASCII.isLetter(b[q]) { return false }
        return true
    }

    /// A segment of two or more words that is not a command line (a strong command, or a
    /// command with shell-shaped arguments) nor a list of shell arguments: a phrase.
    static func isProse(_ seg: Segment) -> Bool {
        guard seg.words.count >= 2 else { return false }
        if let c = commandName(seg.words[0]), let strength = commands.lookup(c),
           strength == .strong || seg.words.dropFirst().allSatisfy(isShellArgument) { return false }
        return !seg.words.allSatisfy(isShellArgument)
    }

    /// Command name of a word: basename of a path, without ".exe".
    static func commandName(_ w: ArraySlice<UInt8>) -> ArraySlice<UInt8>? {
        var s = w.startIndex
        if let slash = w.lastIndex(where: { $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: "\\") }) {
            // only absolute-ish paths (/usr/bin/id, usr/bin/id, c:\..\cmd.exe)
            guard isBinaryPath(w) else { return nil }
            s = slash + 1
        }
        let name = w[s...]
        return name.isEmpty ? nil : name
    }

    static func isBinaryPath(_ w: ArraySlice<UInt8>) -> Bool {
        let a = Array(w)
        for d in ["/bin/", "/usr/bin/", "/sbin/", "/usr/sbin/", "/usr/local/bin/", "usr/bin/", "bin/", "c:\\windows\\system32\\", "c:/windows/system32/"] {
            if a.starts(with: d.utf8) { return a.count > d.utf8.count }
        }
        return false
    }

    /// Arguments a command line would have: flags, paths, numbers, addresses, drive letters,
    /// redirections; not prose words.
    static func isShellArgument(_ w: ArraySlice<UInt8>) -> Bool {
        if isStrongShellArgument(w) { return true }
        if w.count <= 2 { return true }  // "a", "c:"
        if w.allSatisfy({ ASCII.isDigit($0) || $0 == UInt8(ascii: ".") }) { return true }  // 30, 1.5
        if isHostOrFileName(w) { return true }
        if w.elementsEqual("localhost".utf8) { return true }
        return false
    }

    static func isStrongShellArgument(_ w: ArraySlice<UInt8>) -> Bool {
        guard let f = w.first else { return false }
        if f == UInt8(ascii: "-") && w.count >= 2 && w.count <= 12 && ASCII.isAlnum(w[w.startIndex + 1]) { return true }  // -n, -la
        if f == UInt8(ascii: "/") && w.count >= 2 { return true }  // /etc/passwd
        if f == UInt8(ascii: ">") || f == UInt8(ascii: "<") { return true }
        if w.allSatisfy({ ASCII.isDigit($0) || $0 == UInt8(ascii: ".") }), w.filter({ $0 == UInt8(ascii: ".") }).count == 3 { return true }  // 127.0.0.1
        if ASCII.contains(Array(w), "://") { return true }  // http://host/x.sh
        if w.count >= 2, ASCII.isLetter(f), w[w.startIndex + 1] == UInt8(ascii: ":") { return true }  // c:, c:/
        if f == UInt8(ascii: "$") { return true }
        if w.starts(with: "%".utf8) { return true }
        return false
    }

    /// Host names and file names (attacker.example, x.sh): shell-shaped for weak commands.
    static func isHostOrFileName(_ w: ArraySlice<UInt8>) -> Bool {
        guard w.count >= 3, w.contains(UInt8(ascii: ".")), let f = w.first, ASCII.isAlnum(f), let l = w.last, ASCII.isAlnum(l) else { return false }
        return w.allSatisfy { ASCII.isAlnum($0) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_") }
    }


    static func replaceIFS(_ b: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        var i = 0
        while i < b.count {
            if ASCII.hasPrefix(b, "${ifs}", at: i) { out.append(0x20); i += 6; continue }
            if ASCII.hasPrefix(b, "$ifs", at: i) {
                out.append(0x20); i += 4
                if i + 1 < b.count, b[i] == UInt8(ascii: "$"), ASCII.isDigit(b[i + 1]) { i += 2 }
                continue
            }
            out.append(b[i]); i += 1
        }
        return out
    }

    static let execCalls: [StaticString] = [
        "system(", "exec(", "passthru(", "shell_exec(", "popen(", "proc_open(", "pcntl_exec(", "os.system(",
        "os.popen(", "subprocess.", "runtime.getruntime(", "child_process", "processbuilder(", "require('child_process",
    ]

    /// Code-level process execution with a string argument: ;system('id').
    static func codeExec(_ b: [UInt8], add: (PayloadRule, String) -> Void) {
        guard b.contains(UInt8(ascii: "(")) || b.contains(UInt8(ascii: ".")) else { return }
        for call in execCalls {
            guard let i = ASCII.firstIndex(of: call, in: b, from: 0) else { continue }
            if i > 0, ASCII.isWordByte(b[i - 1]) { continue }
            let after = i + call.utf8CodeUnitCount
            var k = after
            while k < b.count, ASCII.isSpace(b[k]) { k += 1 }
            if k < b.count, b[k] == UInt8(ascii: "'") || b[k] == UInt8(ascii: "\"") || b[k] == UInt8(ascii: "`") || b[k] == UInt8(ascii: "$") || call.utf8CodeUnitCount > 12 {
                add(.cmdCodeExec, "process-execution call with a string argument")
                return
            }
        }
    }
}
