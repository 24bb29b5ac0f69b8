import Foundation
import KimpleCore

/// Cassiop's prior written consent to an assignment (§14.1).
public struct WrittenConsent: Hashable, Sendable, Codable {
    /// Who signed the consent for Cassiop.
    public var signatory: Signatory
    /// The day it was signed.
    public var signedOn: CivilDate
    /// A reference to the document, if any.
    public var reference: String?

    /// A consent.
    public init(signatory: Signatory, signedOn: CivilDate, reference: String? = nil) {
        self.signatory = signatory
        self.signedOn = signedOn
        self.reference = reference
    }
}

/// The assignment of the contract by the client to another company (§14.1).
public struct ContractAssignment: Hashable, Sendable, Codable {
    /// The client before.
    public var assignor: Party
    /// The client after.
    public var assignee: Party
    /// The first day the assignee is the client.
    public var effectiveFrom: CivilDate
    /// Cassiop's written consent, given on or before that day.
    public var consent: WrittenConsent
    /// When it was recorded.
    public var recordedAt: Date
}
