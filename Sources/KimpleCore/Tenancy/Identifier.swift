#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// A typed identifier: `Identifier<Tenant>` and `Identifier<Operation>` are different types
/// even though both wrap a string, so a participant id can never be passed where a
/// tenant id is expected (K-1).
///
/// The raw value is 1 to 128 characters from `A-Z a-z 0-9 . _ -`, not starting with a dot.
/// That makes every identifier safe to use as a file or directory name and in exports.
public struct Identifier<Tag>: RawRepresentable, Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    /// The identifier's text: 1 to 128 characters from `A-Z a-z 0-9 . _ -`, not starting with a dot.
    public let rawValue: String

    /// Validates `rawValue`; returns `nil` when it is not a valid identifier.
    public init?(rawValue: String) {
        guard Self.isValid(rawValue) else { return nil }
        self.rawValue = rawValue
    }

    /// Validates `value`, throwing `core.invalid_argument` when it is not a valid identifier.
    public init(_ value: String) throws {
        guard Self.isValid(value) else {
            throw KimpleError(
                .invalidArgument,
                "An identifier must be 1 to 128 characters from A-Z, a-z, 0-9, '.', '_' or '-', not starting with '.'.",
                context: ["value": String(value.prefix(64))])
        }
        self.rawValue = value
    }

    /// A new random identifier (32 lowercase hexadecimal characters, 128 random bits).
    public static func random() -> Self {
        var generator = SystemRandomNumberGenerator()
        return random(using: &generator)
    }

    /// A new identifier from `generator` (deterministic with a seeded generator).
    public static func random(using generator: inout some RandomNumberGenerator) -> Self {
        let high = generator.next() as UInt64
        let low = generator.next() as UInt64
        return Self(unchecked: Hex.string(high) + Hex.string(low))
    }

    /// For values the SDK builds itself and knows to be valid.
    package init(unchecked value: String) {
        self.rawValue = value
    }

    /// The identifier's text.
    public var description: String { rawValue }

    /// Order of the texts, so lists of identifiers sort the same everywhere.
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }

    /// Whether `value` is a valid identifier.
    public static func isValid(_ value: String) -> Bool {
        let utf8 = value.utf8
        guard !utf8.isEmpty, utf8.count <= 128, utf8.first != UInt8(ascii: ".") else { return false }
        for byte in utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "-"):
                continue
            default:
                return false
            }
        }
        return true
    }
}

extension Identifier: ExpressibleByStringLiteral {
    /// Literal identifiers are written by programmers; an invalid literal is a programming
    /// error caught at the first run of the code that contains it.
    public init(stringLiteral value: String) {
        precondition(Self.isValid(value), "Invalid identifier literal '\(value)'")
        self.rawValue = value
    }
}

// MARK: - Tags

/// Tag of a tenant: a client (brand) of the platform, the licensee.
public enum TenantTag {}
/// Tag of a participant (a person taking part in operations).
public enum ParticipantTag {}
/// Tag of an authorised user login acting for a tenant.
public enum UserTag {}

/// A tenant: one client of the platform. Every stored record belongs to exactly one tenant.
public typealias TenantID = Identifier<TenantTag>
/// A participant.
public typealias ParticipantID = Identifier<ParticipantTag>
/// An authorised user login.
public typealias UserID = Identifier<UserTag>
