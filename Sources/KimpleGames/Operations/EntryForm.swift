import KimpleCore

/// The entry form of an operation: typed fields, consents and an optional honeypot (G-1, G-4).
///
/// A submission may carry only the fields, consents and honeypot named here; anything
/// else is refused with `participation.unknown_field`.
public struct EntryForm: Sendable, Codable, Hashable {
    /// The fields, in display order.
    public var fields: [FormField]
    /// The consents (acceptance of the rules, marketing opt-ins), in display order.
    public var consents: [ConsentField]
    /// The name of a hidden field that people never fill and robots do (G-5), if any.
    public var honeypotField: String?

    /// A form; checked when the operation is created or edited.
    public init(fields: [FormField], consents: [ConsentField], honeypotField: String? = nil) {
        self.fields = fields
        self.consents = consents
        self.honeypotField = honeypotField
    }

    /// The field named `name`, if any.
    public func field(named name: String) -> FormField? { fields.first { $0.name == name } }

    /// The categories of personal data the form collects (consents included when there are any).
    public var dataCategories: Set<DataCategory> {
        var categories = Set(fields.map(\.category))
        if !consents.isEmpty { categories.insert(.consents) }
        return categories
    }
}

/// The type of a form field, which decides how a value is validated and normalised.
public enum FieldType: String, Sendable, Codable, Hashable, CaseIterable {
    /// One line of text: trimmed, Unicode NFC, no control characters.
    case text
    /// Text over several lines: as `text`, but tabs and line breaks are kept.
    case multilineText = "multiline_text"
    /// An e-mail address: syntax checked, lower-cased.
    case email
    /// A phone number: normalised to `+<calling code><number>` (E.164).
    case phone
    /// A date written `YYYY-MM-DD`.
    case date
    /// The participant's birth date (`YYYY-MM-DD`), used for the minimum age.
    case birthDate = "birth_date"
    /// One of the field's ``FormField/options``.
    case choice
    /// A box ticked or not: `true` / `false`.
    case checkbox
    /// The participant's country of residence: an ISO 3166-1 alpha-2 code among the
    /// operation's eligible countries.
    case country
    /// The answer to a scored quiz question (G-8): text as `text`; one of the field's
    /// ``FormField/options`` when it has any. The field's name is the question's id
    /// (``QuizQuestion/id``).
    case answer
    /// The tie-break estimate (question subsidiaire, G-8): a decimal number of at most
    /// ``FieldType/estimateIntegerDigits`` digits before the decimal separator (`.` or `,`)
    /// and ``FieldType/estimateFractionDigits`` after, with an optional sign; spaces
    /// between digit groups are allowed (`1 234,5`). Stored in a canonical form (`1234.5`).
    /// The field's name is the tie-break question's id (``TieBreakQuestion/id``).
    case estimate

    /// The most digits an ``estimate`` has before its decimal separator (15): the number's
    /// magnitude is below 10^15.
    public static let estimateIntegerDigits = 15
    /// The most digits an ``estimate`` has after its decimal separator (3).
    public static let estimateFractionDigits = 3

    /// The length limit used when a field does not set one.
    public var defaultMaximumLength: Int {
        switch self {
        case .text: 200
        case .multilineText: 2_000
        case .email: 254
        case .phone: 32
        case .date, .birthDate: 10
        case .choice: 200
        case .checkbox: 5
        case .country: 2
        case .answer: 200
        case .estimate: 32
        }
    }

    /// The data category used when a field does not set one.
    public var defaultCategory: DataCategory {
        switch self {
        case .text, .multilineText: .submittedContent
        case .email: .email
        case .phone: .phone
        case .date, .choice, .checkbox, .answer, .estimate: .answers
        case .birthDate: .birthDate
        case .country: .postalAddress
        }
    }
}

/// One typed field of an entry form.
public struct FormField: Sendable, Codable, Hashable {
    /// The field's name in submissions: 1 to 64 characters from `a-z 0-9 _`, starting with a letter.
    public var name: String
    /// The label shown to participants.
    public var label: String
    /// How values are validated and normalised.
    public var type: FieldType
    /// Whether a value must be given.
    public var required: Bool
    /// The longest value accepted, in characters, after normalisation.
    public var maximumLength: Int
    /// The values a ``FieldType/choice`` accepts (and an ``FieldType/answer``, when not empty).
    public var options: [String]
    /// The category of personal data the field holds (P-6: special categories need an
    /// instruction that allows them).
    public var category: DataCategory

    /// A field; the length limit and category default to the type's.
    public init(
        name: String, label: String, type: FieldType, required: Bool = true, maximumLength: Int? = nil,
        options: [String] = [], category: DataCategory? = nil
    ) {
        self.name = name
        self.label = label
        self.type = type
        self.required = required
        self.maximumLength = maximumLength ?? type.defaultMaximumLength
        self.options = options
        self.category = category ?? type.defaultCategory
    }
}

/// A consent asked on the form. A consent is given only by an explicit `true` in the
/// submission: the form model has no pre-ticked state.
public struct ConsentField: Sendable, Codable, Hashable {
    /// What the consent is for.
    public enum Purpose: String, Sendable, Codable, Hashable {
        /// Acceptance of the rules (règlement): required to take part.
        case rulesAcceptance = "rules_acceptance"
        /// The advertiser's marketing messages: optional, never a condition of entry.
        case marketing
        /// Partners' marketing messages: optional, never a condition of entry.
        case partnerMarketing = "partner_marketing"
        /// Anything else the client asks.
        case other
    }

    /// The consent's name in submissions (same rules as ``FormField/name``).
    public var name: String
    /// The sentence shown next to the box.
    public var text: String
    /// What the consent is for.
    public var purpose: Purpose
    /// Whether taking part needs it. Marketing consents can never be required.
    public var required: Bool

    /// A consent; required by default only for the acceptance of the rules.
    public init(name: String, text: String, purpose: Purpose, required: Bool? = nil) {
        self.name = name
        self.text = text
        self.purpose = purpose
        self.required = required ?? (purpose == .rulesAcceptance)
    }

    /// The acceptance of the rules, required.
    public static func rules(_ name: String = "rules", text: String = "I accept the rules of the game.") -> ConsentField
    {
        ConsentField(name: name, text: text, purpose: .rulesAcceptance, required: true)
    }

    /// An optional marketing opt-in.
    public static func marketing(_ name: String = "marketing", text: String) -> ConsentField {
        ConsentField(name: name, text: text, purpose: .marketing, required: false)
    }
}
