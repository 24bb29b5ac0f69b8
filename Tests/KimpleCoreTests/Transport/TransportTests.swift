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
