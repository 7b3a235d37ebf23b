#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import SwiftProtobuf

/// Reads a whole export request with swift-protobuf.
///
/// Invariants: unknown fields are skipped in both encodings (OTLP receivers must accept newer
/// senders); a body that cannot be read throws ``OTLPError`` with code `invalidBody` and a message
/// that names the message type and the decoder's complaint, never the body's content.
enum RequestDecoding {
    static func decode<M: SwiftProtobuf.Message>(
        _: M.Type, from body: [UInt8], encoding: OTLPEncoding, messageName: String
    ) throws(OTLPError) -> M {
        do {
            switch encoding {
            case .protobuf:
                var options = BinaryDecodingOptions()
                options.discardUnknownFields = true
                return try M(serializedBytes: body, options: options)
            case .json:
                var options = JSONDecodingOptions()
                options.ignoreUnknownFields = true
                return try M(jsonUTF8Bytes: body, options: options)
            }
        } catch {
            let kind = encoding == .protobuf ? "binary protobuf" : "OTLP JSON"
            let other = encoding == .protobuf ? "application/json" : "application/x-protobuf"
            throw OTLPError(
                code: .invalidBody,
                message: "the \(body.count)-byte body is not a valid \(kind) \(messageName) (\(Self.describe(error))); "
                    + "check that Content-Type matches the encoding (a \(other) body sent with the wrong type fails this way)",
                underlying: error
            )
        }
    }

    /// The decoder's complaint as a short phrase; swift-protobuf's errors name the problem, not the data.
    static func describe(_ error: any Error) -> String {
        let text = String(describing: error)
        return text.utf8.count <= 120 ? text : String(text.prefix(120)) + "…"
    }
}

/// Trace and span ids: bytes in protobuf, hex strings in OTLP JSON.
///
/// swift-protobuf reads JSON `bytes` fields as base64, while OTLP JSON sends ids as hex. Hex digits
/// are all base64 characters and 32 (16) of them are a whole number of 4-character base64 groups,
/// so the bytes swift-protobuf produced (24 for a trace id, 12 for a span id) re-encode to exactly
/// the text that was sent; the hex is read from that. Ids that a sender base64-encoded anyway
/// (16 or 8 bytes) are taken as they are.
enum OTLPID {
    enum Outcome: Equatable {
        case absent
        case valid(String)
        /// What was found, for the rejection reason.
        case invalid(String)
    }

    static func read(_ raw: Data, bytes: Int, encoding: OTLPEncoding) -> Outcome {
        if raw.isEmpty { return .absent }
        let hex: String
        if raw.count == bytes {
            hex = hexString(raw)
        } else if encoding == .json, raw.count * 2 == bytes * 3 {
            let text = base64(raw)
            guard text.allSatisfy(isHexDigit) else { return .invalid("a string that is not \(bytes * 2) hex digits") }
            hex = String(decoding: text.map(lowercase), as: UTF8.self)
        } else if encoding == .json {
            return .invalid("a string that is not \(bytes * 2) hex digits")
        } else {
            return .invalid("\(raw.count) bytes")
        }
        guard hex.utf8.contains(where: { $0 != UInt8(ascii: "0") }) else { return .invalid("all zeros") }
        return .valid(hex)
    }

    /// The raw id bytes of a hex id that swift-protobuf read from JSON as base64 (benchmark support).
    static func bytes(ofJSONID raw: Data) -> Data {
        guard raw.count == 24 || raw.count == 12 else { return raw }
        let text = base64(raw)
        var out = Data()
        var index = 0
        while index + 1 < text.count {
            let pair = String(decoding: text[index...index + 1], as: UTF8.self)
            guard let byte = UInt8(pair, radix: 16) else { return raw }
            out.append(byte)
            index += 2
        }
        return out
    }

    static func expectation(bytes: Int, encoding: OTLPEncoding) -> String {
        encoding == .json ? "\(bytes * 2) hex digits, not all zero" : "\(bytes) bytes, not all zero"
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)
    private static let base64Alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    static func hexString(_ data: Data) -> String {
        data.withUnsafeBytes { raw in
            String(unsafeUninitializedCapacity: raw.count * 2) { out in
                for (index, byte) in raw.enumerated() {
                    out[index * 2] = hexDigits[Int(byte >> 4)]
                    out[index * 2 + 1] = hexDigits[Int(byte & 15)]
                }
                return raw.count * 2
            }
        }
    }

    /// Standard base64 with padding.
    static func base64(_ data: Data) -> [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity((data.count + 2) / 3 * 4)
        var index = data.startIndex
        while index < data.endIndex {
            let remaining = data.endIndex - index
            let b0 = UInt32(data[index])
            let b1 = remaining > 1 ? UInt32(data[index + 1]) : 0
            let b2 = remaining > 2 ? UInt32(data[index + 2]) : 0
            let triple = b0 << 16 | b1 << 8 | b2
            out.append(base64Alphabet[Int(triple >> 18 & 63)])
            out.append(base64Alphabet[Int(triple >> 12 & 63)])
            out.append(remaining > 1 ? base64Alphabet[Int(triple >> 6 & 63)] : UInt8(ascii: "="))
            out.append(remaining > 2 ? base64Alphabet[Int(triple & 63)] : UInt8(ascii: "="))
            index += Swift.min(3, remaining)
        }
        return out
    }

    private static func isHexDigit(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || (byte >= 0x61 && byte <= 0x66) || (byte >= 0x41 && byte <= 0x46)
    }

    private static func lowercase(_ byte: UInt8) -> UInt8 {
        byte >= 0x41 && byte <= 0x5A ? byte + 32 : byte
    }
}
