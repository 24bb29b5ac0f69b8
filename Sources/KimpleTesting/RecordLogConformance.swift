import Foundation
import KimpleCore

/// The checks every ``RecordLog`` must pass: the SDK's own ``InMemoryRecordLog`` and
/// ``FileJournal`` pass them, and a host runs them against its own implementation.
///
/// ```swift
/// @Test func myLogConforms() async throws {
///     try await RecordLogConformance.run { try await MyPostgresLog.makeEmpty() }
/// }
/// ```
public enum RecordLogConformance {
    /// Runs every check; `makeEmptyLog` is called once per check and must return an empty log.
    /// Throws a ``ConformanceFailure`` naming the first requirement broken.
    @discardableResult
    public static func run(_ makeEmptyLog: () async throws -> any RecordLog) async throws -> ConformanceReport {
        var runner = ConformanceRunner(suite: "RecordLog")
        let r = runner

        try await runner.check("an empty log has no records") {
            let log = try await makeEmptyLog()
            try r.expect(try await log.count() == 0, "empty", "count is not 0")
            try r.expect(try await log.lastSequence() == nil, "empty", "lastSequence is not nil")
            try r.expect(try await log.allRecords().isEmpty, "empty", "read returned records")
        }

        try await runner.check("appends get increasing sequences and read back in order") {
            let log = try await makeEmptyLog()
            let payloads = [
                Data(), Data([0, 1, 2, 255]), Data("é€ participation".utf8), Data(repeating: 7, count: 70_000),
            ]
            var sequences: [UInt64] = []
            for payload in payloads { sequences.append(try await log.append(payload)) }
            try r.expect(
                sequences == sequences.sorted() && Set(sequences).count == 4, "order", "sequences \(sequences)")
            let records = try await log.allRecords()
            try r.expect(records.map(\.payload) == payloads, "order", "payloads differ after reading")
            try r.expect(records.map(\.sequence) == sequences, "order", "sequences differ after reading")
            try r.expect(try await log.lastSequence() == sequences.last, "order", "lastSequence is wrong")
        }

        try await runner.check("a batch gets consecutive sequences") {
            let log = try await makeEmptyLog()
            _ = try await log.append(Data("a".utf8))
            let range = try await log.append(contentsOf: [Data("b".utf8), Data("c".utf8), Data("d".utf8)])
            try r.expect(range.count == 3, "batch", "range \(range)")
            let records = try await log.allRecords()
            try r.expect(records.suffix(3).map(\.sequence) == Array(range), "batch", "stored sequences differ")
        }

        try await runner.check("an empty batch is refused") {
            let log = try await makeEmptyLog()
            try await r.expectError(.invalidArgument, "empty batch") { _ = try await log.append(contentsOf: []) }
            try r.expect(try await log.count() == 0, "empty batch", "something was written")
        }

        try await runner.check("reads start at a sequence and stop when asked") {
            let log = try await makeEmptyLog()
            for n in 0..<10 { _ = try await log.append(Data([UInt8(n)])) }
            let all = try await log.allRecords()
            var seen: [UInt64] = []
            try await log.read(from: all[4].sequence) { record in
                seen.append(record.sequence)
                return seen.count < 3
            }
            try r.expect(seen == all[4..<7].map(\.sequence), "read from", "read \(seen)")
        }

        try await runner.check("a conditional append is refused when the log moved, and writes nothing") {
            let log = try await makeEmptyLog()
            let first = try await log.append(contentsOf: [Data("1".utf8)], condition: .lastSequence(nil))
            try await r.expectError(.storageConflict, "conditional") {
                _ = try await log.append(contentsOf: [Data("x".utf8)], condition: .lastSequence(nil))
            }
            _ = try await log.append(contentsOf: [Data("2".utf8)], condition: .lastSequence(first.upperBound))
            try r.expect(
                try await log.allRecords().map(\.payload) == [Data("1".utf8), Data("2".utf8)], "conditional",
                "unexpected records")
        }

        try await runner.check("concurrent appenders lose nothing and never interleave a batch") {
            let log = try await makeEmptyLog()
            try await withThrowingTaskGroup(of: Void.self) { group in
                for writer in 0..<8 {
                    group.addTask {
                        for n in 0..<20 {
                            _ = try await log.append(contentsOf: (0..<3).map { Data("\(writer)/\(n)/\($0)".utf8) })
                        }
                    }
                }
                try await group.waitForAll()
            }
            let records = try await log.allRecords()
            try r.expect(records.count == 480, "concurrent", "\(records.count) records instead of 480")
            for start in stride(from: 0, to: records.count, by: 3) {
                let texts = records[start..<start + 3].map { String(decoding: $0.payload, as: UTF8.self) }
                let batch = texts[0].dropLast(1)
                try r.expect(
                    texts == ["\(batch)0", "\(batch)1", "\(batch)2"], "concurrent", "batch interleaved: \(texts)")
            }
        }

        try await runner.check("a rewrite removes and replaces records and keeps sequence numbers") {
            let log = try await makeEmptyLog()
            for n in 0..<6 { _ = try await log.append(Data("r\(n)".utf8)) }
            let before = try await log.allRecords()
            let summary = try await log.rewrite { record in
                if record.sequence == before[1].sequence { return nil }
                if record.sequence == before[2].sequence { return Data("changed".utf8) }
                return record.payload
            }
            try r.expect(summary == RewriteSummary(examined: 6, replaced: 1, removed: 1), "rewrite", "\(summary)")
            let after = try await log.allRecords()
            try r.expect(
                after.map(\.sequence) == before.map(\.sequence).filter { $0 != before[1].sequence }, "rewrite",
                "sequences changed")
            try r.expect(after[1].payload == Data("changed".utf8), "rewrite", "replacement not stored")
            try r.expect(try await log.count() == 5, "rewrite", "count not updated")
            let next = try await log.append(Data("next".utf8))
            try r.expect(next > before[5].sequence, "rewrite", "a sequence number was reused")
        }
        return runner.report
    }
}
