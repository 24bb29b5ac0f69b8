import KimpleCore

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The tag of participation entries.
public enum EntryTag {}
/// An accepted participation (an entry), unique within its tenant's participation store.
public typealias EntryID = Identifier<EntryTag>

/// One normalised form value of an entry, with the category of personal data it holds.
public struct EntryField: Sendable, Hashable, Codable {
    /// The form field's name.
    public var name: String
    /// The normalised value: text, an e-mail address, a `+` phone number, a `YYYY-MM-DD`
    /// date, a choice option, `true` / `false`, a country code.
    public var value: String
    /// The field's data category.
    public var category: DataCategory {
        didSet { categoryCode = EntryCoding.code(of: category) }
    }
    /// The category's code in the binary record (0: written out), kept with the field so
    /// that encoding an entry looks nothing up.
    private(set) var categoryCode: UInt8

    /// A field `name` holding `value`, of `category`.
    public init(name: String, value: String, category: DataCategory) {
        self.init(name: name, value: value, category: category, code: EntryCoding.code(of: category))
    }

    /// A field whose category code is already known (`code` must be `EntryCoding.code(of: category)`).
    init(name: String, value: String, category: DataCategory, code: UInt8) {
        self.name = name
        self.value = value
        self.category = category
        self.categoryCode = code
    }

    private enum CodingKeys: String, CodingKey {
        case name, value, category
    }

    /// Decodes the value; throws `DecodingError` for malformed input.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            name: try container.decode(String.self, forKey: .name),
            value: try container.decode(String.self, forKey: .value),
            category: try container.decode(DataCategory.self, forKey: .category))
    }
}

/// What the intake hands to a ``ParticipationStore``: an accepted participation before
/// the store gave it an id.
public struct EntryDraft: Sendable, Hashable {
    /// The operation the entry belongs to.
    public var operation: OperationID
    /// The person's keyed identity for the limit.
    public var identity: IdentityKey
    /// The limit period the entry counts in (see ``ParticipationPeriods``); 0 for a limit
    /// per operation.
    public var period: Int64
    /// When the intake accepted it.
    public var receivedAt: Date
    /// The participant's id in the host's system, if given.
    public var participant: ParticipantID?
    /// The host's key for the person, if given.
    public var hostKey: String?
    /// The submission's source (IP address, device key), kept only when the intake is
    /// configured to (``IntakeConfiguration/keepsSource``).
    public var source: String?
    /// The normalised form values, in form order (empty optional fields are left out).
    public var fields: [EntryField]
    /// The names of the consents given, in form order.
    public var consents: [String]

    /// A draft with the given values.
    public init(
        operation: OperationID, identity: IdentityKey, period: Int64, receivedAt: Date,
        participant: ParticipantID? = nil, hostKey: String? = nil, source: String? = nil, fields: [EntryField],
        consents: [String]
    ) {
        self.operation = operation
        self.identity = identity
        self.period = period
        self.receivedAt = receivedAt
        self.participant = participant
        self.hostKey = hostKey
        self.source = source
        self.fields = fields
        self.consents = consents
    }
}

/// An accepted participation as stored: its draft plus the id and position the store gave it.
public struct ParticipationEntry: Sendable, Hashable {
    /// The entry's id.
    public var id: EntryID
    /// Its position in the tenant's store: entries are read in this order (acceptance order).
    public var sequence: UInt64
    /// Everything the intake gave.
    public var draft: EntryDraft

    /// An entry as a store gives it back.
    public init(id: EntryID, sequence: UInt64, draft: EntryDraft) {
        self.id = id
        self.sequence = sequence
        self.draft = draft
    }

    /// The draft's operation.
    public var operation: OperationID { draft.operation }
    /// The draft's identity key.
    public var identity: IdentityKey { draft.identity }
    /// The draft's limit period.
    public var period: Int64 { draft.period }
    /// When the intake accepted it.
    public var receivedAt: Date { draft.receivedAt }
    /// The host's participant id, if given.
    public var participant: ParticipantID? { draft.participant }
    /// The host's key for the person, if given.
    public var hostKey: String? { draft.hostKey }
    /// The source, when the intake keeps sources.
    public var source: String? { draft.source }
    /// The normalised form values, in form order.
    public var fields: [EntryField] { draft.fields }
    /// The consents given, in form order.
    public var consents: [String] { draft.consents }

    /// The value of the field `name`, if given.
    public subscript(field name: String) -> String? { draft.fields.first { $0.name == name }?.value }

    /// The e-mail address given (the first field of category `contact.email`), if any.
    public var email: String? { draft.fields.first { $0.category.isWithin(.email) }?.value }
    /// The phone number given (the first field of category `contact.phone`), if any.
    public var phone: String? { draft.fields.first { $0.category.isWithin(.phone) }?.value }

    /// Whether the consent `name` was given.
    public func hasConsent(_ name: String) -> Bool { draft.consents.contains(name) }

    /// The id the SDK's reference stores give the entry at `sequence`: `e` and the sequence in decimal.
    public static func referenceID(sequence: UInt64) -> EntryID {
        EntryID(unchecked: "e" + String(sequence))
    }

    /// The sequence inside a reference id, or `nil` when `id` is not one.
    public static func referenceSequence(of id: EntryID) -> UInt64? {
        let raw = id.rawValue.utf8
        guard raw.first == UInt8(ascii: "e"), raw.count > 1, raw.count <= 21 else { return nil }
        let digits = id.rawValue.dropFirst()
        guard digits.first != "0" else { return nil }
        return UInt64(digits)
    }
}
