import Foundation
import KimpleCore

/// The checks every ``MessageTransport`` must pass.
public enum MessageTransportConformance {
    /// Runs every check; `makeTransport` is called once per check and must return a
    /// transport that has accepted nothing yet.
    @discardableResult
    public static func run(_ makeTransport: () async throws -> any MessageTransport) async throws -> ConformanceReport {
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
        return try runner.finish()
    }
}
