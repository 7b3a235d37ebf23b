import Testing
@testable import SightlineCore

@Suite("Batches: arrays, NDJSON, partial acceptance, limits")
struct BatchDecoderTests {
    let good = minimal
    let bad = #"{"timestamp":"2026-11-22T10:00:00Z","service":"s","method":"GET","path":"/","status":"x"}"#

    @Test("an array with invalid events accepts the valid ones and indexes the rest")
    func partialArray() throws {
        let batch = try decodeBatch("[\(good),\(bad), \(good) ,42,\(bad)]")
        #expect(batch.total == 5)
        #expect(batch.events.count == 2)
        #expect(batch.acceptedIndices == [0, 2])
        #expect(batch.rejected.map(\.index) == [1, 3, 4])
        #expect(batch.rejected[1].error == "expected an event object, got a number")
    }

    @Test("NDJSON: a malformed line rejects only that line")
    func ndjsonResync() throws {
        let text = "\(good)\n{\"timestamp\": oops\n\(bad)\n\n\(good)\r\n\(good) trailing\n"
        let batch = try decodeBatch(text)
        #expect(batch.total == 5)
        #expect(batch.acceptedIndices == [0, 3])
        #expect(batch.rejected.map(\.index) == [1, 2, 4])
        #expect(batch.rejected[0].error.hasPrefix("malformed JSON at line 2, column 15"))
        #expect(batch.rejected[2].error.contains("after an event"))
    }

    @Test("a malformed array is refused whole with line and column")
    func arraySyntax() {
        #expect {
            try decodeBatch("[\(good),\n{\"service\" \"x\"}]")
        } throws: { error in
            let batchError = error as! BatchError
            return batchError.code == .syntax && batchError.message.hasPrefix("malformed JSON at line 2, column 12 in event 1")
        }
        #expect(throws: BatchError.self) { try decodeBatch("[\(good)") }
        #expect(throws: BatchError.self) { try decodeBatch("[\(good)] x") }
    }

    @Test("empty, non-JSON and oversized batches are refused whole")
    func refusedBatches() {
        for (text, code) in [("", BatchError.Code.empty), ("  \n", .empty), ("[]", .empty), ("hello", .notJSON), ("42", .notJSON)] {
            #expect(throws: BatchError.self) { try decodeBatch(text) }
            do { _ = try decodeBatch(text) } catch { #expect(error.code == code) }
        }
        let many = "[" + Array(repeating: good, count: 11).joined(separator: ",") + "]"
        do {
            _ = try decodeBatch(many, maxEvents: 10)
            Issue.record("accepted")
        } catch {
            #expect(error.code == .tooManyEvents)
        }
        #expect((try? decodeBatch(many, maxEvents: 11))?.events.count == 11)
    }

    @Test("an event over the size limit is rejected alone")
    func eventSizeLimit() throws {
        var limits = EventLimits()
        limits.maxEventBytes = 200
        let big = #"{"timestamp":"2026-11-22T10:00:00Z","service":"s","method":"GET","path":"/","status":200,"user_agent":"\#(String(repeating: "x", count: 300))"}"#
        let batch = try decodeBatch("[\(good),\(big)]", limits: limits)
        #expect(batch.acceptedIndices == [0])
        #expect(batch.rejected.first?.error.contains("more than the limit of 200") == true)
    }

    @Test("10k-event batches decode")
    func largeBatch() throws {
        let text = "[" + Array(repeating: good, count: 10_000).joined(separator: ",") + "]"
        let batch = try decodeBatch(text, maxEvents: 10_000)
        #expect(batch.events.count == 10_000)
    }
}
