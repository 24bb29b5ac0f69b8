import KimpleCore

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The tag of incident ids.
public enum IncidentTag {}
/// An incident of the platform, as recorded for one tenant.
public typealias IncidentID = Identifier<IncidentTag>

/// The severity of an incident (contract §9.1, SPEC A-3).
public enum IncidentSeverity: String, Sendable, Hashable, Codable, CaseIterable {
    /// No use of Kimple is possible at all (Incident Critique): intervention due within 3
    /// business hours.
    case critical
    /// One or more functions of Kimple cannot be used (Incident Mineur): intervention due within 3
    /// business days.
    case minor
}

/// An incident: a reproducible failure that prevents a use of Kimple substantially conforming to
/// the contract (§9.1), from its declaration to its resolution (SPEC A-3).
///
/// An incident in which Kimple was in fact not accessible (``isUnavailability``) is an outage: it
/// feeds the availability rate from ``unavailableSince`` (or its declaration) to its resolution.
public struct Incident: Sendable, Hashable, Codable {
    /// The incident's id, unique in the tenant's store.
    public var id: IncidentID
    /// When the incident was declared to the provider (the instant its intervention delay starts).
    public var declaredAt: Date
    /// Critical or minor.
    public var severity: IncidentSeverity
    /// What fails, for the report.
    public var description: String
    /// When the provider intervened (its first action on the incident), once known.
    public var interventionAt: Date?
    /// When the incident was resolved, once known.
    public var resolvedAt: Date?
    /// Whether Kimple was not accessible for the client during the incident: then it is an
    /// unavailability, counted in TxD, and not subject to the intervention delays (§9.1 sets them
    /// for incidents "sans être une indisponibilité"; see ``InterventionPolicy``).
    public var isUnavailability: Bool
    /// When the unavailability started, if before the declaration (default: the declaration).
    public var unavailableSince: Date?

    /// An incident; throws `availability.invalid_interval` when an instant is not finite, the
    /// intervention or the resolution is before the declaration, or the unavailability starts
    /// after it.
    public init(
        id: IncidentID, declaredAt: Date, severity: IncidentSeverity, description: String,
        interventionAt: Date? = nil, resolvedAt: Date? = nil, isUnavailability: Bool = false,
        unavailableSince: Date? = nil
    ) throws {
        let what = "incident \(id)"
        try Instants.validate(declaredAt, what: what)
        for instant in [interventionAt, resolvedAt].compactMap({ $0 }) {
            try Instants.validate(instant, what: what)
            guard instant >= declaredAt else {
                throw KimpleError(
                    .availabilityInvalidInterval,
                    "An intervention or a resolution cannot come before the incident's declaration.",
                    context: ["incident": id.rawValue, "instant": ISO8601.string(instant)])
            }
        }
        if let unavailableSince {
            try Instants.validate(unavailableSince, what: what)
            guard unavailableSince <= declaredAt else {
                throw KimpleError(
                    .availabilityInvalidInterval, "An unavailability starts at the latest when it is declared.",
                    context: ["incident": id.rawValue])
            }
        }
        self.id = id
        self.declaredAt = declaredAt
        self.severity = severity
        self.description = description
        self.interventionAt = interventionAt
        self.resolvedAt = resolvedAt
        self.isUnavailability = isUnavailability
        self.unavailableSince = unavailableSince
    }

    /// Whether the incident is not resolved yet.
    public var isOpen: Bool { resolvedAt == nil }

    /// The instant the incident's period starts: the start of the unavailability or the declaration.
    public var start: Date { unavailableSince ?? declaredAt }

    /// The outage this incident stands for when it is an unavailability (id `incident-<id>`,
    /// ongoing until resolved), else `nil`. Merged with probe outages, it is never counted twice.
    public var outage: Outage? {
        guard isUnavailability, let id = OutageID(rawValue: "incident-\(id.rawValue)".prefix(128).description)
        else { return nil }
        let end = resolvedAt.flatMap { $0 > start ? $0 : nil }
        return try? Outage(
            id: id, start: start, end: end, impact: .inaccessible, origin: .incident, summary: description,
            incident: self.id)
    }
}
