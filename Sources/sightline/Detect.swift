import ArgumentParser
import Foundation
import SightlineDetection

/// `sightline detect …`: security detection from the command line.
struct Detect: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Security detection tools.",
        subcommands: [Payloads.self]
    )

    /// `sightline detect payloads [FILE|-] [--input lines|jsonl]`.
    struct Payloads: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Classify request values as attacks (SQL injection, XSS, command injection, path traversal, SSRF, …) or benign.",
            discussion: """
            Reads one value per line (or JSON lines {"value": "..."}) and writes one JSON line per input, in
            input order: {"attack": true|false, "type": "sqli"|"xss"|...|null, "score": 0..1, "reason": "..."}.
            The method and its measured precision and recall are in docs/DETECTION.md.
            """
        )

        @Argument(help: "Input file; '-' or nothing reads standard input.")
        var file: String = "-"

        @Option(help: "Input: 'lines' (one raw value per line) or 'jsonl' ({\"value\": \"...\"} per line).")
        var input: PayloadRunner.Mode = .lines

        func run() throws {
            let handle: FileHandle
            if file == "-" {
                handle = FileHandle.standardInput
            } else {
                guard let opened = FileHandle(forReadingAtPath: file) else {
                    throw ValidationError("cannot read \(file): check the path and its permissions")
                }
                handle = opened
            }
            try PayloadRunner.run(input: handle, mode: input, output: FileHandle.standardOutput)
        }
    }
}

extension PayloadRunner.Mode: ExpressibleByArgument {}
