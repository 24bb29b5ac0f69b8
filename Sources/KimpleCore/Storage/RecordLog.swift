#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// One record of a ``RecordLog``: its sequence number and its bytes.
public struct LogRecord: Sendable, Hashable {
    /// Position of the record in its log. Sequence numbers start at 1 and strictly
    /// increase in append order. They are never reused; a ``RecordLog/rewrite(_:)`` that
    /// drops records leaves gaps.
    public let sequence: UInt64
    /// The bytes appended.
    public let payload: Data

    /// A record as a log returns it; logs build these, callers read them.
    public init(sequence: UInt64, payload: Data) {
        self.sequence = sequence
        self.payload = payload
    }
}

/// What a ``RecordLog/rewrite(_:)`` did.
public struct RewriteSummary: Sendable, Hashable {
    /// Records examined.
    public var examined: Int
    /// Records whose payload was replaced.
    public var replaced: Int
    /// Records removed.
    public var removed: Int

    /// A summary; implementations count as they rewrite.
    public init(examined: Int = 0, replaced: Int = 0, removed: Int = 0) {
        self.examined = examined
        self.replaced = replaced
        self.removed = removed
    }
}

/// An append-only stream of records belonging to one tenant (K-1, K-6).
///
/// The engine under every journal-style store of the SDK: participations, robot events,
/// the evidence log, outbox history. The SDK ships ``InMemoryRecordLog`` and
/// ``FileJournal``; a host can plug its own (a PostgreSQL table, a Kafka topic) and check
/// it with `KimpleTesting`'s conformance suite.
///
/// ## Implementation requirements
/// - **Atomic batches.** ``append(contentsOf:)`` stores every payload of the batch or none
///   of them, also across a crash: after a restart a reader sees the whole batch or
///   nothing of it.
/// - **Durable on return.** `append` returns only once the batch is durable under the
///   store's durability policy; an acknowledged batch is never lost (K-7).
/// - **Order.** Sequence numbers are assigned in the order batches are committed, are
///   strictly increasing, and a batch's records get consecutive numbers. Two concurrent
///   batches never interleave.
/// - **Reads** see every acknowledged batch, in sequence order, and never a damaged or
///   partially written record.
/// - **Rewrite** replaces or removes existing records (erasure of personal data) without
///   changing the sequence number of any kept record, atomically per record.
public protocol RecordLog: Sendable {
    /// Appends `payloads` as one atomic batch and returns the sequence numbers assigned
    /// to them, in order.
    ///
    /// Throws `core.invalid_argument` for an empty batch, `storage.record_too_large`
    /// when a payload exceeds the store's limit (nothing is written), `storage.io` when
    /// the medium fails and `storage.full` when it is full (the batch is then not
    /// acknowledged, and never read back: not in this handle, nor half-written after a
    /// reopen), `storage.closed` after the store was closed.
    ///
    /// With `condition` ``AppendCondition/lastSequence(_:)``, the batch is written only if
    /// the log's last record is still the one given (`nil`: the log is empty); otherwise
    /// nothing is written and `storage.conflict` is thrown. That is the compare-and-set
    /// of logs: it lets a hash chain (the evidence log) stay linear even when two
    /// processes or handles append to it.
    func append(contentsOf payloads: [Data], condition: AppendCondition) async throws -> ClosedRange<UInt64>

    /// Calls `body` with each record whose sequence is at or after `sequence`, in order,
    /// until `body` returns `false` or the records run out. Records appended while the
    /// read runs may or may not be seen.
    ///
    /// Throws `storage.corrupted` when a stored record fails its check (no damaged
    /// record is ever passed to `body`), `storage.io` when the medium fails, or what
    /// `body` throws.
    nonisolated(nonsending) func read(from sequence: UInt64, _ body: (LogRecord) throws -> Bool) async throws

    /// The number of records in the log.
    func count() async throws -> Int

    /// The sequence of the last record, or `nil` for an empty log.
    func lastSequence() async throws -> UInt64?

    /// Rewrites the log: `transform` receives every record in order and returns the
    /// payload to keep (the same or a replacement) or `nil` to remove the record.
    /// Sequence numbers of kept records do not change.
    ///
    /// Used to erase personal data for real (not only hide it). Appends issued during
    /// a rewrite wait for it or are kept; none is lost.
    nonisolated(nonsending) func rewrite(_ transform: (LogRecord) throws -> Data?) async throws -> RewriteSummary
}

/// The condition of a ``RecordLog/append(contentsOf:condition:)``.
public enum AppendCondition: Sendable, Hashable {
    /// Always append.
    case none
    /// Append only if the log's last record has this sequence (`nil`: the log is empty).
    case lastSequence(UInt64?)
}

extension RecordLog {
    /// Appends `payloads` as one atomic batch; see ``append(contentsOf:condition:)``.
    @discardableResult
    public func append(contentsOf payloads: [Data]) async throws -> ClosedRange<UInt64> {
        try await append(contentsOf: payloads, condition: .none)
    }

    /// Appends one record; returns its sequence number. See ``append(contentsOf:)``.
    @discardableResult
    public func append(_ payload: Data) async throws -> UInt64 {
        try await append(contentsOf: [payload]).lowerBound
    }

    /// Calls `body` with every record, in order.
    nonisolated(nonsending) public func forEach(_ body: (LogRecord) throws -> Void) async throws {
        try await read(from: 0) { record in
            try body(record)
            return true
        }
    }

    /// Every record, in order. Loads the whole log in memory: meant for small logs and tests.
    public func allRecords() async throws -> [LogRecord] {
        var records: [LogRecord] = []
        try await forEach { records.append($0) }
        return records
    }

    /// The last record, or `nil` for an empty log.
    public func lastRecord() async throws -> LogRecord? {
        guard let last = try await lastSequence() else { return nil }
        var found: LogRecord?
        try await read(from: last) { record in
            found = record
            return false
        }
        return found
    }
}

extension KimpleError {
    static func emptyBatch() -> KimpleError {
        KimpleError(.invalidArgument, "An append needs at least one record.")
    }

    static func appendConflict(expected: UInt64?, actual: UInt64?) -> KimpleError {
        KimpleError(
            .storageConflict, "The log moved since it was read; read its last record again and retry.",
            context: ["expected": expected.map(String.init) ?? "empty", "actual": actual.map(String.init) ?? "empty"])
    }

    static func recordTooLarge(_ size: Int, limit: Int) -> KimpleError {
        KimpleError(
            .storageRecordTooLarge, "A record is larger than the store accepts; split it or raise the store's limit.",
            context: ["size": String(size), "limit": String(limit)])
    }
}
