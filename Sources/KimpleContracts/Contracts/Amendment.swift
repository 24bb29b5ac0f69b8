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
