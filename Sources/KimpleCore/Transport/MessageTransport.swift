#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// What kind of message leaves the SDK (`privacy.request.forwarded`, `games.traffic_alert`...).
/// Stable codes a host routes on.
public struct MessageKind: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible {
    /// The kind's stable code, such as `privacy.request.forwarded`.
    public let rawValue: String
    /// A kind from its code; modules declare theirs as static members.
    public init(rawValue: String) { self.rawValue = rawValue }
    /// The kind's code.
    public var description: String { rawValue }
}

/// How a message is meant to reach its recipient. The transport decides how to honour it.
public struct MessageChannel: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible {
    /// The channel's stable name: `email`, `registered_letter`, `webhook`, `event`, or one of the host's.
    public let rawValue: String
    /// A channel from its name.
    public init(rawValue: String) { self.rawValue = rawValue }
    /// The channel's name.
    public var description: String { rawValue }

    /// An e-mail.
    public static let email = MessageChannel(rawValue: "email")
    /// A registered letter with acknowledgement of receipt (lettre recommandée avec AR).
    public static let registeredLetter = MessageChannel(rawValue: "registered_letter")
    /// An HTTP call to the recipient's endpoint.
    public static let webhook = MessageChannel(rawValue: "webhook")
    /// An event for the host application itself (a dashboard, a pager).
    public static let event = MessageChannel(rawValue: "event")
}

/// A message leaving the SDK: a notice to a client or a controller, a breach
/// notification, an event for the host (K-6).
public struct OutboundMessage: Sendable, Hashable, Codable {
    /// Identifies the message across retries: sending twice with the same key delivers
    /// once. Build it from what makes the message unique (`dsr-<request id>-forwarded`).
    public var idempotencyKey: String
    /// The tenant the message concerns.
    public var tenant: TenantID
    /// What the message is.
    public var kind: MessageKind
    /// Who it is for: a role (`controller`, `client`, `provider`, `host`) or an address.
    public var recipient: String
    /// How it should travel.
    public var channel: MessageChannel
    /// A one-line subject.
    public var subject: String
    /// The text, for a person.
    public var body: String
    /// Machine-readable details (ids, deadlines) for the host's routing.
    public var attributes: [String: String]
    /// When the SDK produced it.
    public var createdAt: Date
    /// The pseudonymous reference (the SHA-256 digest of the person's canonical locator, as
    /// KimplePrivacy's `SubjectDigest` computes it) of the person whose personal data the
    /// message's ``recipient`` or ``body`` carries; `nil` when it carries none. Such a message
    /// keeps the person's data in those two fields only (its ``subject`` line and
    /// ``attributes`` hold ids and dates), so that a transport can redact it
    /// (``redactingPersonalData()``) once delivered and when the person's data is erased.
    public var dataSubject: SHA256Digest?

    /// A message; `channel` defaults to ``MessageChannel/event`` (for the host itself).
    /// `dataSubject` marks a message that carries a person's data (see ``dataSubject``).
    public init(
        idempotencyKey: String, tenant: TenantID, kind: MessageKind, recipient: String,
        channel: MessageChannel = .event, subject: String, body: String, attributes: [String: String] = [:],
        createdAt: Date, dataSubject: SHA256Digest? = nil
    ) {
        self.idempotencyKey = idempotencyKey
        self.tenant = tenant
        self.kind = kind
        self.recipient = recipient
        self.channel = channel
        self.subject = subject
        self.body = body
        self.attributes = attributes
        self.createdAt = createdAt
        self.dataSubject = dataSubject
    }

    /// The recipients that name a role rather than a person; any other recipient is an
    /// address, which a redaction removes.
    public static let roleRecipients: Set<String> = ["controller", "client", "provider", "host"]

    /// The text that replaces the personal data of a redacted message.
    public static let redactedText = "(redacted)"

    /// Whether the message's personal data was redacted (see ``redactingPersonalData()``).
    public var isRedacted: Bool { attributes["redacted_body_sha256"] != nil }

    /// The message without the person's data, for a message with a ``dataSubject`` (any
    /// other is returned as it is, and so is one already redacted): the body, and the
    /// recipient unless it is one of the ``roleRecipients``, become ``redactedText``; their
    /// SHA-256 digests (hex, of their UTF-8 bytes) stay in the attributes
    /// `redacted_body_sha256` and `redacted_recipient_sha256` as the receipt of what was sent.
    /// Key, tenant, kind, channel, subject line, other attributes, date and ``dataSubject`` are
    /// kept.
    public func redactingPersonalData() -> OutboundMessage {
        guard dataSubject != nil, !isRedacted else { return self }
        var redacted = self
        redacted.attributes["redacted_body_sha256"] = SHA256.hash(body).hex
        redacted.body = Self.redactedText
        if !Self.roleRecipients.contains(recipient) {
            redacted.attributes["redacted_recipient_sha256"] = SHA256.hash(recipient).hex
            redacted.recipient = Self.redactedText
        }
        return redacted
    }
}

/// The transport's answer to a send.
public struct DeliveryReceipt: Sendable, Hashable, Codable {
    /// The message's key.
    public var idempotencyKey: String
    /// When the transport first accepted it.
    public var acceptedAt: Date
    /// `true` when a message with this key had already been accepted: nothing was sent again.
    public var duplicate: Bool

    /// A receipt, as transports return it.
    public init(idempotencyKey: String, acceptedAt: Date, duplicate: Bool) {
        self.idempotencyKey = idempotencyKey
        self.acceptedAt = acceptedAt
        self.duplicate = duplicate
    }
}

/// The way out of the SDK for messages (K-6).
///
/// The SDK ships ``InMemoryTransport`` (a recorder for tests) and ``FileOutbox`` (one file
/// per message, at-least-once delivery); a host can plug its e-mail service, letter
/// provider or queue and check it with `KimpleTesting`'s conformance suite.
///
/// ## Implementation requirements
/// - **Idempotent by key.** A second ``send(_:)`` with an accepted key changes nothing and
///   returns the first receipt with ``DeliveryReceipt/duplicate`` set.
/// - **Accepted means kept.** Once `send` returns, the message will be delivered at least
///   once, also if the process stops right after.
/// - Throws `transport.failed` (or another `KimpleError`) when the message could not be
///   accepted; the caller may retry with the same key.
public protocol MessageTransport: Sendable {
    /// Accepts `message` for delivery (see the implementation requirements).
    @discardableResult
    func send(_ message: OutboundMessage) async throws -> DeliveryReceipt
}

/// A transport that keeps messages and can take a person's data out of them (P-3, P-9): the
/// privacy module asks it, when it erases a person's data or destroys a tenant's, to redact
/// every message it still keeps about them, pending or delivered (see
/// ``OutboundMessage/redactingPersonalData()``). ``FileOutbox`` and ``InMemoryTransport``
/// conform; a host's transport that keeps copies should too.
///
/// ## Implementation requirements
/// - A redacted message keeps its key: sending it again is still a duplicate.
/// - A redacted pending message stays pending and is delivered as redacted.
/// - Redacting twice changes nothing.
public protocol PersonalDataRedactingTransport: MessageTransport {
    /// Redacts every message kept of `tenant` whose ``OutboundMessage/dataSubject`` is
    /// `subject`; returns their idempotency keys (those redacted by this call).
    func redactMessages(about subject: SHA256Digest, tenant: TenantID) async throws -> [String]

    /// Redacts every message kept of `tenant` that has a ``OutboundMessage/dataSubject``;
    /// returns their idempotency keys (those redacted by this call).
    func redactMessages(of tenant: TenantID) async throws -> [String]
}

extension OutboundMessage {
    /// Checks what every transport needs: a key of 1 to 512 bytes, a subject.
    package func validate() throws {
        guard !idempotencyKey.isEmpty, idempotencyKey.utf8.count <= 512 else {
            throw KimpleError(
                .invalidArgument, "A message needs an idempotency key of 1 to 512 bytes.",
                context: ["kind": kind.rawValue])
        }
        guard !subject.isEmpty else {
            throw KimpleError(.invalidArgument, "A message needs a subject.", context: ["kind": kind.rawValue])
        }
    }
}
