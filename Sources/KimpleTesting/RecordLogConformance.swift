import Foundation
import KimpleCore

/// The checks every ``RecordLog`` must pass: the SDK's own ``InMemoryRecordLog`` and
/// ``FileJournal`` pass them, and a host runs them against its own implementation.
///
/// ```swift
/// @Test func myLogConforms() async throws {
///     try await RecordLogConformance.run({ try await MyPostgresLog.makeEmpty() }, reopen: { try await $0.reopened() })
/// }
/// ```
public enum RecordLogConformance {
    /// Runs every check; `makeEmptyLog` is called once per check and must return an empty log.
    /// With `reopen` (which closes the log given and opens it again on the same storage), the
    /// restart check runs too. Throws ``ConformanceFailures`` listing every failed check.
    @discardableResult
    public static func run(
        _ makeEmptyLog: () async throws -> any RecordLog,
        reopen: ((any RecordLog) async throws -> any RecordLog)? = nil
    ) async throws -> ConformanceReport {
        var runner = ConformanceRunner(suite: "RecordLog")
        let r = runner

        await runner.check("an empty log has no records", rule: "K-6") {
            let log = try await makeEmptyLog()
            try r.expect(try await log.count() == 0, "empty", "count is not 0")
            try r.expect(try await log.lastSequence() == nil, "empty", "lastSequence is not nil")
            try r.expect(try await log.allRecords().isEmpty, "empty", "read returned records")
        }

        await runner.check("appends get increasing sequences and read back in order", rule: "K-6") {
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

        await runner.check("a batch gets consecutive sequences", rule: "K-6") {
            let log = try await makeEmptyLog()
            _ = try await log.append(Data("a".utf8))
            let range = try await log.append(contentsOf: [Data("b".utf8), Data("c".utf8), Data("d".utf8)])
            try r.expect(range.count == 3, "batch", "range \(range)")
            let records = try await log.allRecords()
            try r.expect(records.suffix(3).map(\.sequence) == Array(range), "batch", "stored sequences differ")
        }

        await runner.check("an empty batch is refused", rule: "K-6") {
            let log = try await makeEmptyLog()
            try await r.expectError(.invalidArgument, "empty batch") { _ = try await log.append(contentsOf: []) }
            try r.expect(try await log.count() == 0, "empty batch", "something was written")
        }

        await runner.check("reads start at a sequence and stop when asked", rule: "K-6") {
            let log = try await makeEmptyLog()
            for n in 0..<10 { _ = try await log.append(Data([UInt8(n)])) }
            let all = try await log.allRecords()
            try r.expect(all.count == 10, "read all", "\(all.count) records instead of 10")
            var seen: [UInt64] = []
            try await log.read(from: all[4].sequence) { record in
                seen.append(record.sequence)
                return seen.count < 3
            }
            try r.expect(seen == all[4..<7].map(\.sequence), "read from", "read \(seen)")
        }

        await runner.check("a conditional append is refused when the log moved, and writes nothing", rule: "K-5") {
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

        await runner.check(
            "concurrent appenders lose nothing, get distinct increasing sequences and never interleave a batch",
            rule: "K-6"
        ) {
            let log = try await makeEmptyLog()
            let ranges = try await r.concurrently(8) { writer in
                var ranges: [ClosedRange<UInt64>] = []
                for n in 0..<20 {
                    ranges.append(
                        try await log.append(contentsOf: (0..<3).map { Data("\(writer)/\(n)/\($0)".utf8) }))
                }
                return ranges
            }
            for writer in ranges {
                try r.expect(
                    zip(writer, writer.dropFirst()).allSatisfy { $0.upperBound < $1.lowerBound }, "increasing",
                    "one writer's batches got sequences out of order: \(writer)")
            }
            let acknowledged = ranges.flatMap { $0.flatMap { Array($0) } }
            try r.expect(
                Set(acknowledged).count == 480, "distinct",
                "\(Set(acknowledged).count) distinct sequences for 480 records")
            let records = try await log.allRecords()
            try r.expect(records.count == 480, "lost", "\(records.count) records instead of 480")
            try r.expect(
                records.map(\.sequence) == acknowledged.sorted(), "lost",
                "the stored sequences differ from the acknowledged ones")
            for start in stride(from: 0, to: records.count, by: 3) {
                let texts = records[start..<start + 3].map { String(decoding: $0.payload, as: UTF8.self) }
                let batch = texts[0].dropLast(1)
                try r.expect(
                    texts == ["\(batch)0", "\(batch)1", "\(batch)2"], "interleaved", "batch interleaved: \(texts)")
            }
        }

        await runner.check("concurrent conditional appends on one last sequence: exactly one wins", rule: "K-5") {
            let log = try await makeEmptyLog()
            let head = try await log.append(Data("head".utf8))
            let wins = try await r.concurrently(16) { n in
                do {
                    _ = try await log.append(contentsOf: [Data("writer \(n)".utf8)], condition: .lastSequence(head))
                    return true
                } catch let error as KimpleError where error.code == .storageConflict {
                    return false
                }
            }.filter { $0 }.count
            try r.expect(wins == 1, "race", "\(wins) conditional appends won")
            let count = try await log.count()
            try r.expect(count == 2, "race", "\(count) records instead of 2")
        }

        await runner.check("a rewrite removes and replaces records and keeps sequence numbers", rule: "K-6") {
            let log = try await makeEmptyLog()
            for n in 0..<6 { _ = try await log.append(Data("r\(n)".utf8)) }
            let before = try await log.allRecords()
            try r.expect(before.count == 6, "read all", "\(before.count) records instead of 6")
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
        await runner.check(
            "after a restart every acknowledged record reads back and sequences go on", rule: "K-7", needs: reopen
        ) {
            reopen in
            let log = try await makeEmptyLog()
            _ = try await log.append(contentsOf: [Data("a".utf8), Data("b".utf8)])
            _ = try await log.append(Data(repeating: 9, count: 70_000))
            let before = try await log.allRecords()
            let reopened = try await reopen(log)
            try r.expect(try await reopened.allRecords() == before, "read back", "the records differ after the restart")
            try r.expect(
                try await reopened.lastSequence() == before.last?.sequence, "read back", "lastSequence differs")
            let next = try await reopened.append(Data("c".utf8))
            try r.expect(next > (before.last?.sequence ?? 0), "sequence", "a sequence number was reused: \(next)")
            try await r.expectError(.storageConflict, "condition") {
                _ = try await reopened.append(
                    contentsOf: [Data("x".utf8)], condition: .lastSequence(before.last?.sequence))
            }
        }
        return try runner.finish()
    }
}
