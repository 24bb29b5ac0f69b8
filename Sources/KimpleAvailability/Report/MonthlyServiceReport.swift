import KimpleCore
import KimpleGames

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The monthly service report of one tenant (SPEC A-6): the availability rate with its inputs,
/// each outage and maintenance window, each incident with its due and actual response, the late
/// interventions, the client's robot activity, throttling and suspensions, and the breaches of
/// the commitments. A value; ``jsonData()`` and ``markdown(calendar:)`` render it.
public struct MonthlyServiceReport: Sendable, Hashable, Codable {
    /// The format version of the JSON form.
    public var formatVersion: Int = 1
    /// The client.
    public var tenant: TenantID
    /// The month.
    public var month: CalendarMonth
    /// The instant the report was computed at (ongoing outages count up to it).
    public var generatedAt: Date
    /// TxD with its inputs.
    public var availability: MonthlyAvailability
    /// The availability of each day.
    public var daily: [DailyAvailability]
    /// Every outage that touched the month, in start order.
    public var outages: [OutageEntry]
    /// Every maintenance window that touched the month, in start order.
    public var maintenance: [MaintenanceEntry]
    /// Every incident active during the month, in declaration order.
    public var incidents: [IncidentEntry]
    /// The incidents whose intervention was late or is overdue, with a due time in the month.
    public var lateInterventions: [IncidentID]
    /// The client's robot activity over the month, by operation and source.
    public var robotActivity: [RobotActivity]
    /// Admissions and refusals per operation over the month.
    public var traffic: [OperationTraffic]
    /// Suspension decisions taken during the month.
    public var suspensions: [SuspensionDecision]
    /// The commitments missed in the month.
    public var breaches: [CommitmentBreach]

    /// Whether the month was over when the report was computed.
    public var isFinal: Bool { availability.isFinal }
}

/// An outage in a monthly report.
public struct OutageEntry: Sendable, Hashable, Codable {
    /// The outage as recorded.
    public var outage: Outage
    /// Its minutes inside the month (every minute it touches; up to the report's instant when ongoing).
    public var minutesInMonth: Int
    /// Of those, the minutes inside maintenance (excluded from PC).
    public var minutesDuringMaintenance: Int
    /// The minutes it takes from DS (0 for a degraded outage). Overlapping outages share minutes:
    /// the month's ``MonthlyAvailability/unavailableMinutes`` counts each minute once.
    public var countedMinutes: Int
    /// The client's robot activity during the outage (and the lookback before it).
    public var robotActivity: [RobotActivity]
}

/// A maintenance window in a monthly report.
public struct MaintenanceEntry: Sendable, Hashable, Codable {
    /// The window as recorded.
    public var window: MaintenanceWindow
    /// Its whole minutes inside the month.
    public var minutesInMonth: Int
}

/// An incident in a monthly report.
public struct IncidentEntry: Sendable, Hashable, Codable {
    /// The incident, its deadline and its status at the report's instant.
    public var response: IncidentResponse
    /// The client's robot activity during the incident (and the lookback before it).
    public var robotActivity: [RobotActivity]
}

/// The traffic of one operation over the month.
public struct OperationTraffic: Sendable, Hashable, Codable {
    /// The operation.
    public var operation: OperationID
    /// Whether it was declared (in the last sample of the month).
    public var isDeclared: Bool
    /// Requests admitted.
    public var admitted: Int
    /// Requests refused by the operation's bucket.
    public var refusedRate: Int
    /// Requests refused by the platform's limit.
    public var refusedPlatform: Int
    /// Requests refused while suspended.
    public var refusedSuspended: Int
    /// The start of the first period with a refusal.
    public var firstThrottled: Date?
    /// The end of the last period with a refusal.
    public var lastThrottled: Date?

    /// Every refused request.
    public var refused: Int { refusedRate + refusedPlatform + refusedSuspended }
}

/// A commitment missed in the month.
public struct CommitmentBreach: Sendable, Hashable, Codable {
    /// Which commitment.
    public enum Kind: String, Sendable, Hashable, Codable {
        /// TxD below the target (§9.1).
        case availability
        /// An intervention after its due time, or none by then (§9.1).
        case lateIntervention
    }

    /// Which commitment.
    public var kind: Kind
    /// What it concerns (the month, the incident id).
    public var subject: String
    /// What happened, for a person.
    public var detail: String
}

/// Everything a monthly report is computed from.
public struct ServiceReportInputs: Sendable {
    /// The client.
    public var tenant: TenantID
    /// The month.
    public var month: CalendarMonth
    /// The instant of the computation.
    public var asOf: Date
    /// Recorded outages (incidents that are unavailabilities are added by the builder).
    public var outages: [Outage]
    /// Recorded maintenance windows.
    public var maintenance: [MaintenanceWindow]
    /// Recorded incidents.
    public var incidents: [Incident]
    /// Robot detections of the tenant over the month and the lookback before it.
    public var robotEvents: [RobotEvent]
    /// Traffic samples overlapping the month.
    public var traffic: [TrafficSample]
    /// Suspension decisions.
    public var suspensions: [SuspensionDecision]

    /// Inputs with the given values (empty lists by default).
    public init(
        tenant: TenantID, month: CalendarMonth, asOf: Date, outages: [Outage] = [],
        maintenance: [MaintenanceWindow] = [], incidents: [Incident] = [], robotEvents: [RobotEvent] = [],
        traffic: [TrafficSample] = [], suspensions: [SuspensionDecision] = []
    ) {
        self.tenant = tenant
        self.month = month
        self.asOf = asOf
        self.outages = outages
        self.maintenance = maintenance
        self.incidents = incidents
        self.robotEvents = robotEvents
        self.traffic = traffic
        self.suspensions = suspensions
    }
}

/// The settings a report is computed with.
public struct ServiceReportSettings: Sendable {
    /// The calendar of months and days.
    public var calendar: FrenchCalendar
    /// The availability commitment.
    public var commitment: AvailabilityCommitment
    /// The intervention delays.
    public var interventions: InterventionPolicy
    /// How long before an outage or incident robot detections are still attached to it.
    public var robotLookback: Duration

    /// Settings with the given values; the defaults are the contract's.
    public init(
        calendar: FrenchCalendar = .paris, commitment: AvailabilityCommitment = .contract,
        interventions: InterventionPolicy = .contract, robotLookback: Duration = .seconds(15 * 60)
    ) {
        self.calendar = calendar
        self.commitment = commitment
        self.interventions = interventions
        self.robotLookback = robotLookback
    }
}

extension MonthlyServiceReport {
    /// Builds the report of `inputs` (a pure function). Only the tenant's own robot events and
    /// traffic are used (SPEC K-1). Throws `core.out_of_range` for an incident declared near year
    /// 9999.
    public static func build(
        _ inputs: ServiceReportInputs, settings: ServiceReportSettings = ServiceReportSettings()
    )
        throws -> MonthlyServiceReport
    {
        let calendar = settings.calendar
        let asOf = inputs.asOf
        let bounds = calendar.interval(of: inputs.month)
        let outages = inputs.outages + inputs.incidents.compactMap(\.outage)
        let sets = AvailabilitySets(bounds: bounds, outages: outages, maintenance: inputs.maintenance, asOf: asOf)
        let availability = sets.monthly(month: inputs.month, asOf: asOf, commitment: settings.commitment)
        let daily = sets.daily(month: inputs.month, asOf: asOf, calendar: calendar)
        let events = inputs.robotEvents.filter { $0.tenant == inputs.tenant }

        let outageEntries = outages.sorted { ($0.start, $0.id) < ($1.start, $1.id) }.compactMap {
            outage -> OutageEntry? in
            guard let interval = outage.interval(asOf: asOf) else { return nil }
            let minutes = MinuteSet.covering(interval).clipped(to: sets.periodRange)
            guard !minutes.isEmpty else { return nil }
            let inMaintenance = Int(minutes.intersection(sets.excluded).count)
            return OutageEntry(
                outage: outage, minutesInMonth: Int(minutes.count), minutesDuringMaintenance: inMaintenance,
                countedMinutes: outage.countsAgainstAvailability ? Int(minutes.count) - inMaintenance : 0,
                robotActivity: RobotAttribution.activity(in: interval, events: events, lookback: settings.robotLookback)
            )
        }

        let maintenanceEntries = inputs.maintenance.sorted { ($0.start, $0.id) < ($1.start, $1.id) }.compactMap {
            window -> MaintenanceEntry? in
            guard let interval = window.interval(asOf: asOf), interval.lowerBound < bounds.upperBound,
                interval.upperBound > bounds.lowerBound
            else { return nil }
            return MaintenanceEntry(
                window: window, minutesInMonth: Int(MinuteSet.within(interval).clipped(to: sets.periodRange).count))
        }

        var incidentEntries: [IncidentEntry] = []
        var late: [IncidentID] = []
        var breaches: [CommitmentBreach] = []
        for incident in inputs.incidents.sorted(by: { ($0.declaredAt, $0.id) < ($1.declaredAt, $1.id) }) {
            let activeEnd = max(incident.resolvedAt ?? asOf, incident.interventionAt ?? incident.declaredAt)
            guard incident.start < bounds.upperBound, activeEnd >= bounds.lowerBound, incident.declaredAt <= asOf
            else { continue }
            let response = try IncidentResponse.evaluate(incident, policy: settings.interventions, asOf: asOf)
            let window = incident.start..<max(activeEnd, incident.start.addingTimeInterval(1))
            incidentEntries.append(
                IncidentEntry(
                    response: response,
                    robotActivity: RobotAttribution.activity(
                        in: window, events: events, lookback: settings.robotLookback)))
            if response.isLate, let due = response.deadline?.due, bounds.contains(due) {
                late.append(incident.id)
                let what =
                    response.status == .late
                    ? "intervention at \(ISO8601.string(response.respondedAt ?? due))"
                    : "no intervention at \(ISO8601.string(asOf))"
                breaches.append(
                    CommitmentBreach(
                        kind: .lateIntervention, subject: incident.id.rawValue,
                        detail: "\(incident.severity.rawValue) incident due by \(ISO8601.string(due)); \(what)"))
            }
        }
        if !availability.isMet {
            breaches.insert(
                CommitmentBreach(
                    kind: .availability, subject: inputs.month.description,
                    detail: "\(availability.formula), below the committed \(availability.target) %"),
                at: 0)
        }

        let monthEvents = events.filter { bounds.contains($0.time) }
        let suspensions = inputs.suspensions.filter { $0.tenant == inputs.tenant && bounds.contains($0.decidedAt) }
            .sorted { ($0.decidedAt, $0.id) < ($1.decidedAt, $1.id) }

        return MonthlyServiceReport(
            tenant: inputs.tenant, month: inputs.month, generatedAt: asOf, availability: availability, daily: daily,
            outages: outageEntries, maintenance: maintenanceEntries, incidents: incidentEntries,
            lateInterventions: late, robotActivity: RobotAttribution.group(monthEvents),
            traffic: aggregate(inputs.traffic.filter { $0.tenant == inputs.tenant && bounds.contains($0.from) }),
            suspensions: suspensions, breaches: breaches)
    }

    /// Samples summed per operation, in operation order.
    static func aggregate(_ samples: [TrafficSample]) -> [OperationTraffic] {
        var byOperation: [OperationID: OperationTraffic] = [:]
        for sample in samples.sorted(by: { $0.from < $1.from }) {
            var entry =
                byOperation[sample.operation]
                ?? OperationTraffic(
                    operation: sample.operation, isDeclared: sample.isDeclared, admitted: 0, refusedRate: 0,
                    refusedPlatform: 0, refusedSuspended: 0, firstThrottled: nil, lastThrottled: nil)
            entry.isDeclared = sample.isDeclared
            entry.admitted += sample.admitted
            entry.refusedRate += sample.refusedRate
            entry.refusedPlatform += sample.refusedPlatform
            entry.refusedSuspended += sample.refusedSuspended
            if sample.refused > 0 {
                entry.firstThrottled = entry.firstThrottled ?? sample.from
                entry.lastThrottled = sample.to
            }
            byOperation[sample.operation] = entry
        }
        return byOperation.values.sorted { $0.operation < $1.operation }
    }
}
