import Synchronization

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// A ``MessageTransport`` that keeps each message as a file until a deliverer has sent
/// it: at-least-once delivery that survives restarts (K-6).
///
/// ```
/// <directory>/pending/<key digest>.json     accepted, not yet delivered
/// <directory>/delivered/<key digest>.json   delivered (kept as the record of what was sent)
/// <directory>/damaged/<key digest>.json     a file that no longer decodes, set aside
/// ```
/// `<key digest>` is the SHA-256 of the idempotency key, in hex. Files are written
/// atomically. ``deliverPending(using:)`` hands each pending message to the host's
/// sender and moves it to `delivered/` only after the sender returned: a crash in
/// between sends it again on the next run (at least once; recipients deduplicate on the
/// idempotency key).
///
/// A pending file that no longer decodes (damaged on disk, or written by something else)
/// never blocks the others: a delivery run moves it to `damaged/` for a person to look at
/// and reports it in ``DeliveryRun/setAside``; sending its message again writes a good copy.
///
/// A message that carries a person's data (``OutboundMessage/dataSubject`` set) is kept in
/// `delivered/` redacted (``OutboundMessage/redactingPersonalData()``: the digests of its body
/// and address stay as the receipt of what was sent), and ``redactMessages(about:tenant:)``
/// and ``redactMessages(of:)`` redact such messages in `pending/` and `delivered/` when the
/// person's data is erased (P-3, P-9): no file of the outbox keeps an erased person's data.
public final class FileOutbox: PersonalDataRedactingTransport {
    /// What one delivery run did.
    public struct DeliveryRun: Sendable, Hashable {
        /// Keys delivered in this run.
        public var delivered: [String] = []
        /// Keys whose delivery failed, with the reason; they stay pending.
        public var failed: [String: String] = [:]
        /// Files of `pending/` that did not decode, moved to `damaged/` (by file name).
        public var setAside: [String] = []
    }

    /// The outbox directory.
    public let directory: URL
    private let clock: any Clock
    /// Serialises sends and deliveries of this handle; holds the directory lock, `nil` once closed.
    private let mutex: Mutex<DirectoryLock?>

    /// Opens (creating if needed) the outbox in `directory`; throws `storage.locked` when
    /// another handle has it open.
    public init(directory: URL, clock: any Clock = SystemClock()) throws {
        self.directory = directory
        self.clock = clock
        try POSIX.makeDirectories(directory.path + "/pending")
        try POSIX.makeDirectories(directory.path + "/delivered")
        self.mutex = Mutex(try DirectoryLock(directory: directory.path))
        for name in try POSIX.list(directory.path + "/pending") where AtomicFile.isLeftover(name) {
            try POSIX.remove(directory.path + "/pending/" + name)
        }
    }

    /// Writes `message` atomically to `pending/` and returns once the file is durable. A key seen
    /// before (pending or delivered) writes nothing and returns the first receipt marked
    /// ``DeliveryReceipt/duplicate``. Throws `core.invalid_argument` for an empty or oversized key or
    /// an empty subject, `storage.io` when the file cannot be written.
    @discardableResult
    public func send(_ message: OutboundMessage) async throws -> DeliveryReceipt {
        try message.validate()
        let name = Self.fileName(message.idempotencyKey)
        let pending = directory.path + "/pending/" + name
        let delivered = directory.path + "/delivered/" + name
        let now = clock.now
        return try mutex.withLock { lock in
            guard lock != nil else { throw KimpleError.closed(directory.path) }
            for existing in [pending, delivered] where POSIX.exists(existing) {
                let stored: Envelope
                do {
                    stored = try Self.read(existing)
                } catch let error as KimpleError where error.code == .storageCorrupted {
                    // A damaged copy is no proof the message was accepted: set it aside, keep this one.
                    try setAside(existing, named: name)
                    continue
                }
                return DeliveryReceipt(
                    idempotencyKey: message.idempotencyKey, acceptedAt: stored.acceptedAt, duplicate: true)
            }
            let envelope = Envelope(message: message, acceptedAt: now)
            do {
                try AtomicFile.write([UInt8](JSONCoding.encode(envelope)), to: pending)
            } catch {
                // Not accepted: leave nothing a delivery run would send (the rename may have
                // happened before the directory's fsync failed). The caller sends it again.
                try? POSIX.remove(pending)
                throw error
            }
            return DeliveryReceipt(idempotencyKey: message.idempotencyKey, acceptedAt: now, duplicate: false)
        }
    }

    /// The messages accepted and not yet delivered, oldest first. Throws `storage.corrupted`
    /// naming a pending file that does not decode (``deliverPending(using:)`` sets it aside).
    public func pendingMessages() throws -> [OutboundMessage] {
        try envelopes(in: "pending").map(\.message)
    }

    /// The messages delivered, oldest first.
    public func deliveredMessages() throws -> [OutboundMessage] {
        try envelopes(in: "delivered").map(\.message)
    }

    /// Hands every pending message, oldest first, to `deliver`; moves each one that
    /// `deliver` returned for to `delivered/` (redacted, when it carries a person's data: the
    /// redacted copy is written atomically, then the pending file removed). A message whose
    /// `deliver` throws stays pending for the next run; a file that does not decode is moved
    /// to `damaged/` and listed in ``DeliveryRun/setAside``.
    nonisolated(nonsending) public func deliverPending(
        using deliver: (OutboundMessage) async throws -> Void
    ) async throws -> DeliveryRun {
        var run = DeliveryRun()
        var readable: [Envelope] = []
        let folder = directory.path + "/pending"
        for name in try fileNames(in: "pending") {
            do {
                readable.append(try Self.read(folder + "/" + name))
            } catch let error as KimpleError where error.code == .storageCorrupted {
                try mutex.withLock { lock in
                    guard lock != nil else { throw KimpleError.closed(directory.path) }
                    try setAside(folder + "/" + name, named: name)
                }
                run.setAside.append(name)
            }
        }
        for envelope in Self.oldestFirst(readable) {
            let key = envelope.message.idempotencyKey
            do {
                try await deliver(envelope.message)
            } catch {
                run.failed[key] = String(describing: error)
                continue
            }
            let name = Self.fileName(key)
            try mutex.withLock { lock in
                guard lock != nil else { throw KimpleError.closed(directory.path) }
                let pending = directory.path + "/pending/" + name
                let delivered = directory.path + "/delivered/" + name
                if envelope.message.dataSubject != nil {
                    // A crash between the two steps leaves it pending: it is delivered again.
                    var redacted = envelope
                    redacted.message = envelope.message.redactingPersonalData()
                    try AtomicFile.write([UInt8](JSONCoding.encode(redacted)), to: delivered)
                    try POSIX.remove(pending)
                } else {
                    try POSIX.rename(pending, delivered)
                    try POSIX.syncDirectory(directory.path + "/delivered")
                }
                try POSIX.syncDirectory(directory.path + "/pending")
            }
            run.delivered.append(key)
        }
        return run
    }

    /// Redacts every message of `tenant` about `subject` in `pending/` and `delivered/` (each
    /// file rewritten atomically; a pending one stays pending and is delivered redacted) and
    /// returns their keys. Throws `storage.corrupted` for a file that does not decode (a
    /// delivery run sets pending ones aside), `storage.io` when a file cannot be written.
    public func redactMessages(about subject: SHA256Digest, tenant: TenantID) async throws -> [String] {
        try redact { $0.tenant == tenant && $0.dataSubject == subject }
    }

    /// Redacts every message of `tenant` that carries a person's data, in `pending/` and
    /// `delivered/`, and returns their keys; throws as ``redactMessages(about:tenant:)``.
    public func redactMessages(of tenant: TenantID) async throws -> [String] {
        try redact { $0.tenant == tenant && $0.dataSubject != nil }
    }

    private func redact(_ matches: (OutboundMessage) -> Bool) throws -> [String] {
        try mutex.withLock { lock in
            guard lock != nil else { throw KimpleError.closed(directory.path) }
            var keys: [String] = []
            for folder in ["pending", "delivered"] {
                let path = directory.path + "/" + folder
                for name in try POSIX.list(path) where name.hasSuffix(".json") && !AtomicFile.isLeftover(name) {
                    var envelope = try Self.read(path + "/" + name)
                    guard matches(envelope.message), !envelope.message.isRedacted else { continue }
                    envelope.message = envelope.message.redactingPersonalData()
                    try AtomicFile.write([UInt8](JSONCoding.encode(envelope)), to: path + "/" + name)
                    keys.append(envelope.message.idempotencyKey)
                }
            }
            return keys
        }
    }

    /// Waits for a send or a move to `delivered/` in progress, then releases the directory
    /// lock, so that another handle or process can open the outbox. Later calls throw
    /// `storage.closed`; closing twice is harmless. A delivery run in progress throws
    /// `storage.closed` when it comes to move its next delivered message, which stays pending
    /// and is delivered again by the next run (at least once).
    public func close() {
        mutex.withLock { $0 = nil }
    }

    // MARK: -

    private struct Envelope: Codable {
        var message: OutboundMessage
        var acceptedAt: Date
    }

    /// The envelopes of `folder`, oldest first; throws `storage.corrupted` for a file that
    /// does not decode.
    private func envelopes(in folder: String) throws -> [Envelope] {
        let path = directory.path + "/" + folder
        return Self.oldestFirst(try fileNames(in: folder).map { try Self.read(path + "/" + $0) })
    }

    /// The message files of `folder`; throws `storage.closed` once closed.
    private func fileNames(in folder: String) throws -> [String] {
        if mutex.withLock({ $0 == nil }) { throw KimpleError.closed(directory.path) }
        return try POSIX.list(directory.path + "/" + folder).filter {
            $0.hasSuffix(".json") && !AtomicFile.isLeftover($0)
        }
    }

    private static func oldestFirst(_ envelopes: [Envelope]) -> [Envelope] {
        envelopes.sorted { ($0.acceptedAt, $0.message.idempotencyKey) < ($1.acceptedAt, $1.message.idempotencyKey) }
    }

    /// Moves the file at `path` to `damaged/<name>`, durably. Called under the mutex.
    private func setAside(_ path: String, named name: String) throws {
        let damaged = directory.path + "/damaged"
        try POSIX.makeDirectories(damaged)
        try POSIX.rename(path, damaged + "/" + name)
        try POSIX.syncDirectory(damaged)
        try POSIX.syncDirectory(AtomicFile.parentDirectory(of: path))
    }

    private static func read(_ path: String) throws -> Envelope {
        try JSONCoding.decode(Envelope.self, from: Data(POSIX.readFile(path)), key: path)
    }

    static func fileName(_ key: String) -> String {
        SHA256.hash(key).hex + ".json"
    }
}
