import Foundation
import KimpleCore

/// The checks every ``MessageTransport`` must pass: the SDK's ``InMemoryTransport`` and
/// ``FileOutbox`` pass them, and a host runs them against its own.
///
/// ```swift
/// @Test func myTransportConforms() async throws {
///     try await MessageTransportConformance.run(
///         { try await MyQueue.makeEmpty() }, reopen: { try await $0.reopened() },
///         deliver: { try await MyQueue.deliverAll($0) })
/// }
/// ```
public enum MessageTransportConformance {
    /// Runs every check; `makeTransport` is called once per check and must return a
    /// transport that has accepted nothing yet. With `deliver` (which hands every message
    /// accepted and not delivered yet to its recipient, and returns their idempotency keys),
    /// the delivery check runs; with `reopen` (which closes the transport given and opens it
    /// again on the same storage), the restart checks run too. Throws ``ConformanceFailures``
    /// listing every failed check.
    @discardableResult
    public static func run(
        _ makeTransport: () async throws -> any MessageTransport,
        reopen: ((any MessageTransport) async throws -> any MessageTransport)? = nil,
        deliver: ((any MessageTransport) async throws -> [String])? = nil
    ) async throws -> ConformanceReport {
        var runner = ConformanceRunner(suite: "MessageTransport")
        let r = runner
        func message(_ key: String, body: String = "body") -> OutboundMessage {
            OutboundMessage(
                idempotencyKey: key, tenant: "conformance", kind: MessageKind(rawValue: "conformance.check"),
                recipient: "host", subject: "Check", body: body, createdAt: Date(timeIntervalSince1970: 1_700_000_000))
        }

        await runner.check("a second send with the same key is a duplicate", rule: "K-6") {
            let transport = try await makeTransport()
            let first = try await transport.send(message("key-1"))
            try r.expect(!first.duplicate, "idempotent", "first send marked duplicate")
            let second = try await transport.send(message("key-1", body: "changed"))
            try r.expect(second.duplicate, "idempotent", "second send not marked duplicate")
            try r.expect(second.acceptedAt == first.acceptedAt, "idempotent", "receipt changed")
            let other = try await transport.send(message("key-2"))
            try r.expect(!other.duplicate, "idempotent", "another key marked duplicate")
        }

        await runner.check("a message without key or subject is refused", rule: "K-6") {
            let transport = try await makeTransport()
            try await r.expectError(.invalidArgument, "validation") { try await transport.send(message("")) }
        }

        await runner.check("concurrent sends of one key: exactly one is new", rule: "K-6") {
            let transport = try await makeTransport()
            let fresh = try await withThrowingTaskGroup(of: Bool.self) { group in
                for _ in 0..<16 { group.addTask { !(try await transport.send(message("race"))).duplicate } }
                var count = 0
                for try await isNew in group where isNew { count += 1 }
                return count
            }
            try r.expect(fresh == 1, "race", "\(fresh) sends were not duplicates")
        }

        await runner.check(
            "every accepted message is delivered once", rule: "K-6", needs: deliver, missing: "no deliver factory given"
        ) { deliver in
            let transport = try await makeTransport()
            try await transport.send(message("key-1"))
            try await transport.send(message("key-2"))
            try await transport.send(message("key-1", body: "again"))
            let first = try await deliver(transport)
            try r.expect(
                first.sorted() == ["key-1", "key-2"], "delivery", "delivered \(first) instead of key-1 and key-2")
            try await transport.send(message("key-1", body: "after delivery"))
            let second = try await deliver(transport)
            try r.expect(second.isEmpty, "delivery", "delivered again: \(second)")
        }

        await runner.check(
            "after a restart an accepted message is still a duplicate with its first receipt", rule: "K-7",
            needs: reopen
        ) { reopen in
            let transport = try await makeTransport()
            let first = try await transport.send(message("key-1"))
            let reopened = try await reopen(transport)
            let again = try await reopened.send(message("key-1", body: "changed"))
            try r.expect(again.duplicate, "idempotent", "the send after the restart was not a duplicate")
            try r.expect(again.acceptedAt == first.acceptedAt, "idempotent", "the receipt changed after the restart")
        }

        let reopenAndDeliver = reopen.flatMap { reopen in deliver.map { (reopen, $0) } }
        await runner.check(
            "after a restart pending messages are delivered and delivered ones are not delivered again",
            rule: "K-7", needs: reopenAndDeliver, missing: "no reopen or no deliver factory given"
        ) { factories in
            let (reopen, deliver) = factories
            let transport = try await makeTransport()
            try await transport.send(message("delivered"))
            let delivered = try await deliver(transport)
            try r.expect(delivered == ["delivered"], "before", "delivered \(delivered) before the restart")
            try await transport.send(message("pending-1"))
            try await transport.send(message("pending-2"))
            let reopened = try await reopen(transport)
            let after = try await deliver(reopened)
            try r.expect(
                after.sorted() == ["pending-1", "pending-2"], "after",
                "delivered \(after) after the restart instead of the two pending messages")
            try r.expect(
                try await reopened.send(message("delivered")).duplicate, "after",
                "a message delivered before the restart was accepted again")
            let last = try await deliver(reopened)
            try r.expect(last.isEmpty, "after", "delivered again: \(last)")
        }
        return try runner.finish()
    }
}
