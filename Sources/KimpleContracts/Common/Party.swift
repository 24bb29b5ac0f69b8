import Foundation
import KimpleCore

/// Which side of the contract a party is on.
public enum PartyRole: String, Hashable, Sendable, Codable, CaseIterable, CustomStringConvertible {
    /// Cassiop, the publisher of Kimple.
    case provider
    /// The client (the brand that licenses Kimple; the SDK's tenant).
    case client

    /// The other party.
    public var other: PartyRole { self == .provider ? .client : .provider }

    /// `provider` or `client`.
    public var description: String { rawValue }
}

/// A party to a quote or contract, as identified in the quote.
public struct Party: Hashable, Sendable, Codable {
    /// Registered name (`Cassiop SAS`).
    public var legalName: String
    /// Registration number (SIREN / RCS), when known.
    public var registrationNumber: String?
    /// Postal address for notices (§14.2).
    public var address: String

    /// A party; throws `contract.quote.invalid` when the name or address is empty.
    public init(legalName: String, registrationNumber: String? = nil, address: String) throws {
        guard !legalName.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty,
            !address.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
        else {
            throw KimpleError(
                .contractQuoteInvalid, "A party needs its legal name and the address where notices are sent (§14.2).")
        }
        self.legalName = legalName
        self.registrationNumber = registrationNumber
        self.address = address
    }
}
