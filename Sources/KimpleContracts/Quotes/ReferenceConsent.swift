import Foundation
import KimpleCore

/// The client's consent to appear in Cassiop's list of client references (§13.1, C-15).
public struct ReferenceConsent: Hashable, Sendable, Codable {
    /// What the client accepts to appear in.
    public enum Scope: String, Hashable, Sendable, Codable, CaseIterable {
        /// The list of client references.
        case referenceList
        /// Press releases and project explanations.
        case pressReleases
        /// The contract as a marketing example of a fruitful collaboration.
        case caseStudy
        /// Its operations shown as promotional examples.
        case operationsShowcase
    }

    /// The scopes consented to; empty when the client refused.
    public var scopes: Set<Scope>

    /// A consent to `scopes`.
    public init(scopes: Set<Scope>) {
        self.scopes = scopes
    }

    /// What §13.1 states by default: every scope.
    public static let asInTheContract = ReferenceConsent(scopes: Set(Scope.allCases))
    /// The client refused to appear anywhere (negotiated out of §13.1).
    public static let refused = ReferenceConsent(scopes: [])

    /// Whether the client consented to `scope`.
    public func allows(_ scope: Scope) -> Bool { scopes.contains(scope) }

    private enum CodingKeys: String, CodingKey { case scopes }

    /// Decodes `{"scopes":["caseStudy",...]}`.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.scopes = Set(try container.decode([Scope].self, forKey: .scopes))
    }

    /// Encodes the scopes sorted, so that the JSON (and the digest a signature binds to) is canonical.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(scopes.map(\.rawValue).sorted(), forKey: .scopes)
    }
}
