import KimpleCore

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The tag of breach ids.
public enum BreachTag {}
/// A personal data breach in the register.
public typealias BreachID = Identifier<BreachTag>

/// What is known about a breach, or what a phase adds (P-7, §11.2.8.2, GDPR art. 33(3)).
/// Every field is optional: a first notification holds what is known then.
public struct BreachFacts: Sendable, Hashable, Codable {
    /// The nature of the breach (what happened: loss, disclosure, alteration...).
    public var nature: String?
    /// The categories of data concerned.
    public var categories: Set<DataCategory>?
    /// The approximate number of persons concerned.
    public var approximatePersons: Int?
    /// The approximate number of records concerned.
    public var approximateRecords: Int?
    /// A contact point for more information.
    public var contactPoint: String?
    /// The likely consequences.
    public var likelyConsequences: String?
    /// Measures taken.
    public var measuresTaken: String?
    /// Measures proposed, including to mitigate adverse effects.
    public var measuresProposed: String?
    /// When the breach happened, if known.
    public var occurredAt: Date?

    /// Facts, each optional.
    public init(
        nature: String? = nil, categories: Set<DataCategory>? = nil, approximatePersons: Int? = nil,
        approximateRecords: Int? = nil, contactPoint: String? = nil, likelyConsequences: String? = nil,
        measuresTaken: String? = nil, measuresProposed: String? = nil, occurredAt: Date? = nil
    ) {
        self.nature = nature
        self.categories = categories
        self.approximatePersons = approximatePersons
        self.approximateRecords = approximateRecords
        self.contactPoint = contactPoint
        self.likelyConsequences = likelyConsequences
        self.measuresTaken = measuresTaken
        self.measuresProposed = measuresProposed
        self.occurredAt = occurredAt
    }

    /// The items a complete notification holds (§11.2.8.2 a–c), by name.
    public static let requiredItems = [
        "nature", "categories", "approximate_persons", "approximate_records", "contact_point",
        "likely_consequences", "measures",
    ]

    /// The required items still unknown.
    public var missingItems: [String] {
        var missing: [String] = []
        if nature == nil { missing.append("nature") }
        if categories?.isEmpty ?? true { missing.append("categories") }
        if approximatePersons == nil { missing.append("approximate_persons") }
        if approximateRecords == nil { missing.append("approximate_records") }
        if contactPoint == nil { missing.append("contact_point") }
        if likelyConsequences == nil { missing.append("likely_consequences") }
        if measuresTaken == nil && measuresProposed == nil { missing.append("measures") }
        return missing
    }

    /// `self` with every field `update` sets; returns the names of the items that changed.
    mutating func merge(_ update: BreachFacts) -> [String] {
        var changed: [String] = []
        func apply<T: Equatable>(_ keyPath: WritableKeyPath<BreachFacts, T?>, _ name: String) {
            if let value = update[keyPath: keyPath], self[keyPath: keyPath] != value {
                self[keyPath: keyPath] = value
                changed.append(name)
            }
        }
        apply(\.nature, "nature")
        apply(\.categories, "categories")
        apply(\.approximatePersons, "approximate_persons")
        apply(\.approximateRecords, "approximate_records")
        apply(\.contactPoint, "contact_point")
        apply(\.likelyConsequences, "likely_consequences")
        apply(\.measuresTaken, "measures_taken")
        apply(\.measuresProposed, "measures_proposed")
        apply(\.occurredAt, "occurred_at")
        return changed
    }

    func validate(detectedAt: Date) throws {
        for (name, count) in [("approximate_persons", approximatePersons), ("approximate_records", approximateRecords)]
        {
            if let count, count < 0 {
                throw KimpleError(.privacyBreachInvalid, "Counts are zero or more.", context: ["field": name])
            }
        }
        if let occurredAt, occurredAt > detectedAt {
            throw KimpleError(.privacyBreachInvalid, "A breach cannot happen after it was detected.")
        }
        for (name, text) in [
            ("nature", nature), ("contact_point", contactPoint), ("likely_consequences", likelyConsequences),
            ("measures_taken", measuresTaken), ("measures_proposed", measuresProposed),
        ] {
            if let text, Text.isBlank(text) || text.utf8.count > 20_000 {
                throw KimpleError(
                    .privacyBreachInvalid, "A text is 1 to 20,000 bytes when given.", context: ["field": name])
            }
        }
    }
}

/// One phase of the notification to the controller.
public struct BreachNotificationPhase: Sendable, Hashable, Codable {
    /// 1, 2, ...
    public var number: Int
    /// When the transport accepted it.
    public var sentAt: Date
    /// The items it added or changed since the previous phase.
    public var newItems: [String]
    /// The required items still unknown when it was sent.
    public var missingItems: [String]
    /// SHA-256 of its text.
    public var digest: SHA256Digest
}

/// An entry of the breach register (P-7): detection, facts, notification phases.
public struct PersonalDataBreach: Sendable, Hashable, Codable {
    /// The breach.
    public var id: BreachID
    /// The controller whose data is concerned.
    public var tenant: TenantID
    /// When the processor became aware of it.
    public var detectedAt: Date
    /// Who recorded it.
    public var recordedBy: Principal
    /// What is known.
    public var facts: BreachFacts
    /// The notification phases sent to the controller, in order.
    public var phases: [BreachNotificationPhase]
    /// Items added or changed since the last phase (what the next phase brings).
    public var changedSinceLastPhase: [String]
    /// When it was closed (no further phase expected).
    public var closedAt: Date?

    /// When the controller was first told: from then it is aware, and its 72 hours towards
    /// the supervisory authority run (art. 33(1)).
    public var controllerNotifiedAt: Date? { phases.first?.sentAt }
}

/// Where a breach stands against the 72-hour horizon (P-7).
public struct BreachTiming: Sendable, Hashable, Codable {
    /// The breach.
    public var id: BreachID
    /// When the processor became aware.
    public var detectedAt: Date
    /// When the controller was first told, if it was.
    public var controllerNotifiedAt: Date?
    /// 72 hours after the controller was told: the controller's horizon towards the
    /// authority (art. 33(1)). Before the first notice, 72 hours after detection: the
    /// horizon if the controller were deemed aware at once.
    public var authorityHorizon: Date
    /// Seconds left until the horizon (negative once past).
    public var secondsLeft: Double
    /// Hours the processor took to tell the controller (or has taken so far).
    public var hoursToNotifyController: Double
    /// Whether the processor's own target for telling the controller was missed.
    public var controllerNoticeLate: Bool
    /// The required items still unknown.
    public var missingItems: [String]
}
