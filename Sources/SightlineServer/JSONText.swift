import SightlineCore

/// Small helpers to write JSON responses as bytes (the hot read path splices stored documents).
enum JSONText {
    static func appendString(_ value: String, to bytes: inout [UInt8]) {
        EventEncoder.appendString(value, to: &bytes)
    }
}
