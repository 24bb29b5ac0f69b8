import Foundation
import KimpleTesting
import Testing

@testable import KimpleCore

@Suite("File journal")
struct FileJournalTests {
    private func payload(_ n: Int, size: Int = 200) -> Data {
        let text = "record-\(n)-"
        return Data((text + String(repeating: "x", count: max(0, size - text.utf8.count))).utf8)
    }

    // SPEC K-6, K-7
    @Test("appends are readable, in order, after reopening")
    func appendReopenRead() async throws {
        try await withTemporaryDirectory { directory in
            let journal = try FileJournal.open(at: directory)
            for n in 1...100 {
                let sequence = try await journal.append(payload(n))
                #expect(sequence == UInt64(n))
            }
            let batch = try await journal.append(contentsOf: [payload(101), payload(102), payload(103)])
            #expect(batch == 101...103)
            journal.close()

            let reopened = try FileJournal.open(at: directory)
            defer { reopened.close() }
            #expect(reopened.recovery.isClean)
            #expect(reopened.recovery.records == 103)
            let records = try await reopened.allRecords()
            #expect(records.map(\.sequence) == Array(1...103))
            #expect(records.map(\.payload) == (1...103).map { payload($0) })
            #expect(try await reopened.count() == 103)
            #expect(try await reopened.lastSequence() == 103)
            #expect(try await reopened.append(payload(104)) == 104)
        }
    }

    // SPEC K-7
    @Test("a second handle on the same directory is refused with storage.locked")
    func exclusiveLock() async throws {
        try await withTemporaryDirectory { directory in
            let journal = try FileJournal.open(at: directory)
            expectCode(.storageLocked) { try FileJournal.open(at: directory) }
            do {
                _ = try FileJournal.open(at: directory)
            } catch let error as KimpleError {
                #expect(error.code == .storageLocked)
            }
            journal.close()
            let again = try FileJournal.open(at: directory)
            again.close()
        }
    }

    // SPEC K-6
    @Test(
        "records spread over many segments are read from any sequence",
        arguments: [FileJournal.Options.Durability.none, .grouped])
    func segmentsAndIndex(durability: FileJournal.Options.Durability) async throws {
        try await withTemporaryDirectory { directory in
            let options = FileJournal.Options(durability: durability, segmentSize: 8 << 10)
            let journal = try FileJournal.open(at: directory, options: options)
            for start in stride(from: 1, through: 5000, by: 50) {
                _ = try await journal.append(contentsOf: (start..<start + 50).map { payload($0, size: 100) })
            }
            let segmentFiles = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter {
                $0.hasSuffix(".kjl")
            }
            #expect(segmentFiles.count > 10)
            for from in [1, 2, 1023, 1024, 1025, 2500, 4999, 5000] {
                var seen: [UInt64] = []
                try await journal.read(from: UInt64(from)) { record in
                    seen.append(record.sequence)
                    #expect(record.payload == payload(Int(record.sequence), size: 100))
                    return seen.count < 3
                }
                #expect(seen == Array(UInt64(from)...min(UInt64(from) + 2, 5000)))
            }
            journal.close()
            let reopened = try FileJournal.open(at: directory, options: options)
            defer { reopened.close() }
            #expect(try await reopened.count() == 5000)
            var next: UInt64 = 2000
            try await reopened.read(from: 2000) { record in
                #expect(record.sequence == next)
                next += 1
                return true
            }
            #expect(next == 5001)
        }
    }

    // SPEC K-7
    @Test("a torn tail is cut on reopen and reported, never returned")
    func tornTail() async throws {
        try await withTemporaryDirectory { directory in
            let journal = try FileJournal.open(at: directory)
            for n in 1...10 { _ = try await journal.append(payload(n)) }
            journal.close()
            let segment = try segmentPaths(directory).last ?? ""
            let handle = try #require(FileHandle(forUpdatingAtPath: segment))
            let size = try handle.seekToEnd()
            // Half a frame: the write of an 11th record interrupted by a crash.
            try handle.write(contentsOf: Data(repeating: 0x5A, count: 57))
            try handle.close()

            let reopened = try FileJournal.open(at: directory)
            #expect(reopened.recovery.tornTailBytes == 57)
            #expect(reopened.recovery.quarantined.isEmpty)
            #expect(try await reopened.allRecords().map(\.payload) == (1...10).map { payload($0) })
            #expect(try FileManager.default.attributesOfItem(atPath: segment)[.size] as? UInt64 == size)
            #expect(try await reopened.append(payload(11)) == 11)
            reopened.close()
        }
    }

    // SPEC K-7
    @Test("a batch cut short by a crash disappears entirely")
    func unfinishedBatch() async throws {
        try await withTemporaryDirectory { directory in
            let journal = try FileJournal.open(at: directory)
            _ = try await journal.append(payload(1))
            _ = try await journal.append(contentsOf: [payload(2), payload(3), payload(4)])
            journal.close()
            let segment = try segmentPaths(directory).last ?? ""
            let bytes = try Data(contentsOf: URL(fileURLWithPath: segment))
            // Cut the file right after the batch's second frame: frames 2 and 3 are intact,
            // but the batch's closing frame is missing.
            let frame = JournalFormat.frameHeaderSize + 200
            let cut = JournalFormat.segmentHeaderSize + 3 * frame
            try bytes.prefix(cut).write(to: URL(fileURLWithPath: segment))

            let reopened = try FileJournal.open(at: directory)
            defer { reopened.close() }
            #expect(reopened.recovery.tornTailBytes == 2 * frame)
            #expect(try await reopened.allRecords().map(\.sequence) == [1])
        }
    }

    // SPEC K-7
    @Test("damage in the middle is set aside; records before and after it are kept")
    func middleDamage() async throws {
        try await withTemporaryDirectory { directory in
            let journal = try FileJournal.open(at: directory)
            for n in 1...20 { _ = try await journal.append(payload(n)) }
            journal.close()
            let segment = try segmentPaths(directory).last ?? ""
            var bytes = try Data(contentsOf: URL(fileURLWithPath: segment))
            let frame = JournalFormat.frameHeaderSize + 200
            // Flip one payload byte of record 8.
            bytes[JournalFormat.segmentHeaderSize + 7 * frame + JournalFormat.frameHeaderSize + 5] ^= 0xFF
            try bytes.write(to: URL(fileURLWithPath: segment))

            let reopened = try FileJournal.open(at: directory)
            defer { reopened.close() }
            #expect(reopened.recovery.quarantined.count == 1)
            #expect(reopened.recovery.quarantined.first?.length == frame)
            let quarantineFile = directory.appendingPathComponent(reopened.recovery.quarantined.first?.file ?? "")
            #expect(FileManager.default.fileExists(atPath: quarantineFile.path))
            let records = try await reopened.allRecords()
            #expect(records.map(\.sequence) == Array(1...7) + Array(9...20))
            for record in records { #expect(record.payload == payload(Int(record.sequence))) }
            #expect(try await reopened.append(payload(21)) == 21)
        }
    }

    // SPEC K-7
    @Test("random truncations and byte flips: reopening never crashes nor returns a damaged record")
    func randomDamage() async throws {
        var generator = SeededRandom(seed: 0x4B494D50)
        try await withTemporaryDirectory { base in
            let pristine = base.appendingPathComponent("pristine")
            let journal = try FileJournal.open(at: pristine, options: .init(segmentSize: 16 << 10))
            for start in stride(from: 1, through: 300, by: 3) {
                _ = try await journal.append(contentsOf: (start..<start + 3).map { payload($0, size: 64 + $0 % 50) })
            }
            journal.close()
            let originals = Dictionary(
                uniqueKeysWithValues: (1...300).map { (UInt64($0), payload($0, size: 64 + $0 % 50)) })
            let names = try segmentPaths(pristine).map { URL(fileURLWithPath: $0).lastPathComponent }

            for round in 0..<60 {
                let copy = base.appendingPathComponent("round-\(round)")
                try FileManager.default.copyItem(at: pristine, to: copy)
                try? FileManager.default.removeItem(at: copy.appendingPathComponent("LOCK"))
                let victim = copy.appendingPathComponent(names[Int(generator.next() % UInt64(names.count))])
                var bytes = try Data(contentsOf: victim)
                let damagedAt = Int(generator.next() % UInt64(bytes.count))
                if round % 2 == 0 {
                    bytes = bytes.prefix(damagedAt)
                } else {
                    bytes[damagedAt] ^= UInt8(1 + generator.next() % 255)
                }
                try bytes.write(to: victim)

                let reopened = try FileJournal.open(at: copy, options: .init(segmentSize: 16 << 10))
                let records = try await reopened.allRecords()
                // Every record returned is one that was written, unchanged, in order.
                for record in records { #expect(record.payload == originals[record.sequence]) }
                #expect(records.map(\.sequence) == records.map(\.sequence).sorted())
                // Kept for sure: every record of the other segments, and every batch of the
                // damaged segment that ended before the damaged byte.
                let kept = Set(records.map(\.sequence))
                let frames = try frameEnds(pristine.appendingPathComponent(victim.lastPathComponent))
                let victimSequences = Set(frames.map(\.sequence))
                let mustKeep = (1...300).map(UInt64.init).filter { sequence in
                    guard victimSequences.contains(sequence) else { return true }
                    let batchLast = (sequence - 1) / 3 * 3 + 3
                    return frames.first(where: { $0.sequence == batchLast }).map { $0.end <= damagedAt } ?? false
                }
                let lost = mustKeep.filter { !kept.contains($0) }
                #expect(lost.isEmpty, "round \(round): lost \(lost)")
                reopened.close()
            }
        }
    }

    // SPEC K-6
    @Test(
        "many concurrent appenders lose nothing and never interleave a batch",
        arguments: FileJournal.Options.Durability.allCases)
    func concurrentAppends(durability: FileJournal.Options.Durability) async throws {
        try await withTemporaryDirectory { directory in
            let journal = try FileJournal.open(
                at: directory, options: .init(durability: durability, segmentSize: 32 << 10))
            let ranges = try await withThrowingTaskGroup(of: (Int, ClosedRange<UInt64>).self) { group in
                for writer in 0..<16 {
                    group.addTask {
                        var last: ClosedRange<UInt64> = 0...0
                        for n in 0..<25 {
                            let batch = (0..<3).map { Data("w\(writer)-n\(n)-r\($0)".utf8) }
                            last = try await journal.append(contentsOf: batch)
                        }
                        return (writer, last)
                    }
                }
                var all: [(Int, ClosedRange<UInt64>)] = []
                for try await result in group { all.append(result) }
                return all
            }
            #expect(ranges.count == 16)
            journal.close()
            let reopened = try FileJournal.open(at: directory, options: .init(durability: durability))
            defer { reopened.close() }
            let records = try await reopened.allRecords()
            #expect(records.count == 16 * 25 * 3)
            #expect(records.map(\.sequence) == Array(1...UInt64(1200)))
            // Each batch's three records are consecutive.
            for index in stride(from: 0, to: records.count, by: 3) {
                let texts = records[index..<index + 3].map { String(decoding: $0.payload, as: UTF8.self) }
                let prefix = texts[0].dropLast(1)
                #expect(texts == ["\(prefix)0", "\(prefix)1", "\(prefix)2"])
            }
        }
    }

    // SPEC K-6
    @Test("a conditional append is refused when the log moved")
    func conditionalAppend() async throws {
        try await withTemporaryDirectory { directory in
            let journal = try FileJournal.open(at: directory)
            defer { journal.close() }
            #expect(try await journal.append(contentsOf: [payload(1)], condition: .lastSequence(nil)) == 1...1)
            await expectCode(.storageConflict) {
                try await journal.append(contentsOf: [payload(2)], condition: .lastSequence(nil))
            }
            #expect(try await journal.append(contentsOf: [payload(2)], condition: .lastSequence(1)) == 2...2)
            #expect(try await journal.count() == 2)
        }
    }

    // SPEC K-6 (erasure for real, P-3)
    @Test("a rewrite removes and replaces records, keeps sequence numbers and never reuses them")
    func rewrite() async throws {
        try await withTemporaryDirectory { directory in
            let options = FileJournal.Options(segmentSize: 4 << 10)
            let journal = try FileJournal.open(at: directory, options: options)
            for n in 1...60 { _ = try await journal.append(payload(n, size: 100)) }
            let summary = try await journal.rewrite { record in
                if record.sequence % 10 == 0 { return nil }
                if record.sequence == 7 { return Data("seven".utf8) }
                return record.payload
            }
            #expect(summary == RewriteSummary(examined: 60, replaced: 1, removed: 6))
            #expect(try await journal.count() == 54)
            #expect(try await journal.lastSequence() == 59)
            #expect(try await journal.append(payload(61, size: 100)) == 61)
            journal.close()

            // The erased bytes are gone from the files.
            for path in try segmentPaths(directory) {
                let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
                #expect(bytes.range(of: Data("record-10-".utf8)) == nil)
            }
            let reopened = try FileJournal.open(at: directory, options: options)
            let records = try await reopened.allRecords()
            #expect(records.map(\.sequence) == (1...61).filter { $0 % 10 != 0 }.map(UInt64.init))
            #expect(records.first(where: { $0.sequence == 7 })?.payload == Data("seven".utf8))
            // Remove the last record, reopen: its number is not handed out again.
            _ = try await reopened.rewrite { $0.sequence == 61 ? nil : $0.payload }
            reopened.close()
            let again = try FileJournal.open(at: directory, options: options)
            defer { again.close() }
            #expect(try await again.append(payload(62, size: 100)) == 62)
        }
    }

    // SPEC K-7: durability for real, with a process killed mid-write.
    @Test("a writer killed with SIGKILL loses no acknowledged append", arguments: [("everyWrite", 1), ("grouped", 8)])
    func killedWriter(durability: String, writers: Int) async throws {
        try await withTemporaryDirectory { directory in
            let acknowledged = try runAndKillChild(
                arguments: ["journal", directory.path, durability, String(writers)], killAfterAcks: 300)
            #expect(acknowledged.count >= 300)
            let journal = try FileJournal.open(at: directory)
            defer { journal.close() }
            let records = try await journal.allRecords()
            let stored = Dictionary(uniqueKeysWithValues: records.map { ($0.sequence, $0.payload) })
            for (sequence, prefix) in acknowledged {
                let payload = try #require(stored[sequence], "acknowledged record \(sequence) lost")
                #expect(String(decoding: payload, as: UTF8.self).hasPrefix(prefix))
            }
            #expect(records.map(\.sequence) == Array(1...UInt64(records.count)))
        }
    }

    // MARK: - Helpers

    /// The sequence and end offset of every frame of a segment file.
    private func frameEnds(_ segment: URL) throws -> [(sequence: UInt64, end: Int)] {
        let bytes = try Data(contentsOf: segment)
        var result: [(sequence: UInt64, end: Int)] = []
        bytes.withUnsafeBytes { buffer in
            var position = JournalFormat.segmentHeaderSize
            while case .success(let frame) = JournalFormat.parseFrame(
                buffer, at: position, minimumSequence: 0, maximumPayload: 1 << 20)
            {
                result.append((frame.sequence, frame.end))
                position = frame.end
            }
        }
        return result
    }

    private func segmentPaths(_ directory: URL) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".kjl") }.sorted()
            .map { directory.appendingPathComponent($0).path }
    }
}

/// Runs the crash child and kills it once it acknowledged `killAfterAcks` appends; returns
/// what it acknowledged (sequence -> payload prefix).
func runAndKillChild(arguments: [String], killAfterAcks: Int) throws -> [(UInt64, String)] {
    try CrashTest.runAndKill(
        CrashTest.executableNextToTests(named: "kimple-crash-child"), arguments: arguments, killAfter: killAfterAcks
    ).compactMap { pair in UInt64(pair.key).map { ($0, pair.value) } }
}
