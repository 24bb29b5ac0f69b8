#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// One entry of the evidence log: who did what, to what, when, chained to the entry
/// before it by SHA-256 (K-5, §14.5 "convention de preuve").
///
/// Never put personal data in clear in an entry: the log cannot be erased. Use ids and
/// ``payloadDigest`` (the SHA-256 of the data acted on, kept elsewhere).
public struct EvidenceEntry: Sendable, Hashable, Codable {
    /// Position in the chain, from 0.
    public let index: UInt64
    /// When the action happened (microsecond precision).
    public let time: Date
    /// The tenant whose log this is.
    public let tenant: TenantID
    /// Who acted.
    public let principal: Principal
    /// What was done, as a stable code (`operation.suspend`, `privacy.processing.refused`).
    public let action: String
    /// What it was done to (`operation:summer-2026`, `instruction:marketing-v3`).
    public let subject: String
    /// A short human-readable explanation (a reason, a count). No personal data.
    public let details: String
    /// SHA-256 of the data the action concerned (all zeros when none).
    public let payloadDigest: SHA256Digest
    /// ``hash`` of the previous entry (all zeros for the first).
    public let previousHash: SHA256Digest
    /// SHA-256 of this entry's canonical encoding (every field above).
    public let hash: SHA256Digest
}

/// A published position of the log (for example printed on a draw certificate or sent
/// to the client each month). Verifying against it proves that nothing up to it was
/// removed, not even at the end.
public struct EvidenceHead: Sendable, Hashable, Codable {
    /// Index of the last entry covered.
    public let index: UInt64
    /// Its hash.
    public let hash: SHA256Digest

    /// A head: the index of the last entry covered and that entry's hash, as published.
    public init(index: UInt64, hash: SHA256Digest) {
        self.index = index
        self.hash = hash
    }
}

/// The result of ``EvidenceLog/verify(against:)``.
public struct EvidenceVerification: Sendable, Hashable {
    /// What is wrong with a log.
    public struct Problem: Sendable, Hashable {
        /// The kind of problem, stable in its raw value (`changed`, `removed`, `reordered`).
        public enum Kind: String, Sendable, Hashable, Codable {
            /// An entry's content no longer matches its hash or the next entry's link.
            case changed
            /// Entries are missing.
            case removed
            /// Entries are out of order or repeated.
            case reordered
        }

        /// The kind of tampering.
        public var kind: Kind
        /// Index of the first entry affected.
        public var index: UInt64
        /// What was found, for a person.
        public var detail: String
    }

    /// Entries read.
    public var entriesChecked: UInt64
    /// The last entry's position, when the log is not empty.
    public var head: EvidenceHead?
    /// The first problem found, or `nil` when the log is intact.
    public var problem: Problem?

    /// Whether no entry was changed, removed or reordered.
    public var isIntact: Bool { problem == nil }
}

/// The append-only, hash-chained evidence log of one tenant (K-5).
///
/// Each entry's hash covers its content and the previous entry's hash, so changing,
/// removing or reordering any entry breaks the chain at that point, and
/// ``verify(against:)`` names the first entry affected. Entries recorded concurrently
/// are chained in one order and appended as one batch (one durable write for many
/// records). The chain stays linear even with several handles or processes on the same
/// log: appends are conditional on the log's last record.
///
/// The canonical encoding is in `Documentation/Interoperability.md`.
public actor EvidenceLog {
    /// The name of the evidence store of a tenant.
    public static let storeName: StoreName = "evidence"

    /// The tenant whose log this is.
    public nonisolated let tenant: TenantID
    private let log: any RecordLog
    private let clock: any Clock

    private struct Head {
        var nextIndex: UInt64
        var hash: SHA256Digest
        var sequence: UInt64?
    }

    private struct Pending {
        var fields: Fields
        var continuation: CheckedContinuation<EvidenceEntry, any Error>
    }

    private var head: Head?
    private var pending: [Pending] = []
    private var draining = false

    /// The evidence log of `log`'s tenant.
    public init(log: any RecordLog, tenant: TenantID, clock: any Clock) {
        self.log = log
        self.tenant = tenant
        self.clock = clock
    }

    /// The evidence log of the tenant reached by `storage`, in its `evidence` store.
    public static func open(_ storage: TenantStorage, clock: any Clock) async throws -> EvidenceLog {
        EvidenceLog(log: try await storage.recordLog(storeName), tenant: storage.tenant, clock: clock)
    }

    /// Records an action and returns its entry once durable.
    ///
    /// - Parameters:
    ///   - principal: who acted.
    ///   - action: a stable code such as `operation.suspend`.
    ///   - subject: what it concerned, by id (never personal data in clear).
    ///   - details: a short explanation for a person reading the log.
    ///   - payload: the data acted on, whose SHA-256 goes into the entry (the data itself does not).
    @discardableResult
    public func record(
        _ principal: Principal, action: String, subject: String, details: String = "", payload: Data? = nil
    ) async throws -> EvidenceEntry {
        try await record(
            principal, action: action, subject: subject, details: details,
            payloadDigest: payload.map { SHA256.hash($0) } ?? EvidenceCoding.zero)
    }

    /// Records an action whose data was hashed elsewhere (a streamed export, a large file):
    /// `payloadDigest` is the SHA-256 of that data. Otherwise as
    /// ``record(_:action:subject:details:payload:)``.
    @discardableResult
    public func record(
        _ principal: Principal, action: String, subject: String, details: String = "", payloadDigest: SHA256Digest
    ) async throws -> EvidenceEntry {
        let micros = (clock.now.timeIntervalSince1970 * 1_000_000).rounded(.down)
        let fields = Fields(
            time: Int64(micros), principal: principal, action: action, subject: subject, details: details,
            payloadDigest: payloadDigest)
        return try await withCheckedThrowingContinuation { continuation in
            pending.append(Pending(fields: fields, continuation: continuation))
            if !draining {
                draining = true
                Task { await self.drain() }
            }
        }
    }

    /// The current head, or `nil` for an empty log.
    public func currentHead() async throws -> EvidenceHead? {
        let head = try await loadHead()
        guard head.nextIndex > 0 else { return nil }
        return EvidenceHead(index: head.nextIndex - 1, hash: head.hash)
    }

    /// Calls `body` with every entry from `index` on, in order. Throws `storage.corrupted`
    /// for an entry that does not decode (``verify(against:)`` reports it instead).
    public func forEachEntry(from index: UInt64 = 0, _ body: (EvidenceEntry) throws -> Void) async throws {
        try await log.read(from: 0) { record in
            let entry = try EvidenceCoding.decode(record.payload, tenant: tenant)
            if entry.index >= index { try body(entry) }
            return true
        }
    }

    /// Every entry, in order. Loads the whole log: for small logs, reports and tests.
    public func entries() async throws -> [EvidenceEntry] {
        var entries: [EvidenceEntry] = []
        try await forEachEntry { entries.append($0) }
        return entries
    }

    /// Checks the whole chain: every entry decodes, follows the previous one, links to
    /// its hash and matches its own hash. With `anchor` (a head published earlier), also
    /// checks that the log still reaches it unchanged, so removals at the end show.
    public func verify(against anchor: EvidenceHead? = nil) async throws -> EvidenceVerification {
        var result = EvidenceVerification(entriesChecked: 0, head: nil, problem: nil)
        var expected: UInt64 = 0
        var previous = EvidenceCoding.zero
        var anchorSeen = false
        // After a jump in indexes, tells a removal from a move by looking further on.
        var missingIndex: UInt64?
        var laterIndexes = Set<UInt64>()
        try await log.read(from: 0) { record in
            if let missing = missingIndex {
                if let entry = try? EvidenceCoding.decode(record.payload, tenant: tenant) {
                    laterIndexes.insert(entry.index)
                    if entry.index == missing { return false }
                }
                return true
            }
            result.entriesChecked += 1
            let entry: EvidenceEntry
            do {
                entry = try EvidenceCoding.decode(record.payload, tenant: tenant)
            } catch {
                result.problem = .init(kind: .changed, index: expected, detail: "entry \(expected) does not decode")
                return false
            }
            if entry.index > expected {
                missingIndex = expected
                return true
            }
            if entry.index < expected {
                result.problem = .init(
                    kind: .reordered, index: entry.index,
                    detail: "entry \(entry.index) appears again after entry \(expected - 1)")
                return false
            }
            guard EvidenceCoding.hash(of: entry) == entry.hash else {
                result.problem = .init(
                    kind: .changed, index: entry.index, detail: "entry \(entry.index) does not match its hash")
                return false
            }
            guard entry.previousHash == previous else {
                result.problem = .init(
                    kind: .changed, index: entry.index - 1,
                    detail: "entry \(entry.index - 1) was changed: entry \(entry.index) links to another hash")
                return false
            }
            if let anchor, anchor.index == entry.index {
                anchorSeen = true
                if anchor.hash != entry.hash {
                    result.problem = .init(
                        kind: .changed, index: entry.index,
                        detail: "entry \(entry.index) differs from the published head")
                    return false
                }
            }
            previous = entry.hash
            expected = entry.index + 1
            result.head = EvidenceHead(index: entry.index, hash: entry.hash)
            return true
        }
        if let missing = missingIndex {
            result.problem =
                laterIndexes.contains(missing)
                ? .init(kind: .reordered, index: missing, detail: "entry \(missing) was moved further down the log")
                : .init(kind: .removed, index: missing, detail: "entry \(missing) is missing")
        }
        if result.problem == nil, let anchor, !anchorSeen {
            result.problem = .init(
                kind: .removed, index: expected,
                detail: "the log ends before the published head \(anchor.index): entries were removed")
        }
        return result
    }

    // MARK: - Appending

    private func drain() async {
        while !pending.isEmpty {
            let batch = pending
            pending = []
            do {
                let entries = try await appendChained(batch.map(\.fields))
                for (waiter, entry) in zip(batch, entries) { waiter.continuation.resume(returning: entry) }
            } catch {
                for waiter in batch { waiter.continuation.resume(throwing: error) }
            }
        }
        draining = false
    }

    private func appendChained(_ fields: [Fields]) async throws -> [EvidenceEntry] {
        var lastError: (any Error)?
        for _ in 0..<16 {
            let current = try await loadHead()
            var entries: [EvidenceEntry] = []
            var previous = current.hash
            for (offset, item) in fields.enumerated() {
                let entry = EvidenceCoding.entry(
                    index: current.nextIndex + UInt64(offset), tenant: tenant, fields: item, previousHash: previous)
                entries.append(entry)
                previous = entry.hash
            }
            do {
                let range = try await log.append(
                    contentsOf: entries.map { EvidenceCoding.encode($0) }, condition: .lastSequence(current.sequence))
                head = Head(
                    nextIndex: current.nextIndex + UInt64(entries.count), hash: previous, sequence: range.upperBound)
                return entries
            } catch let error as KimpleError where error.code == .storageConflict {
                // Another handle appended: read the head again and chain after it.
                head = nil
                lastError = error
                await Task.yield()
            }
        }
        throw lastError ?? KimpleError(.storageConflict, "The evidence log kept moving; try again.")
    }

    private func loadHead() async throws -> Head {
        if let head { return head }
        let loaded: Head
        if let record = try await log.lastRecord() {
            let entry = try EvidenceCoding.decode(record.payload, tenant: tenant)
            loaded = Head(nextIndex: entry.index + 1, hash: entry.hash, sequence: record.sequence)
        } else {
            loaded = Head(nextIndex: 0, hash: EvidenceCoding.zero, sequence: nil)
        }
        head = loaded
        return loaded
    }
}

/// The fields of an entry before it is chained.
struct Fields: Sendable {
    var time: Int64
    var principal: Principal
    var action: String
    var subject: String
    var details: String
    var payloadDigest: SHA256Digest
}

/// The canonical encoding of evidence entries (version 1):
///
/// ```
/// "KEV1"
/// u64 index                       little-endian
/// i64 time                        microseconds since 1970, little-endian
/// string tenant                   (varint length + UTF-8, as everywhere)
/// string principal kind           user | system | host
/// string principal id
/// string action
/// string subject
/// string details
/// 32 bytes payload digest
/// 32 bytes previous hash
/// ```
/// `hash` = SHA-256 of these bytes; a stored record is these bytes followed by the hash.
enum EvidenceCoding {
    static let magic = Array("KEV1".utf8)
    static let zero = SHA256Digest(bytes: [UInt8](repeating: 0, count: 32)) ?? SHA256.hash(Data())

    static func entry(index: UInt64, tenant: TenantID, fields: Fields, previousHash: SHA256Digest) -> EvidenceEntry {
        let body = canonical(
            index: index, time: fields.time, tenant: tenant, principal: fields.principal, action: fields.action,
            subject: fields.subject, details: fields.details, payloadDigest: fields.payloadDigest,
            previousHash: previousHash)
        return EvidenceEntry(
            index: index, time: Date(timeIntervalSince1970: Double(fields.time) / 1_000_000), tenant: tenant,
            principal: fields.principal, action: fields.action, subject: fields.subject, details: fields.details,
            payloadDigest: fields.payloadDigest, previousHash: previousHash, hash: SHA256.hash(body))
    }

    static func canonical(
        index: UInt64, time: Int64, tenant: TenantID, principal: Principal, action: String, subject: String,
        details: String, payloadDigest: SHA256Digest, previousHash: SHA256Digest
    ) -> [UInt8] {
        var w = BinaryWriter(capacity: 160)
        w.writeRaw(magic)
        w.write(index)
        w.write(time)
        w.writeString(tenant.rawValue)
        w.writeString(principal.kind.rawValue)
        w.writeString(principal.id)
        w.writeString(action)
        w.writeString(subject)
        w.writeString(details)
        w.writeRaw(payloadDigest.bytes)
        w.writeRaw(previousHash.bytes)
        return w.bytes
    }

    static func micros(_ date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 * 1_000_000).rounded())
    }

    static func hash(of entry: EvidenceEntry) -> SHA256Digest {
        SHA256.hash(
            canonical(
                index: entry.index, time: micros(entry.time), tenant: entry.tenant, principal: entry.principal,
                action: entry.action, subject: entry.subject, details: entry.details,
                payloadDigest: entry.payloadDigest, previousHash: entry.previousHash))
    }

    static func encode(_ entry: EvidenceEntry) -> Data {
        var bytes = canonical(
            index: entry.index, time: micros(entry.time), tenant: entry.tenant, principal: entry.principal,
            action: entry.action, subject: entry.subject, details: entry.details, payloadDigest: entry.payloadDigest,
            previousHash: entry.previousHash)
        bytes.append(contentsOf: entry.hash.bytes)
        return Data(bytes)
    }

    static func decode(_ payload: Data, tenant expectedTenant: TenantID) throws -> EvidenceEntry {
        var r = BinaryReader(payload)
        guard try r.readRaw(4) == magic else {
            throw KimpleError(.storageCorrupted, "An evidence record has an unknown format.")
        }
        let index = try r.readUInt64()
        let time = try r.readInt64()
        let tenantText = try r.readString()
        let kindText = try r.readString()
        let principalID = try r.readString()
        let action = try r.readString()
        let subject = try r.readString()
        let details = try r.readString()
        let digest = try r.readRaw(32)
        let previous = try r.readRaw(32)
        let hash = try r.readRaw(32)
        guard r.isAtEnd, let tenant = TenantID(rawValue: tenantText), tenant == expectedTenant,
            let kind = Principal.Kind(rawValue: kindText), let payloadDigest = SHA256Digest(bytes: digest),
            let previousHash = SHA256Digest(bytes: previous), let entryHash = SHA256Digest(bytes: hash)
        else {
            throw KimpleError(.storageCorrupted, "An evidence record does not decode.")
        }
        return EvidenceEntry(
            index: index, time: Date(timeIntervalSince1970: Double(time) / 1_000_000), tenant: tenant,
            principal: Principal(kind: kind, id: principalID), action: action, subject: subject, details: details,
            payloadDigest: payloadDigest, previousHash: previousHash, hash: entryHash)
    }
}
