import KimpleCore

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Sends notices to a tenant's controller through the host's transport. Messages are
/// addressed to the role `controller` of the tenant; the host's transport knows the address.
struct ControllerNotifier: Sendable {
    let tenant: TenantID
    let transport: any MessageTransport
    let clock: any Clock

    /// Sends a written notice (e-mail channel) and returns the transport's receipt. A notice
    /// whose body carries a person's data names them by `dataSubject` (their `SubjectDigest`),
    /// so that the transport redacts it once delivered and when their data is erased.
    @discardableResult
    func send(
        _ kind: MessageKind, key: String, subject: String, body: String, attributes: [String: String] = [:],
        channel: MessageChannel = .email, recipient: String = "controller", dataSubject: SHA256Digest? = nil
    ) async throws -> DeliveryReceipt {
        try await transport.send(
            OutboundMessage(
                idempotencyKey: key, tenant: tenant, kind: kind, recipient: recipient, channel: channel,
                subject: subject, body: body, attributes: attributes, createdAt: clock.now, dataSubject: dataSubject))
    }

    /// Asks the transport, when it can (``PersonalDataRedactingTransport``), to redact the
    /// messages it keeps about the person with `subject` digest, or (`nil`) every message of
    /// the tenant that carries a person's data. Returns the keys redacted.
    @discardableResult
    func redactMessages(about subject: SHA256Digest?) async throws -> [String] {
        guard let redacting = transport as? any PersonalDataRedactingTransport else { return [] }
        if let subject { return try await redacting.redactMessages(about: subject, tenant: tenant) }
        return try await redacting.redactMessages(of: tenant)
    }
}

/// Key layout of the module's documents in a tenant's `privacy` document store.
enum PrivacyKeys {
    /// The name of the tenant's document store for the privacy module.
    static let store: StoreName = "privacy"

    static func instructionHead(_ id: InstructionID) -> String { "instruction/\(id.rawValue)/head" }
    static func instructionVersion(_ id: InstructionID, _ version: Int) -> String {
        "instruction/\(id.rawValue)/v/\(padded(version))"
    }
    static func instructionVersions(_ id: InstructionID) -> String { "instruction/\(id.rawValue)/v/" }
    static let instructionPrefix = "instruction/"
    static let controller = "controller"
    static func request(_ id: String) -> String { "request/\(id)" }
    static let requestPrefix = "request/"
    static func restriction(_ digest: SHA256Digest) -> String { "restriction/\(digest.hex)" }
    static let restrictionPrefix = "restriction/"
    static func breach(_ id: String) -> String { "breach/\(id)" }
    static let breachPrefix = "breach/"
    static let contractEnd = "contract-end"
    static func audit(_ id: String) -> String { "audit/\(id)" }
    static let auditPrefix = "audit/"
    static func thirdPartyReport(_ id: String) -> String { "third-party-audit/\(id)" }
    static let thirdPartyReportPrefix = "third-party-audit/"

    /// Ten digits, so that versions sort by key.
    static func padded(_ number: Int) -> String {
        let digits = String(number)
        return String(repeating: "0", count: max(0, 10 - digits.count)) + digits
    }
}
