import Foundation
@testable import SightlineDetection

let classifier = PayloadClassifier()

/// Package root, found from this file's path (Tests/SightlineDetectionTests/Support.swift).
let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

func normalized(_ s: String) -> String {
    String(decoding: PayloadNormalizer.normalize(Array(s.utf8)).bytes, as: UTF8.self)
}

func lines(_ relativePath: String) -> [String] {
    let text = (try? String(contentsOf: packageRoot.appendingPathComponent(relativePath), encoding: .utf8)) ?? ""
    return text.split(separator: "\n").map(String.init).filter { !$0.hasPrefix("##") }
}
