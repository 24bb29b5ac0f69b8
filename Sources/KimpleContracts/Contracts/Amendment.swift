import Foundation
import KimpleCore

/// A written amendment (avenant, §14.6, C-12): changes to the terms, in force from a date, binding only
/// once signed by an authorised representative of each party.
public struct Amendment: Hashable, Sendable, Codable {
    /// The amendment's number within the contract (1, 2, ...).
    public var number: Int
    /// What it changes, in words.
    public var description: String
    /// The changes, applied in order.
    public var changes: [TermsChange]
    /// The first day they apply (a billing month is priced with the terms in force on its first day).
    public var effectiveFrom: CivilDate
    /// Who proposed it.
    public var proposedBy: PartyRole
    /// When it was proposed.
    public var proposedAt: Date
    /// How many revisions the terms had when it was proposed: signing it after another revision is refused
    /// (`contract.amendment.stale`), since the signatories did not see the terms it changes.
    public var baseRevisionCount: Int
    /// The signatures so far, one per party.
    public var signatures: [PartySignature]
    /// When the second signature made it binding.
    public var signedAt: Date?

    /// Whether both parties signed.
    public var isSigned: Bool { signedAt != nil }

    /// What the signatures bind to.
    struct SignedContent: Codable {
        var contract: ContractID
        var number: Int
        var description: String
        var changes: [TermsChange]
        var effectiveFrom: CivilDate
    }

    /// SHA-256 of the canonical JSON of the amendment's content for `contract`.
    public func digest(contract: ContractID) throws -> SHA256Digest {
        SHA256.hash(
            try JSONCoding.encode(
                SignedContent(
                    contract: contract, number: number, description: description, changes: changes,
                    effectiveFrom: effectiveFrom)))
    }
}

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
