import Foundation
import SightlineDetection

// PayloadEval: k-fold cross-validation of the learned rule weights, evaluation on the
// training CSV and the benign corpus, throughput, and (optionally) emitting the weights.
//
//   swift run -c release PayloadEval                       # CV report + throughput
//   swift run -c release PayloadEval --emit-weights Sources/SightlineDetection/Payload/LearnedRuleWeights.swift
//   swift run -c release PayloadEval --runner-bench 1000000 # lines/s of PayloadRunner
//   swift run -c release PayloadEval --errors 40            # print misclassified examples

struct Sample {
    var value: String
    var label: AttackType?
    var fromCorpus: Bool
    var fired: [(rule: PayloadRule, detail: String)] = []
}

var args = CommandLine.arguments.dropFirst()
var trainPath = ProcessInfo.processInfo.environment["SIGHTLINE_PAYLOAD_TRAIN"] ?? "/work/shared/datasets/http-params/payload_train.csv"
var benignPath = "Tests/SightlineDetectionTests/Data/benign_corpus.txt"
var folds = 5
var emitPath: String? = nil
var runnerBench = 0
var showErrors = 0
var jsonOut: String? = nil
var listRule: String? = nil
var classifyArgs: [String] = []
var probeFiles: [String] = []
var firedOut: String? = nil
var verdictsIO: (String, String)? = nil
while let a = args.popFirst() {
    switch a {
    case "--train": trainPath = args.popFirst()!
    case "--benign": benignPath = args.popFirst()!
    case "--folds": folds = Int(args.popFirst()!)!
    case "--emit-weights": emitPath = args.popFirst()!
    case "--runner-bench": runnerBench = Int(args.popFirst()!)!
    case "--errors": showErrors = Int(args.popFirst()!)!
    case "--json": jsonOut = args.popFirst()!
    case "--list-rule": listRule = args.popFirst()!
    case "--classify": classifyArgs.append(args.popFirst()!)
    case "--probe": probeFiles.append(args.popFirst()!)
    case "--fired": firedOut = args.popFirst()!
    case "--verdicts": verdictsIO = (args.popFirst()!, args.popFirst()!)
    default:
        FileHandle.standardError.write("unknown argument \(a)\n".data(using: .utf8)!)
        exit(2)
    }
}

// MARK: - Loading

func parseCSV(_ text: String) -> [[String]] {
    var rows: [[String]] = []
    var row: [String] = []
    var field = ""
    var inQuotes = false
    var it = text.unicodeScalars.makeIterator()
    var pending: Unicode.Scalar? = nil
    while true {
        guard let c = pending ?? it.next() else { break }
        pending = nil
        if inQuotes {
            if c == "\"" {
                if let n = it.next() {
                    if n == "\"" { field.unicodeScalars.append("\"") } else { inQuotes = false; pending = n }
                } else { inQuotes = false }
            } else { field.unicodeScalars.append(c) }
        } else {
            switch c {
            case "\"": inQuotes = true
            case ",": row.append(field); field = ""
            case "\n": row.append(field); rows.append(row); row = []; field = ""
            case "\r": break
            default: field.unicodeScalars.append(c)
            }
        }
    }
    if !field.isEmpty || !row.isEmpty { row.append(field); rows.append(row) }
    return rows
}

@MainActor func load() -> [Sample] {
    guard let csv = try? String(contentsOfFile: trainPath, encoding: .utf8) else {
        print("cannot read training CSV at \(trainPath); set --train or SIGHTLINE_PAYLOAD_TRAIN")
        exit(1)
    }
    let rows = parseCSV(csv)
    let header = rows[0]
    guard let pi = header.firstIndex(of: "payload"), let ti = header.firstIndex(of: "attack_type") else {
        print("training CSV needs payload and attack_type columns"); exit(1)
    }
    var out: [Sample] = []
    for r in rows.dropFirst() where r.count > max(pi, ti) {
        let t = r[ti]
        out.append(Sample(value: r[pi], label: t == "norm" ? nil : AttackType(rawValue: t), fromCorpus: false))
    }
    guard let benign = try? String(contentsOfFile: benignPath, encoding: .utf8) else {
        print("cannot read benign corpus at \(benignPath) (run from the repository root, or pass --benign PATH)"); exit(1)
    }
    for line in benign.split(separator: "\n", omittingEmptySubsequences: true) {
        out.append(Sample(value: String(line), label: nil, fromCorpus: true))
    }
    return out
}

// MARK: - Learning: per-rule smoothed precision

func fitWeights(_ samples: [Sample], _ idx: some Sequence<Int>) -> [String: Double] {
    var fitter = RuleWeightFitter()
    for i in idx { fitter.add(fired: samples[i].fired.map(\.rule), label: samples[i].label) }
    return fitter.weights
}

// MARK: - Metrics

struct Counts { var tp = 0, fp = 0, fn = 0, tn = 0 }
func f(_ x: Double) -> String { String(format: "%.4f", x) }
func metrics(_ c: Counts) -> (p: Double, r: Double, f1: Double, fpr: Double) {
    let p = c.tp + c.fp == 0 ? 1 : Double(c.tp) / Double(c.tp + c.fp)
    let r = c.tp + c.fn == 0 ? 1 : Double(c.tp) / Double(c.tp + c.fn)
    let f1 = p + r == 0 ? 0 : 2 * p * r / (p + r)
    let fpr = c.fp + c.tn == 0 ? 0 : Double(c.fp) / Double(c.fp + c.tn)
    return (p, r, f1, fpr)
}

var report: [String: Any] = [:]

@MainActor func evaluate(_ name: String, _ samples: [Sample], _ preds: [PayloadVerdict], _ subset: [Int]) {
    print("\n## \(name) (\(subset.count) values)")
    print("| type | support | precision | recall | F1 | FPR |")
    print("|---|---:|---:|---:|---:|---:|")
    var section: [String: Any] = [:]
    for t in AttackType.allCases {
        var c = Counts()
        var support = 0
        for i in subset {
            let truth = samples[i].label == t
            let pred = preds[i].attack && preds[i].type == t
            if truth { support += 1 }
            switch (truth, pred) {
            case (true, true): c.tp += 1
            case (false, true): c.fp += 1
            case (true, false): c.fn += 1
            case (false, false): c.tn += 1
            }
        }
        if support == 0 && c.fp == 0 { continue }
        let m = metrics(c)
        print("| \(t.rawValue) | \(support) | \(f(m.p)) | \(f(m.r)) | \(f(m.f1)) | \(f(m.fpr)) |")
        section[t.rawValue] = ["support": support, "precision": m.p, "recall": m.r, "f1": m.f1, "fpr": m.fpr, "fp": c.fp]
    }
    var c = Counts()
    var typeCorrect = 0, attacks = 0
    for i in subset {
        let truth = samples[i].label != nil
        let pred = preds[i].attack
        switch (truth, pred) {
        case (true, true): c.tp += 1
        case (false, true): c.fp += 1
        case (true, false): c.fn += 1
        case (false, false): c.tn += 1
        }
        if truth { attacks += 1; if preds[i].type == samples[i].label { typeCorrect += 1 } }
    }
    let m = metrics(c)
    print("| **attack vs benign** | \(attacks) | \(f(m.p)) | \(f(m.r)) | \(f(m.f1)) | \(f(m.fpr)) |")
    print("false positives: \(c.fp) of \(c.fp + c.tn) benign; false negatives: \(c.fn) of \(attacks) attacks")
    section["overall"] = ["support": attacks, "precision": m.p, "recall": m.r, "f1": m.f1, "fpr": m.fpr, "fp": c.fp, "fn": c.fn]
    report[name] = section
}

// MARK: - Run

if !classifyArgs.isEmpty {
    for v in classifyArgs {
        let r = PayloadClassifier().classify(v)
        print("\(v.debugDescription) -> attack=\(r.attack) type=\(r.type?.rawValue ?? "nil") score=\(r.score)\n   \(r.reason)")
    }
    exit(0)
}
// --verdicts IN OUT: one value per line in, one type (or "benign") per line out.
if let (inPath, outPath) = verdictsIO {
    let clf = PayloadClassifier()
    guard let text = try? String(contentsOfFile: inPath, encoding: .utf8) else { print("cannot read \(inPath)"); exit(1) }
    var out = ""
    for line in text.split(separator: "\n", omittingEmptySubsequences: false).dropLast(text.hasSuffix("\n") ? 1 : 0) {
        let v = clf.classify(String(line))
        out += (v.attack ? v.type!.rawValue : "benign") + "\n"
    }
    try! out.write(toFile: outPath, atomically: true, encoding: .utf8)
    exit(0)
}
// --probe FILE: lines `type<TAB>value` (expected attack type) or a bare value (expected
// benign); prints every value whose verdict differs, then a count. Hand-written probe sets
// find failure classes without touching the training CSV.
if !probeFiles.isEmpty {
    let clf = PayloadClassifier()
    var total = 0, wrong = 0
    for file in probeFiles {
        guard let text = try? String(contentsOfFile: file, encoding: .utf8) else { print("cannot read \(file)"); exit(1) }
        for line in text.split(separator: "\n", omittingEmptySubsequences: true) where !line.hasPrefix("## ") {
            var expected: AttackType? = nil
            var value = String(line)
            if let tab = line.firstIndex(of: "\t"), let t = AttackType(rawValue: String(line[..<tab])) {
                expected = t
                value = String(line[line.index(after: tab)...])
            }
            total += 1
            let v = clf.classify(value)
            let got = v.attack ? v.type : nil
            if got != expected {
                wrong += 1
                print("[\(expected?.rawValue ?? "benign") -> \(got?.rawValue ?? "benign")] \(value.debugDescription) :: \(v.reason)")
            }
        }
    }
    print("\(wrong) of \(total) probe values misclassified")
    exit(wrong == 0 ? 0 : 3)
}
var samples = load()
let nTrain = samples.filter { !$0.fromCorpus }.count
print("# PayloadEval\n\ntraining CSV: \(nTrain) values from \(trainPath); benign corpus: \(samples.count - nTrain) values from \(benignPath)")
let t0 = Date()
for i in samples.indices { samples[i].fired = PayloadClassifier.firedRules(samples[i].value) }
let detectSeconds = Date().timeIntervalSince(t0)
// --fired PATH: label, origin, fired rule ids and the value per line (TSV), for rule analysis.
if let path = firedOut {
    var out = ""
    for s in samples {
        out += "\(s.label?.rawValue ?? "benign")\t\(s.fromCorpus ? "corpus" : "csv")\t\(s.fired.map(\.rule.rawValue).joined(separator: ","))\t\(s.value.replacingOccurrences(of: "\t", with: " ").replacingOccurrences(of: "\n", with: " "))\n"
    }
    try! out.write(toFile: path, atomically: true, encoding: .utf8)
}

// Stratified, seeded fold assignment.
var rng = UInt64(0x5EED_2024)
@MainActor func nextRandom() -> UInt64 { rng ^= rng << 13; rng ^= rng >> 7; rng ^= rng << 17; return rng }
var foldOf = [Int](repeating: 0, count: samples.count)
var byStratum: [String: [Int]] = [:]
for i in samples.indices { byStratum[(samples[i].label?.rawValue ?? "benign") + (samples[i].fromCorpus ? "/corpus" : ""), default: []].append(i) }
for key in byStratum.keys.sorted() {
    var idx = byStratum[key]!
    for k in stride(from: idx.count - 1, to: 0, by: -1) { idx.swapAt(k, Int(nextRandom() % UInt64(k + 1))) }
    for (pos, i) in idx.enumerated() { foldOf[i] = pos % folds }
}

var cvPreds = [PayloadVerdict](repeating: .benign, count: samples.count)
for k in 0..<folds {
    let trainIdx = samples.indices.filter { foldOf[$0] != k }
    let clf = PayloadClassifier(ruleWeights: fitWeights(samples, trainIdx))
    for i in samples.indices where foldOf[i] == k { cvPreds[i] = clf.verdict(for: samples[i].fired) }
}
let priorClf = PayloadClassifier(ruleWeights: [:])
let priorPreds = samples.map { priorClf.verdict(for: $0.fired) }

let csvIdx = samples.indices.filter { !samples[$0].fromCorpus }
let corpusIdx = samples.indices.filter { samples[$0].fromCorpus }
evaluate("\(folds)-fold CV, training CSV", samples, cvPreds, csvIdx)
evaluate("\(folds)-fold CV, benign corpus", samples, cvPreds, corpusIdx)
evaluate("\(folds)-fold CV, CSV + benign corpus", samples, cvPreds, Array(samples.indices))
evaluate("hand priors only (no learning), CSV + benign corpus", samples, priorPreds, Array(samples.indices))

let allWeights = fitWeights(samples, samples.indices)
if let path = emitPath {
    var s = """
    // Generated by `swift run -c release PayloadEval --emit-weights`. Do not edit by hand.
    // Each weight is a rule's smoothed precision on the labelled training data plus the
    // benign corpus: (hits on its own type + 2 * prior) / (hits on own type + hits on benign + 2).
    // Rules absent here use their hand-set prior (PayloadRule.prior).

    enum LearnedRuleWeights {
        static let weights: [String: Double] = [

    """
    for k in allWeights.keys.sorted() { s += "        \"\(k)\": \(String(format: "%.4f", allWeights[k]!)),\n" }
    s += "    ]\n}\n"
    try! s.write(toFile: path, atomically: true, encoding: .utf8)
    print("\nwrote \(allWeights.count) learned weights to \(path)")
}
print("\n## Learned weights (all data) vs priors")
print("| rule | type | prior | learned |")
print("|---|---|---:|---:|")
for r in PayloadRule.allCases {
    print("| \(r.rawValue) | \(r.type.rawValue) | \(f(r.prior)) | \(allWeights[r.rawValue].map(f) ?? "—") |")
}

if let rule = listRule {
    print("\n## Values firing \(rule)")
    for s in samples where s.fired.contains(where: { $0.rule.rawValue == rule }) {
        print("[\(s.label?.rawValue ?? "benign")\(s.fromCorpus ? "/corpus" : "")] \(s.value.prefix(140).debugDescription)")
    }
}
if showErrors > 0 {
    print("\n## Misclassified (CV)")
    var shown = 0
    for i in samples.indices where shown < showErrors {
        let p = cvPreds[i]
        let truth = samples[i].label
        if (p.attack ? p.type : nil) != truth {
            shown += 1
            print("[\(truth?.rawValue ?? "benign")\(samples[i].fromCorpus ? "/corpus" : "") -> \(p.attack ? p.type!.rawValue : "benign")] \(samples[i].value.prefix(160).debugDescription)  :: \(p.reason)")
        }
    }
}

// MARK: - Throughput

let clf = PayloadClassifier()
let values = samples.map(\.value)
var n = 0
var attacks = 0
let t1 = Date()
repeat {
    for v in values { if clf.classify(v).attack { attacks += 1 }; n += 1 }
} while Date().timeIntervalSince(t1) < 2
let perSecond = Double(n) / Date().timeIntervalSince(t1)
print("\n## Throughput\nclassify(String), one thread: \(Int(perSecond)) values/s over \(n) values (mean length \(values.reduce(0) { $0 + $1.utf8.count } / values.count) bytes); detector pass for CV: \(String(format: "%.2f", detectSeconds)) s")
report["throughput_values_per_s"] = perSecond

if runnerBench > 0 {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("payload_bench_\(runnerBench).txt").path
    if !FileManager.default.fileExists(atPath: path) {
        var buf = ""
        buf.reserveCapacity(runnerBench * 40)
        for k in 0..<runnerBench { buf += values[k % values.count].replacingOccurrences(of: "\n", with: " "); buf += "\n" }
        try! buf.write(toFile: path, atomically: true, encoding: .utf8)
    }
    let input = FileHandle(forReadingAtPath: path)!
    let output = FileHandle(forWritingAtPath: "/dev/null")!
    for workers in [1, ProcessInfo.processInfo.activeProcessorCount] {
        try! input.seek(toOffset: 0)
        let t2 = Date()
        let summary = try! PayloadRunner.run(input: input, mode: .lines, output: output, workers: workers)
        let secs = Date().timeIntervalSince(t2)
        print("PayloadRunner .lines, \(workers) worker(s): \(summary.values) lines in \(String(format: "%.2f", secs)) s = \(Int(Double(summary.values) / secs)) lines/s (\(summary.attacks) attacks)")
        report["runner_lines_per_s_\(workers)"] = Double(summary.values) / secs
    }
}
if let jp = jsonOut {
    let data = try! JSONSerialization.data(withJSONObject: report, options: [.prettyPrinted, .sortedKeys])
    try! data.write(to: URL(fileURLWithPath: jp))
}
