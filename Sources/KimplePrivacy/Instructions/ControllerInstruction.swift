import KimpleCore

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// How long identifiable data may be kept after it was recorded (P-9, §11.2.1 last item).
public struct RetentionPeriod: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The unit of ``amount``.
    public enum Unit: String, Sendable, Hashable, Codable {
        /// Calendar days.
        case days
        /// Calendar months (31 January + 1 month = 28 or 29 February).
        case months
    }

    /// How many units (1 to 1,200).
    public var amount: Int
    /// The unit.
    public var unit: Unit

    /// `amount` units.
    public init(amount: Int, unit: Unit) {
        self.amount = amount
        self.unit = unit
    }

    /// `n` calendar days.
    public static func days(_ n: Int) -> RetentionPeriod { RetentionPeriod(amount: n, unit: .days) }
    /// `n` calendar months.
    public static func months(_ n: Int) -> RetentionPeriod { RetentionPeriod(amount: n, unit: .months) }

    /// `3 months`, `30 days`.
    public var description: String { "\(amount) \(unit.rawValue)" }

    /// The retention cutoff at `now`: data recorded strictly before it is past retention.
    /// Counted on the calendar's wall clock (Europe/Paris by default). Throws
    /// `core.out_of_range` for a result outside years 1...9999.
    public func cutoff(at now: Date, calendar: FrenchCalendar) throws -> Date {
        switch unit {
        case .days: try calendar.adding(days: -amount, to: now)
        case .months: try calendar.adding(months: -amount, to: now)
        }
    }

    func validate() throws {
        let limit = unit == .days ? 36_600 : 1_200
        guard (1...limit).contains(amount) else {
            throw KimpleError(
                .privacyInstructionInvalid, "A retention period is 1 to \(limit) \(unit.rawValue).",
                context: ["amount": String(amount)])
        }
    }
}

/// Who gave an instruction for the controller: a person with a role and a contact.
public struct InstructionAuthor: Sendable, Hashable, Codable {
    /// The person's name.
    public var name: String
    /// Their role at the controller (`Head of marketing`, `DPO`).
    public var role: String
    /// How to reach them (an address the controller gave for this purpose).
    public var contact: String

    /// An author.
    public init(name: String, role: String, contact: String) {
        self.name = name
        self.role = role
        self.contact = contact
    }
}

/// What a controller instructs (P-1, P-2, P-6, P-8, P-9): the documented instruction as
/// written in the annex of the quote (§11.2, "instructions écrites, détaillées dans les devis").
public struct InstructionTerms: Sendable, Hashable, Codable {
    /// Who gave it.
    public var author: InstructionAuthor
    /// When the controller gave it (signed it).
    public var givenAt: Date
    /// Where it is written (`Quote 2026-014, annex 1`).
    public var reference: String
    /// Its text, as given.
    public var text: String
    /// The purposes it allows (P-2).
    public var purposes: Set<ProcessingPurpose>
    /// The ordinary categories of data it covers; a category covers the ones within it
    /// (`contact` covers `contact.email`). Special categories are not allowed here.
    public var categories: Set<DataCategory>
    /// Special categories (GDPR art. 9, 10) the controller explicitly allows, each named
    /// (`special.health`); the bare `special` is refused so that no category is allowed by
    /// accident (P-6).
    public var specialCategories: Set<DataCategory>
    /// Whether special-category data may be processed and exported in clear. Default
    /// `false`: exports withhold or protect it (P-6).
    public var specialCategoriesInClear: Bool
    /// How long identifiable data is kept (P-9).
    public var retention: RetentionPeriod
    /// The recipients outside the SDK's stores that data may be sent to (P-8). Every
    /// destination of a processing must be one of them, and also pass the transfer rule.
    public var recipients: [TransferRecipient]

    /// Terms as written; ``InstructionRegistry/record(_:id:by:)`` validates them.
    public init(
        author: InstructionAuthor, givenAt: Date, reference: String, text: String,
        purposes: Set<ProcessingPurpose>, categories: Set<DataCategory>, specialCategories: Set<DataCategory> = [],
        specialCategoriesInClear: Bool = false, retention: RetentionPeriod, recipients: [TransferRecipient] = []
    ) {
        self.author = author
        self.givenAt = givenAt
        self.reference = reference
        self.text = text
        self.purposes = purposes
        self.categories = categories
        self.specialCategories = specialCategories
        self.specialCategoriesInClear = specialCategoriesInClear
        self.retention = retention
        self.recipients = recipients
    }

    /// Throws `privacy.instruction.invalid` naming the first problem.
    func validate() throws {
        try Text.require(author.name, "The author's name", limit: 200, code: .privacyInstructionInvalid)
        try Text.require(author.contact, "The author's contact", limit: 500, code: .privacyInstructionInvalid)
        try Text.require(reference, "The instruction's reference", limit: 500, code: .privacyInstructionInvalid)
        try Text.require(text, "The instruction's text", limit: 100_000, code: .privacyInstructionInvalid)
        guard !purposes.isEmpty else {
            throw KimpleError(.privacyInstructionInvalid, "An instruction names at least one purpose.")
        }
        guard !categories.isEmpty || !specialCategories.isEmpty else {
            throw KimpleError(.privacyInstructionInvalid, "An instruction names the categories of data it covers.")
        }
        if let special = categories.first(where: \.isSpecial) {
            throw KimpleError(
                .privacyInstructionInvalid,
                "Special categories go in specialCategories, each named explicitly, not in categories.",
                context: ["category": special.rawValue])
        }
        for category in specialCategories where !category.isSpecial || category == .special {
            throw KimpleError(
                .privacyInstructionInvalid,
                "specialCategories holds special categories named one by one (special.health...), not the whole family.",
                context: ["category": category.rawValue])
        }
        try retention.validate()
        var seen = Set<TransferDestination>()
        for recipient in recipients {
            try recipient.validate()
            guard seen.insert(recipient.destination).inserted else {
                throw KimpleError(
                    .privacyInstructionInvalid, "A recipient is listed twice.",
                    context: ["recipient": recipient.name, "country": recipient.country])
            }
        }
    }

    /// Whether `category` is covered: within an allowed ordinary category, or, for a special
    /// one, within an explicitly allowed special category.
    public func covers(_ category: DataCategory) -> Bool {
        let allowed = category.isSpecial ? specialCategories : categories
        if allowed.contains(category) { return true }
        var parent = category.parent
        while let current = parent {
            if allowed.contains(current) { return true }
            parent = current.parent
        }
        return false
    }

    /// The recipient named by `destination`, if the instruction lists it.
    public func recipient(for destination: TransferDestination) -> TransferRecipient? {
        recipients.first { $0.name == destination.recipient && $0.country == destination.country }
    }
}

/// The processor's flag of an instruction it considers infringing the GDPR (P-1, §11.2.1
/// third item, GDPR art. 28(3)).
public struct InstructionFlag: Sendable, Hashable, Codable {
    /// How a flag ended.
    public enum Resolution: String, Sendable, Hashable, Codable {
        /// The controller confirmed the instruction after being told (§11.2.13: the
        /// processor may then terminate the processing part of the contract).
        case controllerConfirmed = "controller_confirmed"
        /// The processor withdrew its flag.
        case withdrawn
    }

    /// Why the processor considers the instruction infringing.
    public var reason: String
    /// When it was flagged.
    public var flaggedAt: Date
    /// Who flagged it (the processor's staff or a component).
    public var flaggedBy: Principal
    /// Whether processing under the instruction is held until the flag is resolved.
    public var holdsProcessing: Bool
    /// How it ended, when it did.
    public var resolution: Resolution?
    /// When it ended.
    public var resolvedAt: Date?
    /// Who ended it.
    public var resolvedBy: Principal?
    /// What was said when it ended.
    public var resolutionNote: String?
}

/// The controller's withdrawal of an instruction.
public struct InstructionRevocation: Sendable, Hashable, Codable {
    /// When.
    public var revokedAt: Date
    /// Who recorded it.
    public var revokedBy: Principal
    /// Why, as the controller said.
    public var reason: String
}

/// One version of a documented instruction of a controller, as recorded (P-1).
public struct ControllerInstruction: Sendable, Hashable, Codable {
    /// The instruction.
    public var id: InstructionID
    /// Its version, from 1; each change of terms is a new version.
    public var version: Int
    /// The controller.
    public var tenant: TenantID
    /// What it says.
    public var terms: InstructionTerms
    /// SHA-256 of the text, as written to the evidence log.
    public var textDigest: SHA256Digest
    /// When the processor recorded it.
    public var recordedAt: Date
    /// Who recorded it.
    public var recordedBy: Principal
    /// Set when the controller withdrew it.
    public var revocation: InstructionRevocation?
    /// Set when the processor flagged it as infringing.
    public var flag: InstructionFlag?

    /// Whether processing under it is held by an unresolved flag.
    public var isHeld: Bool {
        guard let flag else { return false }
        return flag.holdsProcessing && flag.resolution == nil
    }
}
