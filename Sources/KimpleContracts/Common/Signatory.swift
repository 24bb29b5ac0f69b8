import Foundation
import KimpleCore

/// A person who signs for a party: an authorised representative (§14.6 "représentant habilité").
public struct Signatory: Hashable, Sendable, Codable {
    /// The person's name.
    public var name: String
    /// The capacity in which the person signs (`Directrice Générale`).
    public var capacity: String

    /// A signatory; throws `contract.signature.invalid` when the name or capacity is empty.
    public init(name: String, capacity: String) throws {
        guard !name.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty,
            !capacity.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
        else {
            throw KimpleError(
                .contractSignatureInvalid,
                "A signature names the person who signs and the capacity in which they represent their party.")
        }
        self.name = name
        self.capacity = capacity
    }
}

/// A party's signature of a document (a quote, an amendment), bound to the document's content
/// by its SHA-256.
public struct PartySignature: Hashable, Sendable, Codable {
    /// The party that signed.
    public var party: PartyRole
    /// Who signed for it.
    public var signatory: Signatory
    /// When the signature was recorded.
    public var signedAt: Date
    /// SHA-256 of the canonical content signed: a later change of the document does not carry
    /// the signature.
    public var documentDigest: SHA256Digest

    /// A signature.
    public init(party: PartyRole, signatory: Signatory, signedAt: Date, documentDigest: SHA256Digest) {
        self.party = party
        self.signatory = signatory
        self.signedAt = signedAt
        self.documentDigest = documentDigest
    }
}
