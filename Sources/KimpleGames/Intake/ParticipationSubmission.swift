import KimpleCore

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// One value of a submitted form.
public enum FieldInput: Sendable, Hashable, ExpressibleByStringLiteral, ExpressibleByBooleanLiteral {
    /// Text the host already holds as a `String`.
    case text(String)
    /// Bytes as received from the wire, not yet known to be UTF-8: the intake validates
    /// them (`participation.invalid_utf8`).
    case utf8([UInt8])
    /// A box ticked (`true`) or not.
    case flag(Bool)

    /// Text from a literal.
    public init(stringLiteral value: String) { self = .text(value) }
    /// A flag from a literal.
    public init(booleanLiteral value: Bool) { self = .flag(value) }

    /// The size of the raw value in bytes, checked before anything else.
    var byteCount: Int {
        switch self {
        case .text(let text): text.utf8.count
        case .utf8(let bytes): bytes.count
        case .flag: 1
        }
    }
}

/// What the host knows about a submission besides its form values: who sends it, from
/// where and how (G-4, G-5).
public struct SubmissionContext: Sendable, Hashable {
    /// The participant's id in the host's system, if any.
    public var participant: ParticipantID?
    /// The host's key for the person (account id, loyalty card), used as identity when the
    /// operation's ``Operation/identity`` is ``IdentitySource/hostKey``.
    public var hostKey: String?
    /// Where the submission comes from: an IP address or a device key. Robot checks count
    /// per source; leave `nil` when unknown (the per-source checks are then skipped).
    public var source: String?
    /// The HTTP user agent, if any.
    public var userAgent: String?
    /// When the form was served to the participant, as attested by the host (a signed
    /// token, a server-side session): used by the too-fast check (G-5).
    public var formStartedAt: Date?

    /// A context; every value is optional.
    public init(
        participant: ParticipantID? = nil, hostKey: String? = nil, source: String? = nil, userAgent: String? = nil,
        formStartedAt: Date? = nil
    ) {
        self.participant = participant
        self.hostKey = hostKey
        self.source = source
        self.userAgent = userAgent
        self.formStartedAt = formStartedAt
    }
}

/// A participation as submitted: the operation, the form values by name (fields, consents
/// and the honeypot) and the context.
public struct ParticipationSubmission: Sendable, Hashable {
    /// The operation taken part in.
    public var operation: OperationID
    /// Form values by field or consent name.
    public var fields: [String: FieldInput]
    /// Who sends it, from where and how.
    public var context: SubmissionContext

    /// A submission of `fields` to `operation`.
    public init(operation: OperationID, fields: [String: FieldInput], context: SubmissionContext = SubmissionContext())
    {
        self.operation = operation
        self.fields = fields
        self.context = context
    }
}
