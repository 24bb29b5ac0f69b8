import Foundation
import KimpleTesting
import Testing

@testable import KimpleCore

@Suite("Transport")
struct TransportTests {
    let clock = ManualClock(Date(timeIntervalSince1970: 1_780_000_000))

    private func message(_ key: String, at offset: TimeInterval = 0) -> OutboundMessage {
        OutboundMessage(
            idempotencyKey: key, tenant: "acme", kind: MessageKind(rawValue: "test.notice"), recipient: "controller",
            channel: .email, subject: "Notice \(key)", body: "Body", attributes: ["id": key],
            createdAt: Date(timeIntervalSince1970: 1_780_000_000 + offset))
    }

    // SPEC K-6
    @Test("the in-memory recorder keeps each key once")
    func recorder() async throws {
        let transport = InMemoryTransport(clock: clock)
        try await transport.send(message("a"))
        try await transport.send(message("a"))
        try await transport.send(message("b"))
        #expect(transport.messages.map(\.idempotencyKey) == ["a", "b"])
        #expect(transport.drain().count == 2)
        #expect(transport.messages.isEmpty)
        #expect(try await transport.send(message("a")).duplicate)
    }

    // SPEC P-3, P-9, K-6: a message about a person is kept redacted once delivered, its
    // digests as the receipt; an erasure redacts the pending and delivered messages about the
    // person (and no other); the keys still deduplicate; the bytes are gone from the files.
    @Test("the file outbox redacts a person's data once delivered and on erasure")
    func outboxRedaction() async throws {
        try await withTemporaryDirectory { directory in
            let outbox = try FileOutbox(directory: directory, clock: clock)
            defer { outbox.close() }
            let jane = SHA256.hash("email:jane@example.org")
            func about(_ key: String, _ person: SHA256Digest?, recipient: String = "controller") -> OutboundMessage {
                var message = message(key)
                message.body = "Person: email:\(key)@example.org"
                message.recipient = recipient
                message.dataSubject = person
                return message
            }
            try await outbox.send(about("jane", jane))
            try await outbox.send(about("plain", nil))
            #expect(!(try filesContain("jane@example.org", under: directory)).isEmpty)
            _ = try await outbox.deliverPending { _ in }
            try await outbox.send(about("answer", jane, recipient: "answer@example.org"))
            try await outbox.send(about("other", SHA256.hash("email:bob@example.org")))
            #expect(try filesContain("jane@example.org", under: directory).isEmpty)
            #expect(!(try filesContain("answer@example.org", under: directory)).isEmpty)

            let delivered = try #require(try outbox.deliveredMessages().first { $0.idempotencyKey == "jane" })
            #expect(delivered.body == OutboundMessage.redactedText && delivered.recipient == "controller")
            #expect(delivered.attributes["redacted_body_sha256"] == SHA256.hash("Person: email:jane@example.org").hex)
            #expect(delivered.attributes["id"] == "jane" && delivered.dataSubject == jane)
            #expect(try outbox.deliveredMessages().first { $0.idempotencyKey == "plain" }?.isRedacted == false)

            #expect(try await outbox.redactMessages(about: jane, tenant: "acme") == ["answer"])
            #expect(try await outbox.redactMessages(about: jane, tenant: "acme").isEmpty)
            let answer = try #require(try outbox.pendingMessages().first { $0.idempotencyKey == "answer" })
            #expect(answer.recipient == OutboundMessage.redactedText)
            #expect(answer.attributes["redacted_recipient_sha256"] == SHA256.hash("answer@example.org").hex)
            #expect(try await outbox.send(about("jane", jane)).duplicate)
            for trace in ["jane@example.org", "answer@example.org"] {
                #expect(try filesContain(trace, under: directory).isEmpty, "\(trace) is still on disk")
            }
            #expect(!(try filesContain("other@example.org", under: directory)).isEmpty)
            #expect(!(try filesContain("plain@example.org", under: directory)).isEmpty)
            #expect(try await outbox.redactMessages(of: "acme") == ["other"])
        }
    }

    // SPEC K-6
    @Test("the file outbox delivers at least once and marks what was delivered")
    func outboxDelivery() async throws {
        try await withTemporaryDirectory { directory in
            let outbox = try FileOutbox(directory: directory, clock: clock)
            try await outbox.send(message("first", at: 0))
            clock.advance(by: 1)
            try await outbox.send(message("second", at: 1))
            clock.advance(by: 1)
            try await outbox.send(message("third", at: 2))

            // The sender fails on the second message: it stays pending.
            let run = try await outbox.deliverPending { message in
                if message.idempotencyKey == "second" { throw KimpleError(.transportFailed, "mail server down") }
            }
            #expect(run.delivered == ["first", "third"])
            #expect(run.failed.keys.sorted() == ["second"])
            #expect(try outbox.pendingMessages().map(\.idempotencyKey) == ["second"])
            #expect(try outbox.deliveredMessages().map(\.idempotencyKey) == ["first", "third"])
            // A delivered message is still known: sending it again is a duplicate.
            #expect(try await outbox.send(message("first")).duplicate)

            var sent: [String] = []
            let retry = try await outbox.deliverPending { sent.append($0.idempotencyKey) }
            #expect(retry.delivered == ["second"])
            #expect(sent == ["second"])
            #expect(try outbox.pendingMessages().isEmpty)
        }
    }

    // SPEC K-6, K-7
    @Test("a pending file that does not decode is set aside and never blocks the other messages")
    func outboxSetsDamagedFilesAside() async throws {
        try await withTemporaryDirectory { directory in
            let outbox = try FileOutbox(directory: directory, clock: clock)
            try await outbox.send(message("good"))
            try await outbox.send(message("resent"))
            let pending = directory.appendingPathComponent("pending")
            let garbage = pending.appendingPathComponent("0000.json")
            try Data("{\"message\": tru".utf8).write(to: garbage)
            let resent = pending.appendingPathComponent(FileOutbox.fileName("resent"))
            try Data([0xFF, 0x00]).write(to: resent)
            do {
                _ = try outbox.pendingMessages()
                Issue.record("a damaged pending file was read as a message")
            } catch let error as KimpleError {
                #expect(error.code == .storageCorrupted)
            }

            var sent: [String] = []
            let run = try await outbox.deliverPending { sent.append($0.idempotencyKey) }
            #expect(sent == ["good"])
            #expect(run.delivered == ["good"])
            #expect(run.setAside.sorted() == ["0000.json", FileOutbox.fileName("resent")].sorted())
            let damaged = directory.appendingPathComponent("damaged")
            #expect(FileManager.default.fileExists(atPath: damaged.appendingPathComponent("0000.json").path))
            #expect(try outbox.pendingMessages().isEmpty)

            // Sending the damaged message again writes a good copy, delivered by the next run.
            #expect(try await outbox.send(message("resent")).duplicate == false)
            let next = try await outbox.deliverPending { _ in }
            #expect(next.delivered == ["resent"])
            #expect(next.setAside.isEmpty)

            // A damaged copy found when the message is sent again is set aside and replaced.
            try await outbox.send(message("third"))
            try Data("not json".utf8).write(to: pending.appendingPathComponent(FileOutbox.fileName("third")))
            #expect(try await outbox.send(message("third")).duplicate == false)
            #expect(try outbox.pendingMessages().map(\.idempotencyKey) == ["third"])
        }
    }

    // SPEC K-6, K-7
    @Test("the file outbox keeps accepted messages across a restart and holds a lock")
    func outboxRestart() async throws {
        try await withTemporaryDirectory { directory in
            var outbox: FileOutbox? = try FileOutbox(directory: directory, clock: clock)
            try await outbox?.send(message("kept"))
            #expect { try FileOutbox(directory: directory) } throws: { ($0 as? KimpleError)?.code == .storageLocked }
            outbox = nil
            let reopened = try FileOutbox(directory: directory, clock: clock)
            let pending = try reopened.pendingMessages()
            #expect(pending == [message("kept")])
        }
    }

    // SPEC K-7
    @Test("closing the file outbox releases its lock; later calls throw storage.closed")
    func outboxClose() async throws {
        try await withTemporaryDirectory { directory in
            let outbox = try FileOutbox(directory: directory, clock: clock)
            try await outbox.send(message("kept"))
            outbox.close()
            outbox.close()
            let reopened = try FileOutbox(directory: directory, clock: clock)
            defer { reopened.close() }
            #expect(try reopened.pendingMessages() == [message("kept")])
            let closed: (any Error) -> Bool = { ($0 as? KimpleError)?.code == .storageClosed }
            await #expect { try await outbox.send(message("late")) } throws: { closed($0) }
            #expect { try outbox.pendingMessages() } throws: { closed($0) }
            #expect { try outbox.deliveredMessages() } throws: { closed($0) }
            await #expect { _ = try await outbox.deliverPending { _ in } } throws: { closed($0) }
            #expect(try reopened.pendingMessages() == [message("kept")], "the closed handle wrote nothing")
        }
    }
}

/// The files under `directory` that contain `text`'s UTF-8 bytes.
private func filesContain(_ text: String, under directory: URL) throws -> [String] {
    let needle = Data(text.utf8)
    var found: [String] = []
    let enumerator = FileManager.default.enumerator(at: directory, includingPropertiesForKeys: [.isRegularFileKey])
    while let url = enumerator?.nextObject() as? URL {
        guard (try url.resourceValues(forKeys: [.isRegularFileKey])).isRegularFile == true else { continue }
        if try Data(contentsOf: url).range(of: needle) != nil { found.append(url.path) }
    }
    return found
}
