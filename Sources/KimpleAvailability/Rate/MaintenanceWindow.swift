import KimpleCore

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The tag of maintenance window ids.
public enum MaintenanceTag {}
/// A maintenance window of the platform, as recorded for one tenant.
public typealias MaintenanceID = Identifier<MaintenanceTag>

/// The two kinds of maintenance the contract excludes from the covered period PC (§9.1:
/// "après exclusion des périodes de maintenance programmée et de maintenance d'urgence").
public enum MaintenanceKind: String, Sendable, Hashable, Codable, CaseIterable {
    /// Maintenance planned and announced ahead (maintenance programmée).
    case scheduled
    /// Maintenance that could not wait (maintenance d'urgence).
    case emergency
}

/// A period of scheduled or emergency maintenance, excluded from the covered period PC
/// (SPEC A-1). Only the whole minutes inside the window are excluded (see
/// ``MinuteSet/within(_:)``), and overlapping windows are counted once.
public struct MaintenanceWindow: Sendable, Hashable, Codable {
    /// The window's id, unique in the tenant's store.
    public var id: MaintenanceID
    /// Scheduled or emergency.
    public var kind: MaintenanceKind
    /// When the maintenance starts.
    public var start: Date
    /// When it ends, or `nil` while an emergency maintenance is still running (it then counts
    /// up to the instant of the computation).
    public var end: Date?
    /// When the client was told of it, if it was announced (the report shows it; the contract
    /// sets no notice period).
    public var announcedAt: Date?
    /// What was done.
    public var summary: String

    /// A maintenance window; throws `availability.invalid_interval` when `end` is not after
    /// `start` or an instant is not finite.
    public init(
        id: MaintenanceID, kind: MaintenanceKind, start: Date, end: Date?, announcedAt: Date? = nil,
        summary: String = ""
    ) throws {
        try Instants.validate(start: start, end: end, what: "maintenance \(id)")
        if let announcedAt { try Instants.validate(announcedAt, what: "maintenance \(id)") }
        self.id = id
        self.kind = kind
        self.start = start
        self.end = end
        self.announcedAt = announcedAt
        self.summary = summary
    }

    /// The instants of the window known at `asOf`: `[start, end)`, a window without end cut at
    /// `asOf`. A scheduled window in the future is known in full (it is planned); `nil` when an
    /// open window had not started by `asOf`.
    public func interval(asOf: Date) -> Range<Date>? {
        guard let end else { return start < asOf ? start..<asOf : nil }
        return start..<end
    }
}
