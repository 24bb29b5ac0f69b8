import Synchronization

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// A ``MessageTransport`` that records what is sent: the transport of tests and demos.
public final class InMemoryTransport: PersonalDataRedactingTransport {
    private struct State {
        var messages: [OutboundMessage] = []
        var receipts: [String: DeliveryReceipt] = [:]
    }

    private let state = Mutex(State())
    private let clock: any Clock

    /// A recorder whose receipts are dated by `clock`.
    public init(clock: any Clock = SystemClock()) {
        self.clock = clock
    }

    /// Records `message`; a key seen before records nothing and returns the first receipt marked
    /// ``DeliveryReceipt/duplicate``. Throws `core.invalid_argument` for an empty or oversized key or an
    /// empty subject.
    @discardableResult
    public func send(_ message: OutboundMessage) async throws -> DeliveryReceipt {
        try message.validate()
        let now = clock.now
        return state.withLock { state in
            if var receipt = state.receipts[message.idempotencyKey] {
                receipt.duplicate = true
                return receipt
            }
            let receipt = DeliveryReceipt(idempotencyKey: message.idempotencyKey, acceptedAt: now, duplicate: false)
            state.receipts[message.idempotencyKey] = receipt
            state.messages.append(message)
            return receipt
        }
    }

    /// Every message accepted, in order (duplicates are not repeated).
    public var messages: [OutboundMessage] { state.withLock { $0.messages } }

    /// The messages of one kind, in order.
    public func messages(of kind: MessageKind) -> [OutboundMessage] {
        state.withLock { $0.messages.filter { $0.kind == kind } }
    }

    /// Redacts the recorded messages of `tenant` about `subject` (see
    /// ``PersonalDataRedactingTransport``) and returns their keys.
    public func redactMessages(about subject: SHA256Digest, tenant: TenantID) async throws -> [String] {
        redact { $0.tenant == tenant && $0.dataSubject == subject }
    }

    /// Redacts every recorded message of `tenant` that carries personal data and returns their keys.
    public func redactMessages(of tenant: TenantID) async throws -> [String] {
        redact { $0.tenant == tenant && $0.dataSubject != nil }
    }

    private func redact(_ matches: (OutboundMessage) -> Bool) -> [String] {
        state.withLock { state in
            var keys: [String] = []
            for index in state.messages.indices where matches(state.messages[index]) {
                guard !state.messages[index].isRedacted else { continue }
                state.messages[index] = state.messages[index].redactingPersonalData()
                keys.append(state.messages[index].idempotencyKey)
            }
            return keys
        }
    }

    /// Returns the messages recorded so far and forgets them (their keys stay known).
    public func drain() -> [OutboundMessage] {
        state.withLock { state in
            defer { state.messages = [] }
            return state.messages
        }
    }
}
