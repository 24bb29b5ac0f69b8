import KimpleCore

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The intervention delays of contract §9.1 (SPEC A-3) and the calendar they run on.
///
/// - A **critical** incident's intervention is due ``criticalBusinessHours`` business hours after
///   its declaration: only the business-hours window of business days counts
///   (``FrenchCalendar/addingBusinessHours(_:to:)``). Declared on Friday 22 May 2026 at 17:00,
///   before Whit Monday, with 09:00–18:00: due on Tuesday 26 May at 11:00.
/// - A **minor** incident's intervention is due by the end (24:00, Europe/Paris) of the
///   ``minorBusinessDays``-th business day after the day of its declaration: the day of the
///   declaration never counts, whatever the hour (Code de procédure civile, art. 641 and 642:
///   a delay runs from the next day and expires on its last day at midnight). Declared on
///   Saturday 7 March 2026: Monday 9, Tuesday 10 and Wednesday 11 count; due on Wednesday
///   11 March at 24:00 (Thursday 00:00).
/// - An intervention is on time when it happens at or before its due instant.
/// - An incident that is an unavailability has no intervention delay by default (§9.1 sets them
///   for incidents "sans être une indisponibilité"; an unavailability is governed by TxD). Set
///   ``unavailabilityDelay`` to hold such incidents to a severity's delay anyway.
public struct InterventionPolicy: Sendable, Hashable {
    /// The calendar: holidays, business days and the business-hours window (configurable through
    /// ``FrenchCalendar/Options``).
    public var calendar: FrenchCalendar
    /// Business hours allowed for a critical incident (3).
    public var criticalBusinessHours: Int
    /// Business days allowed for a minor incident (3).
    public var minorBusinessDays: Int
    /// The delay applied to incidents that are unavailabilities, or `nil` (the default) for none.
    public var unavailabilityDelay: IncidentSeverity?

    /// The contract's delays (3 business hours, 3 business days) on `calendar`; throws
    /// `availability.invalid_policy` for a negative delay.
    public init(
        calendar: FrenchCalendar = .paris, criticalBusinessHours: Int = 3, minorBusinessDays: Int = 3,
        unavailabilityDelay: IncidentSeverity? = nil
    ) throws {
        guard criticalBusinessHours >= 0, minorBusinessDays >= 0, criticalBusinessHours <= 10_000,
            minorBusinessDays <= 10_000
        else {
            throw KimpleError(
                .availabilityInvalidPolicy, "Intervention delays are between 0 and 10,000 business hours or days.",
                context: ["critical": String(criticalBusinessHours), "minor": String(minorBusinessDays)])
        }
        self.calendar = calendar
        self.criticalBusinessHours = criticalBusinessHours
        self.minorBusinessDays = minorBusinessDays
        self.unavailabilityDelay = unavailabilityDelay
    }

    /// The contract's policy on the Paris calendar with business hours 09:00–18:00.
    public static let contract = InterventionPolicy(
        unchecked: .paris, criticalBusinessHours: 3, minorBusinessDays: 3)

    private init(unchecked calendar: FrenchCalendar, criticalBusinessHours: Int, minorBusinessDays: Int) {
        self.calendar = calendar
        self.criticalBusinessHours = criticalBusinessHours
        self.minorBusinessDays = minorBusinessDays
        self.unavailabilityDelay = nil
    }

    /// The delay that applies to `incident`, or `nil` when none does (an unavailability by default).
    public func applicableSeverity(for incident: Incident) -> IncidentSeverity? {
        incident.isUnavailability ? unavailabilityDelay : incident.severity
    }

    /// The instant by which the intervention on `incident` is due, with the rule that gave it;
    /// `nil` when no delay applies. Throws `core.out_of_range` for a declaration near year 9999.
    public func deadline(for incident: Incident) throws -> InterventionDeadline? {
        guard let severity = applicableSeverity(for: incident) else { return nil }
        let hours = calendar.options.businessHours.description
        switch severity {
        case .critical:
            let due = try calendar.addingBusinessHours(criticalBusinessHours, to: incident.declaredAt)
            return InterventionDeadline(
                severity: severity, due: due,
                rule: "\(criticalBusinessHours) business hours (\(hours), business days) after the declaration")
        case .minor:
            let declaredDay = calendar.civilDate(of: incident.declaredAt)
            let lastDay = try calendar.addingBusinessDays(minorBusinessDays, to: declaredDay)
            return InterventionDeadline(
                severity: severity, due: calendar.endOfDay(lastDay),
                rule: "\(minorBusinessDays) business days after the day of the declaration, until the end of \(lastDay)"
            )
        }
    }
}

/// When an intervention is due and why.
public struct InterventionDeadline: Sendable, Hashable, Codable {
    /// The severity whose delay applies.
    public var severity: IncidentSeverity
    /// The last on-time instant: an intervention at or before it is on time.
    public var due: Date
    /// The rule, in words ("3 business hours (09:00–18:00, business days) after the declaration").
    public var rule: String
}

/// How the provider responded to an incident (SPEC A-3): due time, actual intervention and
/// lateness. A pure evaluation of an ``Incident`` under an ``InterventionPolicy`` at an instant.
public struct IncidentResponse: Sendable, Hashable, Codable {
    /// Where the intervention stands.
    public enum Status: String, Sendable, Hashable, Codable {
        /// The intervention happened at or before its due time.
        case onTime
        /// The intervention happened after its due time.
        case late
        /// No intervention yet, and its due time has not passed.
        case pending
        /// No intervention yet, and its due time has passed: already late.
        case overdue
        /// No intervention delay applies (an unavailability, counted in TxD instead).
        case noDeadline
    }

    /// The incident evaluated.
    public var incident: Incident
    /// The deadline, if a delay applies.
    public var deadline: InterventionDeadline?
    /// The actual intervention instant, if any.
    public var respondedAt: Date?
    /// The status at ``evaluatedAt``.
    public var status: Status
    /// How late the intervention was (or is, when overdue) in real seconds; `nil` when not late.
    public var lateSeconds: Double?
    /// How late in business time (the hours of the business-hours windows between due and
    /// intervention), in seconds; `nil` when not late.
    public var lateBusinessSeconds: Double?
    /// Real seconds from declaration to intervention, if any.
    public var responseSeconds: Double?
    /// The instant of the evaluation.
    public var evaluatedAt: Date

    /// Whether the intervention breaches its delay (late or overdue).
    public var isLate: Bool { status == .late || status == .overdue }

    /// Evaluates `incident` under `policy` at `asOf`. Throws `core.out_of_range` for a
    /// declaration near year 9999.
    public static func evaluate(
        _ incident: Incident, policy: InterventionPolicy, asOf: Date
    ) throws
        -> IncidentResponse
    {
        let deadline = try policy.deadline(for: incident)
        let responded = incident.interventionAt
        var status: Status
        var lateUntil: Date?
        switch (deadline, responded) {
        case (nil, _):
            status = .noDeadline
        case (let deadline?, let responded?):
            status = responded <= deadline.due ? .onTime : .late
            if status == .late { lateUntil = responded }
        case (let deadline?, nil):
            status = asOf > deadline.due ? .overdue : .pending
            if status == .overdue { lateUntil = asOf }
        }
        var late: Double?
        var lateBusiness: Double?
        if let lateUntil, let due = deadline?.due {
            late = lateUntil.timeIntervalSince(due)
            let (seconds, attoseconds) = policy.calendar.businessTime(from: due, to: lateUntil).components
            lateBusiness = Double(seconds) + Double(attoseconds) / 1e18
        }
        return IncidentResponse(
            incident: incident, deadline: deadline, respondedAt: responded, status: status, lateSeconds: late,
            lateBusinessSeconds: lateBusiness,
            responseSeconds: responded.map { $0.timeIntervalSince(incident.declaredAt) },
            evaluatedAt: asOf)
    }
}
