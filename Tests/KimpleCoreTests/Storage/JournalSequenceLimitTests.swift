import Foundation
import KimpleTesting
import Testing

@testable import KimpleCore

/// The top of the sequence space: bytes that claim the last sequence numbers (damage or a
/// hostile file) must neither crash recovery nor make an append wrap around.
@Suite("Journal sequence limit")
struct JournalSequenceLimitTests {
    /// A segment starting at `first` with one frame per sequence given.
    private func segment(first: UInt64, sequences: [UInt64]) -> [UInt8] {
        var bytes = JournalFormat.encode(
            JournalFormat.SegmentHeader(firstSequence: first, sequenceFloor: first, createdMillis: 0))
        for sequence in sequences {
            let payload = Array("record \(sequence)".utf8)
            payload.withUnsafeBytes { buffer in
                JournalFormat.appendFrame(
                    to: &bytes, sequence: sequence, payload: buffer, payloadCRC: CRC32C.checksum(buffer),
                    continues: false)
            }
        }
        return bytes
    }

    private func write(_ bytes: [UInt8], first: UInt64, in directory: URL) throws {
        try Data(bytes).write(to: directory.appendingPathComponent(JournalFormat.segmentName(first)))
    }

    // SPEC K-7
    @Test("a frame claiming sequence 2^64-1 is cut as damage, never returned; appends go on")
    func frameAtTheTop() async throws {
        try await withTemporaryDirectory { directory in
            try write(segment(first: 1, sequences: [1, UInt64.max]), first: 1, in: directory)
            let journal = try FileJournal.open(at: directory)
            defer { journal.close() }
            #expect(try await journal.allRecords().map(\.sequence) == [1])
            #expect(journal.recovery.tornTailBytes > 0)
            #expect(try await journal.append(Data("next".utf8)) == 2)
        }
    }

    // SPEC K-7
    @Test("the last sequence number is readable, and an append after it is refused, not wrapped")
    func lastSequence() async throws {
        try await withTemporaryDirectory { directory in
            let last = JournalFormat.maximumSequence
            try write(segment(first: last - 1, sequences: [last - 1, last]), first: last - 1, in: directory)
            let journal = try FileJournal.open(at: directory)
            defer { journal.close() }
            #expect(journal.recovery.isClean)
            #expect(try await journal.allRecords().map(\.sequence) == [last - 1, last])
            await expectCode(.outOfRange) { try await journal.append(Data("one more".utf8)) }
            #expect(try await journal.count() == 2)
        }
    }
}
