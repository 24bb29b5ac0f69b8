import Synchronization

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The file-based ``DocumentStore``: every commit is one record of a ``FileJournal``, the
/// documents live in memory, and a snapshot file lets reopening skip the history (K-6, K-7).
///
/// - A commit is durable (under the journal's policy) before it returns, and only then
///   visible to readers.
/// - Every `snapshotInterval` commits, the store writes `snapshot.kds` atomically and
///   deletes the journal segments it covers, so reopening reads the snapshot plus a short
///   journal tail. A snapshot that cannot be written does not fail the (durable) commit
///   that triggered it; the next interval tries again, and ``compact()`` reports the error.
/// - A commit whose write fails throws `storage.io` (`storage.full`) and is not visible;
///   the store goes on with the next commit (see ``FileJournal``, "Failed writes").
/// - Meant for documents that fit in memory: operations, contracts, invoices,
///   instructions, counters. Large streams belong in a ``RecordLog``.
public final class FileDocumentStore: HistoryCompactingDocumentStore {
    private struct Pending {
        var sequence: UInt64
        var writes: [DocumentWrite]
    }

    private struct State {
        var committed: [String: Document]
        /// Latest not-yet-durable write of each key (nil value: a pending delete), for
        /// checking the conditions of later commits in order.
        var overlay: [String: (sequence: UInt64, document: Document?)] = [:]
        var pending: [Pending] = []
        var appliedThrough: UInt64
        var commitsSinceSnapshot = 0
        var snapshotting = false
        var failure: KimpleError?
    }

    /// The store's directory.
    public let directory: URL
    /// Commits between two snapshots.
    public let snapshotInterval: Int
    /// What opening the journal found and repaired.
    public var recovery: FileJournal.RecoveryReport { journal.recovery }

    private let journal: FileJournal
    private let state: Mutex<State>
    private let maximumValueSize: Int
    static let snapshotName = "snapshot.kds"

    /// Opens (creating if needed) the store in `directory`.
    ///
    /// Throws `storage.locked` when another handle holds it, `storage.corrupted` when the
    /// snapshot or a journal record does not decode, `storage.io` when files cannot be read.
    public static func open(
        at directory: URL, options: FileJournal.Options = FileJournal.Options(), snapshotInterval: Int = 10_000
    ) throws -> FileDocumentStore {
        try FileDocumentStore(directory: directory, options: options, snapshotInterval: snapshotInterval)
    }

    private init(directory: URL, options: FileJournal.Options, snapshotInterval: Int) throws {
        self.directory = directory
        self.snapshotInterval = max(1, snapshotInterval)
        self.maximumValueSize = options.maximumRecordSize - 64
        let journal = try FileJournal.open(at: directory, options: options)
        self.journal = journal
        var documents: [String: Document] = [:]
        var applied: UInt64 = 0
        let snapshotPath = directory.path + "/" + Self.snapshotName
        if POSIX.exists(snapshotPath) {
            let loaded = try DocumentSnapshot.decode(POSIX.readFile(snapshotPath), path: snapshotPath)
            documents = loaded.documents
            applied = loaded.coveredSequence
        }
        try journal.readSync(from: applied + 1) { record in
            let writes = try DocumentRecord.decode(record.payload)
            Self.apply(writes, version: record.sequence, to: &documents)
            applied = record.sequence
            return true
        }
        self.state = Mutex(State(committed: documents, appliedThrough: applied))
    }

    /// The committed document at `key`, or `nil`; throws the failure that made the store unusable
    /// (`storage.io`) after a write to disk failed.
    public func get(_ key: String) async throws -> Document? {
        try state.withLock { state in
            if let failure = state.failure { throw failure }
            return state.committed[key]
        }
    }

    /// Writes `writes` as one journal record and returns once it is durable; only then are they visible.
    /// Throws `storage.conflict` (nothing written) when a condition fails, `core.invalid_argument` for an
    /// invalid key or a key written twice, `storage.record_too_large`, `storage.io`, `storage.closed`.
    @discardableResult
    public func commit(_ writes: [DocumentWrite]) async throws -> [String: UInt64] {
        try DocumentRules.validate(writes, maximumValueSize: maximumValueSize)
        guard !writes.isEmpty else { return [:] }
        let payload = DocumentRecord.encode(writes)
        let ticket = try state.withLock { state -> AppendTicket in
            if let failure = state.failure { throw failure }
            try DocumentRules.checkConditions(writes) { key in
                if let pending = state.overlay[key] { return pending.document?.version }
                return state.committed[key]?.version
            }
            // Sequence assigned while holding the state lock: commit order = journal order.
            // The write becomes visible on the flushing thread the moment it is durable.
            let ticket = try journal.enqueue(
                [payload], onDurable: { [weak self] range in self?.applyDurable(through: range.upperBound) },
                onFailure: { [weak self] range in self?.discardFailed(from: range.lowerBound) })
            let sequence = ticket.range.lowerBound
            for write in writes {
                state.overlay[write.key] = (sequence, Self.document(for: write, version: sequence))
            }
            state.pending.append(Pending(sequence: sequence, writes: writes))
            return ticket
        }
        // A failed write was already taken back by `discardFailed` (and the journal goes on).
        let sequence = try await ticket.durable().lowerBound
        let snapshotDue = state.withLock { state -> Bool in
            guard state.commitsSinceSnapshot >= snapshotInterval, !state.snapshotting else { return false }
            state.snapshotting = true
            return true
        }
        // The commit is durable: a snapshot that cannot be written (a full disk) must not
        // report it as failed. The journal still holds everything; the next interval retries.
        if snapshotDue { try? writeSnapshot() }
        var versions: [String: UInt64] = [:]
        for write in writes {
            if case .delete = write { continue }
            versions[write.key] = sequence
        }
        return versions
    }

    /// Every committed document whose key starts with `prefix`, in UTF-8 byte order of the keys.
    public func documents(withPrefix prefix: String) async throws -> [Document] {
        let matching = try state.withLock { state in
            if let failure = state.failure { throw failure }
            return state.committed.values.filter { $0.key.utf8.starts(with: prefix.utf8) }
        }
        return matching.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
    }

    /// Writes a snapshot now and deletes the journal segments it covers.
    public func compact() throws {
        let start = state.withLock { state -> Bool in
            guard !state.snapshotting else { return false }
            state.snapshotting = true
            return true
        }
        if start { try writeSnapshot() }
    }

    /// Writes a snapshot and deletes the journal segments it covers: earlier values of
    /// replaced or deleted documents are gone from the disk.
    public func compactHistory() async throws {
        try compact()
    }

    /// Closes the store; later calls throw `storage.closed`.
    public func close() {
        journal.close()
        state.withLock { state in
            if state.failure == nil { state.failure = KimpleError.closed(directory.path) }
        }
    }

    // MARK: -

    private func writeSnapshot() throws {
        let (documents, covered) = state.withLock { ($0.committed, $0.appliedThrough) }
        defer {
            state.withLock {
                $0.snapshotting = false
                $0.commitsSinceSnapshot = 0
            }
        }
        let bytes = DocumentSnapshot.encode(documents, coveredSequence: covered)
        try AtomicFile.write(bytes, to: directory.path + "/" + Self.snapshotName)
        try journal.removeSegments(coveredThrough: covered)
    }

    /// Forgets the pending commits from `sequence` on: their write failed (the journal fails
    /// a failed batch and every one queued behind it, and calls this before accepting
    /// another commit), so later commits' conditions are checked without them.
    private func discardFailed(from sequence: UInt64) {
        state.withLock { state in
            state.pending.removeAll { $0.sequence >= sequence }
            state.overlay = state.overlay.filter { $0.value.sequence < sequence }
        }
    }

    /// Makes every pending commit up to `sequence` visible (the journal is written in
    /// order, so all of them are durable).
    private func applyDurable(through sequence: UInt64) {
        state.withLock { state in
            while let first = state.pending.first, first.sequence <= sequence {
                Self.apply(first.writes, version: first.sequence, to: &state.committed)
                state.appliedThrough = first.sequence
                state.commitsSinceSnapshot += 1
                state.pending.removeFirst()
            }
            state.overlay = state.overlay.filter { $0.value.sequence > sequence }
        }
    }

    private static func document(for write: DocumentWrite, version: UInt64) -> Document? {
        switch write {
        case .insert(let key, let value), .replace(let key, _, let value), .upsert(let key, let value):
            Document(key: key, version: version, value: value)
        case .delete:
            nil
        }
    }

    private static func apply(_ writes: [DocumentWrite], version: UInt64, to documents: inout [String: Document]) {
        for write in writes {
            documents[write.key] = document(for: write, version: version)
        }
    }
}

/// The payload of one document-store commit in the journal:
/// `u8 1`, varint write count, then per write `u8 op` (1 put, 2 delete), the key
/// (varint length + UTF-8) and, for a put, the value (varint length + bytes).
enum DocumentRecord {
    static func encode(_ writes: [DocumentWrite]) -> Data {
        var w = BinaryWriter(capacity: 64)
        w.write(UInt8(1))
        w.writeVarint(UInt64(writes.count))
        for write in writes {
            switch write {
            case .insert(let key, let value), .replace(let key, _, let value), .upsert(let key, let value):
                w.write(UInt8(1))
                w.writeString(key)
                w.writeBytes(value)
            case .delete(let key, _):
                w.write(UInt8(2))
                w.writeString(key)
            }
        }
        return w.data
    }

    static func decode(_ payload: Data) throws -> [DocumentWrite] {
        var r = BinaryReader(payload)
        guard try r.readUInt8() == 1 else {
            throw KimpleError(.storageCorrupted, "A document-store record has an unknown kind.")
        }
        let count = try r.readVarint()
        guard count <= UInt64(r.remaining) else {
            throw KimpleError(.storageCorrupted, "A document-store record is cut short.")
        }
        var writes: [DocumentWrite] = []
        for _ in 0..<count {
            switch try r.readUInt8() {
            case 1: writes.append(.upsert(key: try r.readString(), value: Data(try r.readBytes())))
            case 2: writes.append(.delete(key: try r.readString(), expectedVersion: nil))
            default: throw KimpleError(.storageCorrupted, "A document-store record has an unknown operation.")
            }
        }
        guard r.isAtEnd else { throw KimpleError(.storageCorrupted, "A document-store record has trailing bytes.") }
        return writes
    }
}

/// The snapshot file `snapshot.kds`:
///
/// ```
/// header (32 bytes, little-endian)
///   0  magic "KSNP"
///   4  u16 format version (1)
///   6  u16 flags (0)
///   8  u64 covered sequence (journal records up to this one are in the snapshot)
///  16  u64 document count
///  24  u32 reserved (0)
///  28  u32 CRC-32C of bytes 0..<28
/// documents, in ascending key order (UTF-8 bytes)
///   u64 version, key (varint length + UTF-8), value (varint length + bytes)
/// footer (8 bytes)
///   u32 CRC-32C of every byte between header and footer
///   magic "KEND"
/// ```
enum DocumentSnapshot {
    static let magic = Array("KSNP".utf8)
    static let endMagic = Array("KEND".utf8)

    static func encode(_ documents: [String: Document], coveredSequence: UInt64) -> [UInt8] {
        var header = BinaryWriter(capacity: 32)
        header.writeRaw(magic)
        header.write(UInt16(1))
        header.write(UInt16(0))
        header.write(coveredSequence)
        header.write(UInt64(documents.count))
        header.write(UInt32(0))
        header.write(CRC32C.checksum(header.bytes))
        var body = BinaryWriter(capacity: 1024)
        for key in documents.keys.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }) {
            guard let document = documents[key] else { continue }
            body.write(document.version)
            body.writeString(key)
            body.writeBytes(document.value)
        }
        var out = header.bytes
        out.append(contentsOf: body.bytes)
        var footer = BinaryWriter(capacity: 8)
        footer.write(CRC32C.checksum(body.bytes))
        footer.writeRaw(endMagic)
        out.append(contentsOf: footer.bytes)
        return out
    }

    static func decode(
        _ bytes: [UInt8], path: String
    ) throws -> (documents: [String: Document], coveredSequence: UInt64) {
        func damaged(_ what: String) -> KimpleError {
            KimpleError(
                .storageCorrupted,
                "The store's snapshot is damaged (\(what)); restore it from a backup. The journal was left untouched.",
                context: ["path": path])
        }
        guard bytes.count >= 40, Array(bytes[0..<4]) == magic, Array(bytes[(bytes.count - 4)...]) == endMagic else {
            throw damaged("bad magic or size")
        }
        var r = BinaryReader(Array(bytes[0..<32]))
        _ = try r.readRaw(4)
        let version = try r.readUInt16()
        guard version == 1 else {
            throw KimpleError(
                .storageUnsupportedFormat, "The snapshot was written by a newer version of the SDK.",
                context: ["path": path])
        }
        _ = try r.readUInt16()
        let covered = try r.readUInt64()
        let count = try r.readUInt64()
        _ = try r.readUInt32()
        let headerCRC = try r.readUInt32()
        guard CRC32C.checksum(bytes[0..<28]) == headerCRC else { throw damaged("header checksum") }
        let body = Array(bytes[32..<(bytes.count - 8)])
        var footer = BinaryReader(Array(bytes[(bytes.count - 8)...]))
        guard CRC32C.checksum(body) == (try footer.readUInt32()) else { throw damaged("body checksum") }
        var reader = BinaryReader(body)
        var documents: [String: Document] = [:]
        documents.reserveCapacity(Int(min(count, 1 << 20)))
        while !reader.isAtEnd {
            let version = try reader.readUInt64()
            let key = try reader.readString()
            let value = Data(try reader.readBytes())
            documents[key] = Document(key: key, version: version, value: value)
        }
        guard UInt64(documents.count) == count else { throw damaged("document count") }
        return (documents, covered)
    }
}
