import KimpleCore

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The tag of outage ids.
public enum OutageTag {}
/// An outage of the platform, as recorded for one tenant.
public typealias OutageID = Identifier<OutageTag>

/// What an outage did to the client's use of Kimple (SPEC A-1, contract §9.1).
public enum OutageImpact: String, Sendable, Hashable, Codable, CaseIterable {
    /// Kimple was not accessible for the client: an unavailability (indisponibilité). Its minutes
    /// inside the covered period are subtracted from DS.
    case inaccessible
    /// Kimple stayed accessible but one or more functions were unusable. §9.1 calls that an
    /// Incident "sans être une indisponibilité": it is recorded and reported, and it never
    /// lowers TxD (it is handled by the intervention deadlines of SPEC A-3 instead).
    case degraded
}

/// Where an outage record comes from.
public enum OutageOrigin: String, Sendable, Hashable, Codable, CaseIterable {
    /// Derived from the host's probes (see ``ProbeSeries``).
    case probe
    /// Declared by a person or by the host's own monitoring.
    case declared
    /// Derived from an incident declared as an unavailability (see ``Incident/isUnavailability``).
    case incident
}

/// A period during which the platform was down or degraded for the tenant (SPEC A-2): a start,
/// an end (or none while it is ongoing) and its impact.
///
/// An ongoing outage counts up to the instant a computation is made "as of"; see
/// ``interval(asOf:)``.
public struct Outage: Sendable, Hashable, Codable {
    /// The outage's id, unique in the tenant's store.
    public var id: OutageID
    /// When the platform stopped being accessible (or usable, for a degraded outage).
    public var start: Date
    /// When it came back, or `nil` while the outage is ongoing.
    public var end: Date?
    /// Whether it was an unavailability or a degradation.
    public var impact: OutageImpact
    /// Where the record comes from.
    public var origin: OutageOrigin
    /// A short description for the report ("database failover", "probe failures").
    public var summary: String
    /// The functions that were unusable (for a degraded outage), as the host names them.
    public var affectedFunctions: [String]
    /// The incident this outage belongs to, if any.
    public var incident: IncidentID?

    /// An outage; throws `availability.invalid_interval` when `end` is not after `start` or an
    /// instant is not finite.
    public init(
        id: OutageID, start: Date, end: Date? = nil, impact: OutageImpact = .inaccessible,
        origin: OutageOrigin = .declared, summary: String = "", affectedFunctions: [String] = [],
        incident: IncidentID? = nil
    ) throws {
        try Instants.validate(start: start, end: end, what: "outage \(id)")
        self.id = id
        self.start = start
        self.end = end
        self.impact = impact
        self.origin = origin
        self.summary = summary
        self.affectedFunctions = affectedFunctions
        self.incident = incident
    }

    /// Whether the outage has no end yet.
    public var isOngoing: Bool { end == nil }

    /// Whether its minutes count against availability (``OutageImpact/inaccessible``).
    public var countsAgainstAvailability: Bool { impact == .inaccessible }

    /// The instants of the outage known at `asOf`: `[start, end)`, or `[start, asOf)` while it is
    /// ongoing (an end after `asOf` is also cut at `asOf`). `nil` when nothing of it had happened
    /// by then.
    public func interval(asOf: Date) -> Range<Date>? {
        let upper = min(end ?? asOf, asOf)
        return start < upper ? start..<upper : nil
    }
}

/// Validation of the instants of intervals.
enum Instants {
    /// Throws `availability.invalid_interval` unless both instants are finite and `start < end`.
    static func validate(start: Date, end: Date?, what: String) throws {
        guard start.timeIntervalSince1970.isFinite, end?.timeIntervalSince1970.isFinite ?? true else {
            throw KimpleError(
                .availabilityInvalidInterval, "Instants must be real times.", context: ["record": what])
        }
        if let end, end <= start {
            throw KimpleError(
                .availabilityInvalidInterval, "An interval must end after it starts; check the two instants.",
                context: ["record": what, "start": ISO8601.string(start), "end": ISO8601.string(end)])
        }
    }

    /// Throws `availability.invalid_interval` unless `instant` is finite.
    static func validate(_ instant: Date, what: String) throws {
        guard instant.timeIntervalSince1970.isFinite else {
            throw KimpleError(.availabilityInvalidInterval, "Instants must be real times.", context: ["record": what])
        }
    }
}
