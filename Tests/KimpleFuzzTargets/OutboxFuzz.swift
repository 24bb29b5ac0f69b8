import Foundation
import KimpleCore

/// The file outbox reading a stored message (K-6): the input is the content of one file of
/// `pending/`.
///
/// Invariants once the message decoded:
/// - it encodes and decodes back to itself (what the outbox writes, it reads);
/// - filed under its key's name, it is delivered exactly once, then listed as delivered and
///   no longer pending, and sending it again is a duplicate.
enum OutboxFuzz {
    static func run(_ input: [UInt8]) async throws {
        let directory = try scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let pending = directory.appendingPathComponent("pending", isDirectory: true)
        try FileManager.default.createDirectory(at: pending, withIntermediateDirectories: true)
        let stored = pending.appendingPathComponent("stored.json")
        try Data(input).write(to: stored)
        let clock = ManualClock(Date(timeIntervalSinceReferenceDate: 800_000_000))
        let outbox = try await must("opening the outbox") { try FileOutbox(directory: directory, clock: clock) }

        // The only step allowed to refuse: decoding the stored bytes.
        let messages = try outbox.pendingMessages()
        try invariant(messages.count == 1, "one stored file gave \(messages.count) messages")
        let message = messages[0]
        let encoded = try await must("encoding the decoded message") { try JSONCoding.encode(message) }
        let decoded = try await must("decoding the re-encoded message") {
            try JSONCoding.decode(OutboundMessage.self, from: encoded)
        }
        try invariant(decoded == message, "the message changed in a round trip")

        // Filed as the outbox files it, the message is delivered once.
        let filed = pending.appendingPathComponent(SHA256.hash(message.idempotencyKey).hex + ".json")
        if filed != stored { try await must("filing") { try FileManager.default.moveItem(at: stored, to: filed) } }
        let delivered = Recorder()
        let run = try await must("delivering") {
            try await outbox.deliverPending { delivered.append($0) }
        }
        try invariant(run.delivered == [message.idempotencyKey], "delivery run \(run)")
        try invariant(delivered.messages == [message], "the sender got \(delivered.messages.count) messages")
        try invariant(try await must("listing") { try outbox.pendingMessages() }.isEmpty, "still pending")
        try invariant(try await must("listing") { try outbox.deliveredMessages() } == [message], "not delivered")
        do {
            let receipt = try await outbox.send(message)
            try invariant(receipt.duplicate, "a delivered message was accepted again")
        } catch let error as KimpleError where error.code == .invalidArgument {
            // A stored message the outbox would not have accepted (no key, no subject): refused again.
        }
    }

    /// The sender's side of a delivery run.
    private final class Recorder {
        var messages: [OutboundMessage] = []
        func append(_ message: OutboundMessage) { messages.append(message) }
    }

    /// Messages as the outbox stores them.
    static func seeds() throws -> [String: [UInt8]] {
        let at = Date(timeIntervalSinceReferenceDate: 800_000_000.125)
        let messages: [String: OutboundMessage] = [
            "notice": OutboundMessage(
                idempotencyKey: "dsr-42-forwarded", tenant: "acme",
                kind: MessageKind(rawValue: "privacy.request.forwarded"),
                recipient: "controller", channel: .registeredLetter, subject: "Request forwarded",
                body: "Bonjour,\nla demande n° 42 a été transmise. \u{1F4E8}", attributes: ["request": "42"],
                createdAt: at),
            "event": OutboundMessage(
                idempotencyKey: "k", tenant: "t", kind: MessageKind(rawValue: "games.traffic_alert"), recipient: "host",
                subject: "s", body: "", createdAt: Date(timeIntervalSinceReferenceDate: 0)),
        ]
        var seeds: [String: [UInt8]] = [:]
        for (name, message) in messages {
            seeds[name] = try [UInt8](JSONCoding.encode(Envelope(message: message, acceptedAt: at)))
        }
        return seeds
    }

    /// The outbox's file content (its own type is private; the shape is its documented format).
    private struct Envelope: Codable {
        var message: OutboundMessage
        var acceptedAt: Date
    }
}
