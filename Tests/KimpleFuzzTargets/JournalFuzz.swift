import Foundation
import KimpleCore

/// The file journal opened over arbitrary segment bytes (K-7).
///
/// Input: one mode byte, then the bytes of a segment file. With bit 0 of the mode set, the
/// target first repairs every checksum it can (segment header, then each frame's payload and
/// header checksums, walking the length fields), so the fuzzer also reaches what lies behind
/// them: sequences, batch flags, lengths. The file is named after the header's first
/// sequence, as the journal names its segments.
///
/// Invariants once the journal opened:
/// - every record it shows reads back (its checksum holds), in strictly increasing sequence
///   order, as many as `count()` and the recovery report say;
/// - recovery is idempotent: reopening finds a clean journal with the same records;
/// - sequences are never reused: a record appended after recovery gets a sequence above every
///   record shown, and survives a reopen with the others.
enum JournalFuzz {
    static let options = FileJournal.Options(durability: .none, maximumRecordSize: 1 << 16)

    static func run(_ input: [UInt8]) async throws {
        guard let mode = input.first else { return }
        var segment = Array(input.dropFirst())
        if mode & 1 == 1 { repairChecksums(&segment) }
        let directory = try scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let first: UInt64 =
            segment.count >= 16 ? segment.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: 8, as: UInt64.self) } : 1
        let name = JournalFormat.segmentName(UInt64(littleEndian: first))
        try Data(segment).write(to: directory.appendingPathComponent(name))

        // The only step allowed to refuse: opening over the outside bytes.
        let journal = try FileJournal.open(at: directory, options: options)
        let records = try await must("reading the recovered journal") { try read(journal) }
        let count = try await must("counting") { try await journal.count() }
        let last = try await must("the last sequence") { try await journal.lastSequence() }
        try invariant(count == records.count, "count() says \(count), reading gives \(records.count)")
        try invariant(
            journal.recovery.records == records.count, "the recovery report counts \(journal.recovery.records)")
        try invariant(last == records.last?.sequence, "lastSequence() is \(String(describing: last))")
        for (previous, next) in zip(records, records.dropFirst()) {
            try invariant(
                previous.sequence < next.sequence, "sequences out of order: \(previous.sequence), \(next.sequence)")
        }
        journal.close()

        let reopened = try await must("reopening") { try FileJournal.open(at: directory, options: options) }
        try invariant(reopened.recovery.isClean, "a second recovery still repairs: \(reopened.recovery)")
        let again = try await must("reading after reopening") { try read(reopened) }
        try invariant(again == records, "reopening changed the records")

        // Appending after recovery: a new sequence, kept with the others.
        let payload = Data("appended after recovery".utf8)
        let appended: ClosedRange<UInt64>
        do {
            appended = try await reopened.append(contentsOf: [payload], condition: .none)
        } catch let error as KimpleError where error.code == .outOfRange {
            // Allowed only when the bytes claim the last sequence numbers (JournalFormat.maximumSequence).
            var next = records.last.map { $0.sequence + 1 } ?? 1
            if case .success(let header) = segment.withUnsafeBytes({ JournalFormat.decodeHeader($0) }) {
                next = max(next, header.sequenceFloor, header.firstSequence)
            }
            reopened.close()
            try invariant(next > JournalFormat.maximumSequence, "an append was refused: \(error)")
            return
        } catch {
            reopened.close()
            throw InvariantViolation("appending after recovery failed: \(error)")
        }
        if let previous = records.last?.sequence {
            try invariant(appended.lowerBound > previous, "sequence \(appended.lowerBound) reused (last \(previous))")
        }
        reopened.close()
        let third = try await must("reopening after the append") {
            try FileJournal.open(at: directory, options: options)
        }
        defer { third.close() }
        try invariant(third.recovery.isClean, "the journal is not clean after an append: \(third.recovery)")
        let final = try await must("reading after the append") { try read(third) }
        try invariant(
            final == records + [LogRecord(sequence: appended.lowerBound, payload: payload)],
            "the appended record or an earlier one was lost")
    }

    private static func read(_ journal: FileJournal) throws -> [LogRecord] {
        var records: [LogRecord] = []
        try journal.readSync(from: 0) { record in
            records.append(record)
            return true
        }
        return records
    }

    /// Recomputes the segment header's checksum and, frame by frame, the payload and header
    /// checksums, as far as the length fields lead within the bytes.
    static func repairChecksums(_ bytes: inout [UInt8]) {
        let headerSize = JournalFormat.segmentHeaderSize
        guard bytes.count >= headerSize else { return }
        store(
            bytes.withUnsafeBytes { CRC32C.checksum(UnsafeRawBufferPointer(rebasing: $0[0..<36])) }, at: 36, in: &bytes)
        var position = headerSize
        while bytes.count - position >= JournalFormat.frameHeaderSize {
            let field = bytes.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: position, as: UInt32.self) }
            let length = Int(UInt32(littleEndian: field) & ~JournalFormat.batchContinues)
            let payloadStart = position + JournalFormat.frameHeaderSize
            guard length <= bytes.count - payloadStart else { return }
            let payloadCRC = bytes.withUnsafeBytes {
                CRC32C.checksum(UnsafeRawBufferPointer(rebasing: $0[payloadStart..<payloadStart + length]))
            }
            store(payloadCRC, at: position + 12, in: &bytes)
            let headerCRC = bytes.withUnsafeBytes {
                CRC32C.checksum(UnsafeRawBufferPointer(rebasing: $0[position..<position + 16]))
            }
            store(headerCRC, at: position + 16, in: &bytes)
            position = payloadStart + length
        }
    }

    private static func store(_ value: UInt32, at offset: Int, in bytes: inout [UInt8]) {
        for index in 0..<4 { bytes[offset + index] = UInt8(truncatingIfNeeded: value >> UInt32(8 * index)) }
    }

    /// Journals written by the journal itself: one batch, several batches, an empty one.
    static func seeds() async throws -> [String: [UInt8]] {
        var seeds: [String: [UInt8]] = [:]
        let shapes: [(String, [[Data]])] = [
            ("empty", []),
            ("one-record", [[Data("hello".utf8)]]),
            ("batches", [[Data("a".utf8), Data("bb".utf8)], [Data()], [Data(repeating: 7, count: 300)]]),
        ]
        for (name, batches) in shapes {
            let directory = try scratchDirectory()
            defer { try? FileManager.default.removeItem(at: directory) }
            let journal = try FileJournal.open(at: directory, options: options)
            for batch in batches { _ = try await journal.append(contentsOf: batch, condition: .none) }
            journal.close()
            let file = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter {
                $0.hasSuffix(JournalFormat.segmentExtension)
            }.sorted()
            guard let segment = file.first else { continue }
            let bytes = try [UInt8](Data(contentsOf: directory.appendingPathComponent(segment)))
            seeds["\(name).raw"] = [0] + bytes
            seeds["\(name).repaired"] = [1] + bytes
        }
        return seeds
    }
}
