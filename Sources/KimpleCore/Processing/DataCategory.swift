/// A category of personal data, from a small hierarchical taxonomy written with dots:
/// `contact.email` lies within `contact` (P-1, P-6).
///
/// The categories of GDPR article 9 (and criminal records, article 10) sit under
/// `special.` and are ``isSpecial``: a form field of such a category is refused unless an
/// instruction of the controller explicitly allows it, and it is never exported in clear
/// by default (P-6). Hosts can define further categories in the same dotted form.
public struct DataCategory: RawRepresentable, Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    /// The dotted name, such as `contact.email`; what is stored and exported.
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

    /// The dotted name.
    public var description: String { rawValue }
    /// Alphabetical order of the dotted names, so a category sorts right before those within it.
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
    /// Who the person is (`identity`): the parent of name and birth date.
    public static let identity = DataCategory(known: "identity")
    /// First and last names (`identity.name`).
    public static let name = DataCategory(known: "identity.name")
    /// Date of birth (`identity.birthdate`), used for the minimum-age check.
    public static let birthDate = DataCategory(known: "identity.birthdate")
    /// How to reach the person (`contact`): the parent of e-mail, phone and postal address.
    public static let contact = DataCategory(known: "contact")
    /// E-mail address (`contact.email`).
    public static let email = DataCategory(known: "contact.email")
    /// Telephone number (`contact.phone`).
    public static let phone = DataCategory(known: "contact.phone")
    /// Postal address (`contact.postal_address`), typically for shipping a prize.
    public static let postalAddress = DataCategory(known: "contact.postal_address")
    // MARK: Online and participation
    /// Online identifiers (`online`): the parent of IP address, device id and user agent.
    public static let online = DataCategory(known: "online")
    /// IP address of a participation (`online.ip_address`), used by robot detection.
    public static let ipAddress = DataCategory(known: "online.ip_address")
    /// Device or browser identifier (`online.device_id`), used by robot detection.
    public static let deviceIdentifier = DataCategory(known: "online.device_id")
    /// HTTP user agent (`online.user_agent`).
    public static let userAgent = DataCategory(known: "online.user_agent")
    /// What the person did in a game (`participation`): the parent of answers, content and consents.
    public static let participation = DataCategory(known: "participation")
    /// Answers to quiz questions and form fields (`participation.answers`).
    public static let answers = DataCategory(known: "participation.answers")
    /// Content the person submitted to a contest: text, photo, video (`participation.content`).
    public static let submittedContent = DataCategory(known: "participation.content")
    /// Consents given on the entry form, such as the newsletter opt-in (`participation.consents`).
    public static let consents = DataCategory(known: "participation.consents")
    // MARK: Special categories (GDPR art. 9 and 10)
    /// The special categories of GDPR article 9 and criminal records of article 10 (`special`); everything under it
    /// ``isSpecial``.
    public static let special = DataCategory(known: "special")
    /// Data concerning health (`special.health`, GDPR art. 9).
    public static let health = DataCategory(known: "special.health")
    /// Biometric data identifying a person (`special.biometric`, GDPR art. 9).
    public static let biometric = DataCategory(known: "special.biometric")
    /// Genetic data (`special.genetic`, GDPR art. 9).
    public static let genetic = DataCategory(known: "special.genetic")
    /// Racial or ethnic origin (`special.racial_or_ethnic_origin`, GDPR art. 9).
    public static let racialOrEthnicOrigin = DataCategory(known: "special.racial_or_ethnic_origin")
    /// Political opinions (`special.political_opinions`, GDPR art. 9).
    public static let politicalOpinions = DataCategory(known: "special.political_opinions")
    /// Religious or philosophical beliefs (`special.religious_beliefs`, GDPR art. 9).
    public static let religiousBeliefs = DataCategory(known: "special.religious_beliefs")
    /// Trade-union membership (`special.trade_union_membership`, GDPR art. 9).
    public static let tradeUnionMembership = DataCategory(known: "special.trade_union_membership")
    /// Sex life or sexual orientation (`special.sex_life_or_orientation`, GDPR art. 9).
    public static let sexLifeOrOrientation = DataCategory(known: "special.sex_life_or_orientation")
    /// Criminal convictions and offences (`special.criminal_records`, GDPR art. 10).
    public static let criminalRecords = DataCategory(known: "special.criminal_records")

    /// The special categories the SDK knows.
    public static let specialCategories: [DataCategory] = [
        .health, .biometric, .genetic, .racialOrEthnicOrigin, .politicalOpinions, .religiousBeliefs,
        .tradeUnionMembership, .sexLifeOrOrientation, .criminalRecords,
    ]
}
