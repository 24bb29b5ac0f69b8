import Synchronization

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// A ``RecordLog`` held in memory: for tests, demos and hosts that keep nothing on disk.
///
/// Every operation is atomic under one lock; "durable" means "in this process's memory".
public final class InMemoryRecordLog: RecordLog {
    private struct State {
        var records: [LogRecord] = []
        var nextSequence: UInt64 = 1
    }

    private let state = Mutex(State())
    /// The largest payload accepted, in bytes.
    public let maximumRecordSize: Int

    /// An empty log accepting payloads of up to `maximumRecordSize` bytes.
    public init(maximumRecordSize: Int = FileJournal.Options.defaultMaximumRecordSize) {
        self.maximumRecordSize = maximumRecordSize
    }

    /// Appends the batch under the lock and returns its sequence numbers. Throws `core.invalid_argument`
    /// for an empty batch, `storage.record_too_large` above ``maximumRecordSize``, `storage.conflict`
    /// when `condition` no longer holds; nothing is written then.
    public func append(contentsOf payloads: [Data], condition: AppendCondition) async throws -> ClosedRange<UInt64> {
        guard !payloads.isEmpty else { throw KimpleError.emptyBatch() }
        for payload in payloads where payload.count > maximumRecordSize {
            throw KimpleError.recordTooLarge(payload.count, limit: maximumRecordSize)
        }
        return try state.withLock { state in
            if case .lastSequence(let expected) = condition, expected != state.records.last?.sequence {
                throw KimpleError.appendConflict(expected: expected, actual: state.records.last?.sequence)
            }
            let first = state.nextSequence
            for payload in payloads {
                state.records.append(LogRecord(sequence: state.nextSequence, payload: payload))
                state.nextSequence += 1
            }
            return first...(state.nextSequence - 1)
        }
    }

    /// Calls `body` with each record at or after `sequence` from a snapshot taken when the read starts:
    /// appends made during the read are not seen.
    nonisolated(nonsending) public func read(from sequence: UInt64, _ body: (LogRecord) throws -> Bool) async throws {
        // Copy-on-write: the snapshot costs nothing until an append happens during the read.
        let records = state.withLock { $0.records }
        var index = Self.firstIndex(in: records, atOrAfter: sequence)
        while index < records.count {
            guard try body(records[index]) else { return }
            index += 1
        }
    }

    /// The number of records.
    public func count() async throws -> Int {
        state.withLock { $0.records.count }
    }

    /// The last record's sequence, or `nil` when the log is empty.
    public func lastSequence() async throws -> UInt64? {
        state.withLock { $0.records.last?.sequence }
    }

    /// Rewrites every record under the lock (appends wait); kept records keep their sequence.
    nonisolated(nonsending) public func rewrite(_ transform: (LogRecord) throws -> Data?) async throws -> RewriteSummary
    {
        // Under the lock: appends wait for the rewrite, and two rewrites never interleave.
        try state.withLock { state in
            var summary = RewriteSummary()
            var rewritten: [LogRecord] = []
            rewritten.reserveCapacity(state.records.count)
            for record in state.records {
                summary.examined += 1
                guard let payload = try transform(record) else {
                    summary.removed += 1
                    continue
                }
                if payload != record.payload { summary.replaced += 1 }
                rewritten.append(LogRecord(sequence: record.sequence, payload: payload))
            }
            state.records = rewritten
            return summary
        }
    }

    private static func firstIndex(in records: [LogRecord], atOrAfter sequence: UInt64) -> Int {
        var low = 0
        var high = records.count
        while low < high {
            let mid = (low + high) / 2
            if records[mid].sequence < sequence { low = mid + 1 } else { high = mid }
        }
        return low
    }
}
