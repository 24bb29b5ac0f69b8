import KimpleCore

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The availability rate of one calendar month with every input a person needs to check it
/// (SPEC; contract §9.1):
///
///     PC  = monthMinutes − maintenanceMinutes
///     DS  = PC − unavailableMinutes
///     TxD = DS × 100 / PC            met when TxD ≥ target (99.9)
///
/// All minute counts are whole real minutes in Europe/Paris (a month with the spring change has
/// one hour less, with the autumn change one hour more).
public struct MonthlyAvailability: Sendable, Hashable, Codable {
    /// The calendar month.
    public var month: CalendarMonth
    /// The first instant of the month in the calendar's zone.
    public var start: Date
    /// The first instant of the next month (excluded).
    public var end: Date
    /// The instant the figures were computed at: ongoing outages count up to it.
    public var asOf: Date
    /// Whether the month was over at `asOf` (otherwise every figure is provisional: the rate if no
    /// more outage happens before the end of the month).
    public var isFinal: Bool

    /// The real minutes of the month (43,200 for 30 days; 44,580 for March 2024 in Paris).
    public var monthMinutes: Int
    /// Minutes of scheduled maintenance in the month (windows merged).
    public var scheduledMaintenanceMinutes: Int
    /// Minutes of emergency maintenance in the month (windows merged).
    public var emergencyMaintenanceMinutes: Int
    /// Minutes of maintenance of either kind, counted once where windows overlap: what PC excludes.
    public var maintenanceMinutes: Int
    /// PC, the covered period: `monthMinutes − maintenanceMinutes`.
    public var coveredMinutes: Int
    /// Minutes of the month during which an outage made Kimple inaccessible (outages merged),
    /// maintenance included.
    public var outageMinutes: Int
    /// Outage minutes that fell inside maintenance: excluded with the maintenance, never counted twice.
    public var outageMinutesDuringMaintenance: Int
    /// Minutes of PC during which Kimple was not accessible: `outageMinutes − outageMinutesDuringMaintenance`.
    public var unavailableMinutes: Int
    /// DS, the minutes of PC during which Kimple was accessible: `coveredMinutes − unavailableMinutes`.
    public var availableMinutes: Int
    /// Minutes during which Kimple was degraded but accessible (not counted, reported).
    public var degradedMinutes: Int

    /// TxD = DS × 100 / PC in percent (Decimal, 38 significant digits); `nil` when PC is zero
    /// (a month entirely under maintenance: nothing was covered, the commitment is met).
    public var rate: Decimal?
    /// The committed rate (99.9).
    public var target: Decimal
    /// Whether TxD ≥ target, decided exactly in integers (`DS × 100 ≥ target × PC`).
    public var isMet: Bool
    /// The error budget: `PC × (100 − target) / 100` minutes (43.2 for 30 days without maintenance).
    public var budgetMinutes: Decimal
    /// `budgetMinutes − unavailableMinutes`; negative when the commitment is missed.
    public var remainingBudgetMinutes: Decimal

    /// The formula with its figures, for a person: `TxD = DS × 100 / PC = 43,160 × 100 / 43,200 = 99.9074 %`.
    public var formula: String {
        "TxD = DS × 100 / PC = \(AvailabilityFormat.grouped(availableMinutes)) × 100 / "
            + "\(AvailabilityFormat.grouped(coveredMinutes)) = \(AvailabilityFormat.percent(rate))"
    }
}

/// The availability of one day of the month, for the daily bar of the report (SPEC A-6).
public struct DailyAvailability: Sendable, Hashable, Codable {
    /// Whether the day was over, running or still to come at the instant of the computation.
    public enum Progress: String, Sendable, Hashable, Codable {
        /// `complete`: the day is over; `inProgress`: the computation's instant falls in it, its figures
        /// cover the minutes up to that instant; `future`: nothing of it is counted yet.
        case complete, inProgress, future
    }

    /// The day (Europe/Paris).
    public var date: CivilDate
    /// Real minutes of the day (1,380 and 1,500 on the days the clocks change).
    public var minutes: Int
    /// Maintenance minutes of the day (both kinds, merged).
    public var maintenanceMinutes: Int
    /// Covered minutes of the day (`minutes − maintenanceMinutes`).
    public var coveredMinutes: Int
    /// Covered minutes during which Kimple was not accessible.
    public var unavailableMinutes: Int
    /// Covered minutes during which it was accessible.
    public var availableMinutes: Int
    /// `available × 100 / covered`, `nil` when nothing of the day was covered.
    public var rate: Decimal?
    /// Whether the day was over at the instant of the computation.
    public var progress: Progress
}
