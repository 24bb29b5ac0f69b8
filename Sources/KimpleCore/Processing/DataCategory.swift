/// A category of personal data, from a small hierarchical taxonomy written with dots:
/// `contact.email` lies within `contact` (P-1, P-6).
///
/// The categories of GDPR article 9 (and criminal records, article 10) sit under
/// `special.` and are ``isSpecial``: a form field of such a category is refused unless an
/// instruction of the controller explicitly allows it, and it is never exported in clear
/// by default (P-6). Hosts can define further categories in the same dotted form.
public struct DataCategory: RawRepresentable, Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    public let rawValue: String

    /// Validates the dotted form: lowercase segments of `a-z 0-9 _`, separated by single dots.
    public init?(rawValue: String) {
        let segments = rawValue.split(separator: ".", omittingEmptySubsequences: false)
        guard !segments.isEmpty, rawValue.utf8.count <= 128,
            segments.allSatisfy({ segment in
                !segment.isEmpty
                    && segment.utf8.allSatisfy { ($0 >= 97 && $0 <= 122) || ($0 >= 48 && $0 <= 57) || $0 == 95 }
            })
        else { return nil }
        self.rawValue = rawValue
    }

    /// Throws `core.invalid_argument` when `value` is not a dotted category name.
    public init(_ value: String) throws {
        guard let category = DataCategory(rawValue: value) else {
            throw KimpleError(
                .invalidArgument, "A data category is lowercase words separated by dots, such as contact.email.",
                context: ["value": String(value.prefix(64))])
        }
        self = category
    }

    private init(known: String) { self.rawValue = known }

    public var description: String { rawValue }
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }

    /// The enclosing category (`contact` for `contact.email`), or `nil` at the top.
    public var parent: DataCategory? {
        guard let dot = rawValue.lastIndex(of: ".") else { return nil }
        return DataCategory(known: String(rawValue[..<dot]))
    }

    /// Whether this category is `other` or lies within it (`contact.email` is within `contact`).
    public func isWithin(_ other: DataCategory) -> Bool {
        rawValue == other.rawValue || rawValue.hasPrefix(other.rawValue + ".")
    }

    /// Whether this is a special category of data (GDPR art. 9) or criminal records (art. 10).
    public var isSpecial: Bool { isWithin(.special) }

    // MARK: Identity and contact
    public static let identity = DataCategory(known: "identity")
    public static let name = DataCategory(known: "identity.name")
    public static let birthDate = DataCategory(known: "identity.birthdate")
    public static let contact = DataCategory(known: "contact")
    public static let email = DataCategory(known: "contact.email")
    public static let phone = DataCategory(known: "contact.phone")
    public static let postalAddress = DataCategory(known: "contact.postal_address")
    // MARK: Online and participation
    public static let online = DataCategory(known: "online")
    public static let ipAddress = DataCategory(known: "online.ip_address")
    public static let deviceIdentifier = DataCategory(known: "online.device_id")
    public static let userAgent = DataCategory(known: "online.user_agent")
    public static let participation = DataCategory(known: "participation")
    public static let answers = DataCategory(known: "participation.answers")
    public static let submittedContent = DataCategory(known: "participation.content")
    public static let consents = DataCategory(known: "participation.consents")
    // MARK: Special categories (GDPR art. 9 and 10)
    public static let special = DataCategory(known: "special")
    public static let health = DataCategory(known: "special.health")
    public static let biometric = DataCategory(known: "special.biometric")
    public static let genetic = DataCategory(known: "special.genetic")
    public static let racialOrEthnicOrigin = DataCategory(known: "special.racial_or_ethnic_origin")
    public static let politicalOpinions = DataCategory(known: "special.political_opinions")
    public static let religiousBeliefs = DataCategory(known: "special.religious_beliefs")
    public static let tradeUnionMembership = DataCategory(known: "special.trade_union_membership")
    public static let sexLifeOrOrientation = DataCategory(known: "special.sex_life_or_orientation")
    public static let criminalRecords = DataCategory(known: "special.criminal_records")

    /// The special categories the SDK knows.
    public static let specialCategories: [DataCategory] = [
        .health, .biometric, .genetic, .racialOrEthnicOrigin, .politicalOpinions, .religiousBeliefs,
        .tradeUnionMembership, .sexLifeOrOrientation, .criminalRecords,
    ]
}
