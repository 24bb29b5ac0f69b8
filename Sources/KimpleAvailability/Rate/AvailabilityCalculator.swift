import KimpleCore

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The availability rules as pure functions over recorded outages and maintenance windows
/// (SPEC ). Each returns a breakdown a person can check by hand.
///
/// How the inputs are counted:
/// - an outage counts every minute it touches (``MinuteSet/covering(_:)``); a maintenance window
///   only the whole minutes inside it (``MinuteSet/within(_:)``);
/// - overlapping and adjacent intervals are merged, so nothing is counted twice;
/// - intervals are clipped to the month (an outage across midnight at the end of a month counts
///   its minutes in each month);
/// - only ``OutageImpact/inaccessible`` outages count; an outage minute inside maintenance is
///   excluded with the maintenance;
/// - an ongoing outage, or an emergency maintenance without end, counts up to `asOf`.
public enum AvailabilityCalculator {
    /// The availability of `month` as known at `asOf`.
    public static func monthly(
        month: CalendarMonth, outages: [Outage], maintenance: [MaintenanceWindow], asOf: Date,
        calendar: FrenchCalendar = .paris, commitment: AvailabilityCommitment = .contract
    ) -> MonthlyAvailability {
        let sets = AvailabilitySets(
            bounds: calendar.interval(of: month), outages: outages, maintenance: maintenance, asOf: asOf)
        return sets.monthly(month: month, asOf: asOf, commitment: commitment)
    }

    /// The availability of each day of `month` as known at `asOf`, in date order.
    public static func daily(
        month: CalendarMonth, outages: [Outage], maintenance: [MaintenanceWindow], asOf: Date,
        calendar: FrenchCalendar = .paris
    ) -> [DailyAvailability] {
        AvailabilitySets(bounds: calendar.interval(of: month), outages: outages, maintenance: maintenance, asOf: asOf)
            .daily(month: month, asOf: asOf, calendar: calendar)
    }

    /// `interval` split at the month boundaries of `calendar`: one piece per month it touches,
    /// in order (an outage from 31 January 23:30 to 1 February 00:20 gives two pieces).
    public static func splitByMonth(
        _ interval: Range<Date>, calendar: FrenchCalendar = .paris
    ) -> [(
        month: CalendarMonth, interval: Range<Date>
    )] {
        guard interval.lowerBound < interval.upperBound else { return [] }
        var pieces: [(month: CalendarMonth, interval: Range<Date>)] = []
        var month = calendar.month(of: interval.lowerBound)
        while true {
            let bounds = calendar.interval(of: month)
            let lower = max(bounds.lowerBound, interval.lowerBound)
            let upper = min(bounds.upperBound, interval.upperBound)
            if lower < upper { pieces.append((month, lower..<upper)) }
            guard bounds.upperBound < interval.upperBound, let next = try? month.adding(months: 1) else { break }
            month = next
        }
        return pieces
    }
}

/// The minute sets of one period (a month), computed once and reused for the month and its days.
struct AvailabilitySets {
    /// The period's minutes.
    let period: MinuteSet
    let periodRange: Range<Int64>
    let scheduled: MinuteSet
    let emergency: MinuteSet
    /// Maintenance of both kinds: excluded from PC.
    let excluded: MinuteSet
    /// Inaccessible outages, clipped to the period.
    let down: MinuteSet
    /// Degraded outages, clipped to the period.
    let degraded: MinuteSet
    /// `down − excluded`.
    let unavailable: MinuteSet

    init(bounds: Range<Date>, outages: [Outage], maintenance: [MaintenanceWindow], asOf: Date) {
        let period = MinuteSet.exactly(bounds)
        let range = period.ranges.first ?? 0..<0
        self.period = period
        self.periodRange = range
        func maintenanceSet(_ kind: MaintenanceKind) -> MinuteSet {
            MinuteSet(
                maintenance.lazy.filter { $0.kind == kind }.compactMap { $0.interval(asOf: asOf) }
                    .flatMap { MinuteSet.within($0).ranges }
            ).clipped(to: range)
        }
        func outageSet(_ impact: OutageImpact) -> MinuteSet {
            MinuteSet(
                outages.lazy.filter { $0.impact == impact }.compactMap { $0.interval(asOf: asOf) }
                    .flatMap { MinuteSet.covering($0).ranges }
            ).clipped(to: range)
        }
        self.scheduled = maintenanceSet(.scheduled)
        self.emergency = maintenanceSet(.emergency)
        self.excluded = scheduled.union(emergency)
        self.down = outageSet(.inaccessible)
        self.degraded = outageSet(.degraded)
        self.unavailable = down.subtracting(excluded)
    }

    /// Builds the sets from minute sets directly (probe series), without outage records.
    init(period: MinuteSet, scheduled: MinuteSet, emergency: MinuteSet, down: MinuteSet, degraded: MinuteSet) {
        let range = period.ranges.first ?? 0..<0
        self.period = period
        self.periodRange = range
        self.scheduled = scheduled.clipped(to: range)
        self.emergency = emergency.clipped(to: range)
        self.excluded = self.scheduled.union(self.emergency)
        self.down = down.clipped(to: range)
        self.degraded = degraded.clipped(to: range)
        self.unavailable = self.down.subtracting(excluded)
    }

    func monthly(month: CalendarMonth, asOf: Date, commitment: AvailabilityCommitment) -> MonthlyAvailability {
        let monthMinutes = Int(period.count)
        let maintenance = Int(excluded.count)
        let covered = monthMinutes - maintenance
        let unavailable = Int(self.unavailable.count)
        let available = covered - unavailable
        let budget = commitment.budgetMinutes(coveredMinutes: covered)
        let end = MinuteSet.start(ofMinute: periodRange.upperBound)
        return MonthlyAvailability(
            month: month, start: MinuteSet.start(ofMinute: periodRange.lowerBound), end: end, asOf: asOf,
            isFinal: asOf >= end, monthMinutes: monthMinutes, scheduledMaintenanceMinutes: Int(scheduled.count),
            emergencyMaintenanceMinutes: Int(emergency.count), maintenanceMinutes: maintenance,
            coveredMinutes: covered, outageMinutes: Int(down.count),
            outageMinutesDuringMaintenance: Int(down.intersection(excluded).count), unavailableMinutes: unavailable,
            availableMinutes: available, degradedMinutes: Int(degraded.count),
            rate: AvailabilityCommitment.rate(available: available, covered: covered), target: commitment.target,
            isMet: commitment.isMet(available: available, covered: covered), budgetMinutes: budget,
            remainingBudgetMinutes: budget - Decimal(unavailable))
    }

    func daily(month: CalendarMonth, asOf: Date, calendar: FrenchCalendar) -> [DailyAvailability] {
        var days: [DailyAvailability] = []
        days.reserveCapacity(31)
        let asOfMinute = MinuteSet.minute(containing: asOf)
        var date = month.firstDay
        var dayStart = periodRange.lowerBound
        while month.contains(date) {
            let next = date.adding(days: 1)
            let dayEnd =
                month.contains(next)
                ? MinuteSet.minute(containing: calendar.startOfDay(next)) : periodRange.upperBound
            let range = dayStart..<dayEnd
            let maintenance = Int(excluded.clipped(to: range).count)
            let minutes = Int(dayEnd - dayStart)
            let covered = minutes - maintenance
            let unavailable = Int(self.unavailable.clipped(to: range).count)
            let progress: DailyAvailability.Progress =
                asOfMinute >= dayEnd ? .complete : (asOfMinute >= dayStart ? .inProgress : .future)
            days.append(
                DailyAvailability(
                    date: date, minutes: minutes, maintenanceMinutes: maintenance, coveredMinutes: covered,
                    unavailableMinutes: unavailable, availableMinutes: covered - unavailable,
                    rate: AvailabilityCommitment.rate(available: covered - unavailable, covered: covered),
                    progress: progress))
            date = next
            dayStart = dayEnd
        }
        return days
    }
}
