import Foundation
import KimpleCore

/// The geographic territory of the licence (§5), as ISO 3166-1 alpha-2 country codes.
public struct LicenceTerritory: Hashable, Sendable, Codable {
    /// The countries, in capitals (`FR`, `BE`), sorted and without repetition.
    public let countries: [String]

    /// A territory; throws `contract.quote.invalid` when it is empty or a code is not two capital letters.
    public init(countries: [String]) throws {
        let unique = Set(countries)
        guard !unique.isEmpty,
            unique.allSatisfy({ $0.utf8.count == 2 && $0.utf8.allSatisfy { (65...90).contains($0) } })
        else {
            throw KimpleError(
                .contractQuoteInvalid, "A licence territory lists ISO 3166-1 country codes such as FR or BE.",
                context: ["countries": countries.prefix(8).joined(separator: ",")])
        }
        self.countries = unique.sorted()
    }

    /// Whether `country` (an ISO 3166-1 alpha-2 code) lies in the territory.
    public func contains(_ country: String) -> Bool { countries.contains(country.uppercased()) }
}
