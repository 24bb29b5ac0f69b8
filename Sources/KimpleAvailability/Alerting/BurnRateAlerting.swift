import KimpleCore

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// One multi-window burn-rate alert rule (Google SRE workbook, "Alerting on SLOs"): it fires
/// when the budget is being spent at least ``burnRate`` times faster than the rate that would
/// use it up exactly by the end of the month, over **both** the long and the short window.
///
/// The burn rate of a window is `(unavailable share of its covered time) / (1 − target)`:
/// 1 spends the month's budget exactly in a month, 14.4 spends 2 % of a 30-day budget in one
/// hour. The short window makes the alert stop soon after the outage ends.
public struct BurnRateRule: Sendable, Hashable, Codable {
    /// Whether the rule should wake someone up.
    public enum Severity: String, Sendable, Hashable, Codable {
        /// `page`: wake the on-call person now; `ticket`: open a ticket for working hours.
        case page, ticket
    }

    /// A name for the report (`1h/5m 14.4x`).
    public var name: String
    /// Page or ticket.
    public var severity: Severity
    /// The long window, in seconds.
    public var longWindowSeconds: Int
    /// The short window, in seconds.
    public var shortWindowSeconds: Int
    /// The burn rate both windows must exceed.
    public var burnRate: Decimal

    /// A rule; throws `availability.invalid_policy` unless `0 < short <= long` and `burnRate > 0`.
    public init(
        name: String, severity: Severity, longWindow: Duration, shortWindow: Duration, burnRate: Decimal
    )
        throws
    {
        let long = longWindow.components.seconds
        let short = shortWindow.components.seconds
        guard short > 0, short <= long, long <= 400 * 86_400, burnRate > 0 else {
            throw KimpleError(
                .availabilityInvalidPolicy,
                "A burn-rate rule has a short window of at least one second, no longer than its long window, and a positive burn rate.",
                context: ["rule": name])
        }
        self.init(
            unchecked: name, severity, longWindowSeconds: Int(long), shortWindowSeconds: Int(short),
            burnRate: burnRate)
    }

    private init(
        unchecked name: String, _ severity: Severity, longWindowSeconds: Int, shortWindowSeconds: Int, burnRate: Decimal
    ) {
        self.name = name
        self.severity = severity
        self.longWindowSeconds = longWindowSeconds
        self.shortWindowSeconds = shortWindowSeconds
        self.burnRate = burnRate
    }

    /// The four rules of the SRE workbook (multi-window, multi-burn-rate): page at 14.4× over
    /// 1 h with a 5 min short window and at 6× over 6 h / 30 min; ticket at 3× over 1 day / 2 h
    /// and at 1× over 3 days / 6 h.
    public static let workbook: [BurnRateRule] = [
        BurnRateRule(
            unchecked: "1h/5m 14.4x", .page, longWindowSeconds: 3_600, shortWindowSeconds: 300,
            burnRate: Decimal(string: "14.4") ?? 14),
        BurnRateRule(
            unchecked: "6h/30m 6x", .page, longWindowSeconds: 21_600, shortWindowSeconds: 1_800, burnRate: 6),
        BurnRateRule(
            unchecked: "1d/2h 3x", .ticket, longWindowSeconds: 86_400, shortWindowSeconds: 7_200, burnRate: 3),
        BurnRateRule(
            unchecked: "3d/6h 1x", .ticket, longWindowSeconds: 259_200, shortWindowSeconds: 21_600, burnRate: 1),
    ]
}

/// How one rule stands at an instant.
public struct BurnRateEvaluation: Sendable, Hashable, Codable {
    /// The rule.
    public var rule: BurnRateRule
    /// Unavailable seconds in the long window (maintenance excluded).
    public var longUnavailableSeconds: Double
    /// Covered seconds in the long window (the window minus maintenance).
    public var longCoveredSeconds: Double
    /// Unavailable seconds in the short window.
    public var shortUnavailableSeconds: Double
    /// Covered seconds in the short window.
    public var shortCoveredSeconds: Double
    /// The burn rate over the long window (0 when nothing was covered).
    public var longBurnRate: Decimal
    /// The burn rate over the short window.
    public var shortBurnRate: Decimal
    /// Whether both burn rates exceed the rule's threshold.
    public var isFiring: Bool
    /// The share of the month's budget the long window's unavailability represents, in percent.
    public var monthBudgetConsumedPercent: Decimal
}

/// Where the month's budget stands at an instant, and which alerts fire.
public struct BurnRateStatus: Sendable, Hashable, Codable {
    /// The instant evaluated.
    public var at: Date
    /// The month so far (ongoing outages counted up to `at`).
    public var month: MonthlyAvailability
    /// The share of the month's budget already spent, in percent (above 100: the month is lost).
    public var budgetConsumedPercent: Decimal
    /// One evaluation per rule, in the order of the rules.
    public var evaluations: [BurnRateEvaluation]

    /// The rules firing now.
    public var firing: [BurnRateEvaluation] { evaluations.filter(\.isFiring) }
    /// Whether a rule of severity `page` fires.
    public var shouldPage: Bool { firing.contains { $0.rule.severity == .page } }
}

/// Burn-rate alerting on the month's error budget (SPEC A-1), so the host can page before the
/// month is lost. A pure function of the recorded outages and maintenance windows.
public enum BurnRateAlerting {
    /// Evaluates `rules` at `now`. Windows are the real time `[now − window, now)`, across a
    /// month boundary too (the alert watches the rate at which the platform fails, not a
    /// calendar); maintenance minutes are removed from both the unavailable and the covered time
    /// of each window, as PC removes them. A rule fires when, over both its windows,
    /// `unavailable × 100 > burnRate × (100 − target) × covered` (exact, as the workbook's `>`).
    public static func evaluate(
        outages: [Outage], maintenance: [MaintenanceWindow], at now: Date,
        rules: [BurnRateRule] = BurnRateRule.workbook,
        calendar: FrenchCalendar = .paris, commitment: AvailabilityCommitment = .contract
    ) -> BurnRateStatus {
        let month = AvailabilityCalculator.monthly(
            month: calendar.month(of: now), outages: outages, maintenance: maintenance, asOf: now, calendar: calendar,
            commitment: commitment)
        let excluded = MinuteSet(
            maintenance.compactMap { $0.interval(asOf: now) }.flatMap { MinuteSet.within($0).ranges })
        let down = MinuteSet(
            outages.filter(\.countsAgainstAvailability).compactMap { $0.interval(asOf: now) }
                .flatMap { MinuteSet.covering($0).ranges })
        let unavailable = down.subtracting(excluded)
        let allowance = commitment.allowancePercent
        let monthBudgetSeconds = month.budgetMinutes * 60

        func measure(_ seconds: Int) -> (unavailable: Double, covered: Double) {
            let window = now.addingTimeInterval(-TimeInterval(seconds))..<now
            let bad = unavailable.seconds(overlapping: window)
            let covered = TimeInterval(seconds) - excluded.seconds(overlapping: window)
            return (bad, max(0, covered))
        }
        func burnRate(_ measured: (unavailable: Double, covered: Double)) -> Decimal {
            guard measured.covered > 0 else { return 0 }
            return exact(measured.unavailable) * 100 / (exact(measured.covered) * allowance)
        }
        func exceeds(_ measured: (unavailable: Double, covered: Double), _ threshold: Decimal) -> Bool {
            guard measured.covered > 0 else { return false }
            return exact(measured.unavailable) * 100 > threshold * allowance * exact(measured.covered)
        }

        let evaluations = rules.map { rule in
            let long = measure(rule.longWindowSeconds)
            let short = measure(rule.shortWindowSeconds)
            return BurnRateEvaluation(
                rule: rule, longUnavailableSeconds: long.unavailable, longCoveredSeconds: long.covered,
                shortUnavailableSeconds: short.unavailable, shortCoveredSeconds: short.covered,
                longBurnRate: burnRate(long), shortBurnRate: burnRate(short),
                isFiring: exceeds(long, rule.burnRate) && exceeds(short, rule.burnRate),
                monthBudgetConsumedPercent: monthBudgetSeconds > 0
                    ? exact(long.unavailable) * 100 / monthBudgetSeconds : 0)
        }
        let consumed =
            month.budgetMinutes > 0
            ? Decimal(month.unavailableMinutes) * 100 / month.budgetMinutes : (month.unavailableMinutes > 0 ? 100 : 0)
        return BurnRateStatus(at: now, month: month, budgetConsumedPercent: consumed, evaluations: evaluations)
    }

    /// Seconds as an exact Decimal, to the millisecond (instants are measured in milliseconds).
    private static func exact(_ seconds: Double) -> Decimal {
        Decimal(Int64((seconds * 1000).rounded())) / 1000
    }
}
