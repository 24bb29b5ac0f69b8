import KimpleCore
import KimpleGames

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The availability commitments of one tenant (SPEC ): records outages, maintenance
/// windows, incidents, traffic declarations, traffic samples and suspension decisions in the
/// tenant's ``AvailabilityStore``, and computes the monthly rate, the burn-rate alerts and the
/// monthly service report from them.
///
/// The rules are the pure functions of ``AvailabilityCalculator``, ``BurnRateAlerting``,
/// ``IncidentResponse`` and ``MonthlyServiceReport``; this service validates input, keeps facts
/// recorded once (an end, an intervention) with the store's compare-and-set, and gathers records.
/// Every method that fails throws a `KimpleError` and writes nothing.
public struct AvailabilityService: Sendable {
    /// The tenant's store.
    public let store: any AvailabilityStore
    /// The clock (SPEC K-2).
    public let clock: any Clock
    /// Calendar, commitment, intervention delays and robot lookback.
    public let settings: ServiceReportSettings
    /// Where robot detections are read (SPEC A-4), if anywhere.
    public let robotEvents: (any RobotEventSource)?
    /// The operations lifecycle suspensions are handed to (SPEC A-5), if connected.
    public let suspender: (any OperationSuspending)?
    /// The admission controller that applies declarations and suspensions, if any.
    public let admission: AdmissionController?
    /// The tenant's evidence log, where decisions by people are recorded (SPEC K-5), if any.
    public let evidence: EvidenceLog?

    /// A service over `store`.
    public init(
        store: any AvailabilityStore, clock: any Clock, settings: ServiceReportSettings = ServiceReportSettings(),
        robotEvents: (any RobotEventSource)? = nil, suspender: (any OperationSuspending)? = nil,
        admission: AdmissionController? = nil, evidence: EvidenceLog? = nil
    ) {
        self.store = store
        self.clock = clock
        self.settings = settings
        self.robotEvents = robotEvents
        self.suspender = suspender
        self.admission = admission
        self.evidence = evidence
    }

    /// The tenant served.
    public var tenant: TenantID { store.tenant }

    // MARK: - Outages

    /// Records `outage`. Recording the same outage again changes nothing (retries are safe).
    /// Throws `availability.invalid_interval` when it starts or ends after now,
    /// `availability.duplicate` when its id exists with other values.
    public func recordOutage(_ outage: Outage) async throws {
        let now = clock.now
        guard outage.start <= now, (outage.end ?? now) <= now else {
            throw KimpleError(
                .availabilityInvalidInterval,
                "An outage is recorded once it has happened; its instants cannot be in the future.",
                context: ["outage": outage.id.rawValue, "now": ISO8601.string(now)])
        }
        try await insertOnce(outage)
    }

    /// Records the end of an ongoing outage (once). Ending it again at the same instant changes
    /// nothing. Throws `availability.not_found`, `availability.invalid_interval` (not after its
    /// start, or in the future), `availability.already_recorded` (it already ended at another instant).
    @discardableResult
    public func endOutage(_ id: OutageID, at end: Date) async throws -> Outage {
        let now = clock.now
        try Instants.validate(end, what: "outage \(id)")
        guard end <= now else {
            throw KimpleError(
                .availabilityInvalidInterval, "An outage's end cannot be in the future.",
                context: ["outage": id.rawValue, "end": ISO8601.string(end)])
        }
        return try await update(Outage.self, key: id.rawValue) { outage in
            if let existing = outage.end {
                guard existing == end else { throw Self.alreadyRecorded("end of outage", id.rawValue, existing) }
                return false
            }
            try Instants.validate(start: outage.start, end: end, what: "outage \(id)")
            outage.end = end
            return true
        }
    }

    /// Records the outages of a probe series (one per run of failed minutes; see
    /// ``ProbeSeries/outages(idPrefix:summary:)``). Outages already recorded are kept.
    public func recordProbeOutages(_ series: ProbeSeries, idPrefix: String = "probe") async throws {
        for outage in series.outages(idPrefix: idPrefix) { try await recordOutage(outage) }
    }

    /// Every outage recorded, in id order.
    public func outages() async throws -> [Outage] { try await store.all(Outage.self) }

    // MARK: - Maintenance

    /// Records a maintenance window (scheduled ahead, or emergency). Recording the same window
    /// again changes nothing. Throws `availability.duplicate` when its id exists with other values.
    public func recordMaintenance(_ window: MaintenanceWindow) async throws {
        try await insertOnce(window)
    }

    /// Records the end of an emergency maintenance recorded without end (once). Throws like
    /// ``endOutage(_:at:)``.
    @discardableResult
    public func endMaintenance(_ id: MaintenanceID, at end: Date) async throws -> MaintenanceWindow {
        try Instants.validate(end, what: "maintenance \(id)")
        return try await update(MaintenanceWindow.self, key: id.rawValue) { window in
            if let existing = window.end {
                guard existing == end else { throw Self.alreadyRecorded("end of maintenance", id.rawValue, existing) }
                return false
            }
            try Instants.validate(start: window.start, end: end, what: "maintenance \(id)")
            window.end = end
            return true
        }
    }

    /// Every maintenance window recorded, in id order.
    public func maintenanceWindows() async throws -> [MaintenanceWindow] { try await store.all(MaintenanceWindow.self) }

    // MARK: - Incidents

    /// Declares an incident. Declaring the same incident again changes nothing. Throws
    /// `availability.invalid_interval` when its declaration is in the future,
    /// `availability.duplicate` when its id exists with other values.
    @discardableResult
    public func declareIncident(_ incident: Incident) async throws -> IncidentResponse {
        let now = clock.now
        guard incident.declaredAt <= now, (incident.interventionAt ?? now) <= now, (incident.resolvedAt ?? now) <= now
        else {
            throw KimpleError(
                .availabilityInvalidInterval,
                "An incident is declared once it happened; its instants cannot be in the future.",
                context: ["incident": incident.id.rawValue])
        }
        try await insertOnce(incident)
        return try IncidentResponse.evaluate(incident, policy: settings.interventions, asOf: now)
    }

    /// Records the provider's intervention on an incident (once) and returns whether it was on
    /// time. Throws `availability.not_found`, `availability.invalid_interval` (before the
    /// declaration or in the future), `availability.already_recorded` (another instant was recorded).
    @discardableResult
    public func recordIntervention(_ id: IncidentID, at instant: Date) async throws -> IncidentResponse {
        let now = clock.now
        try checkPast(instant, now: now, what: "intervention on incident \(id)")
        let incident = try await update(Incident.self, key: id.rawValue) { incident in
            if let existing = incident.interventionAt {
                guard existing == instant else { throw Self.alreadyRecorded("intervention", id.rawValue, existing) }
                return false
            }
            try Self.checkNotBefore(instant, incident.declaredAt, "An intervention", id)
            incident.interventionAt = instant
            return true
        }
        return try IncidentResponse.evaluate(incident, policy: settings.interventions, asOf: now)
    }

    /// Records the resolution of an incident (once). Throws like ``recordIntervention(_:at:)``.
    @discardableResult
    public func resolveIncident(_ id: IncidentID, at instant: Date) async throws -> Incident {
        let now = clock.now
        try checkPast(instant, now: now, what: "resolution of incident \(id)")
        return try await update(Incident.self, key: id.rawValue) { incident in
            if let existing = incident.resolvedAt {
                guard existing == instant else { throw Self.alreadyRecorded("resolution", id.rawValue, existing) }
                return false
            }
            try Self.checkNotBefore(instant, incident.declaredAt, "A resolution", id)
            incident.resolvedAt = instant
            return true
        }
    }

    /// Every incident with its deadline and status now, in id order.
    public func incidentResponses() async throws -> [IncidentResponse] {
        let now = clock.now
        return try await store.all(Incident.self).map {
            try IncidentResponse.evaluate($0, policy: settings.interventions, asOf: now)
        }
    }

    // MARK: - Traffic

    /// Records the client's traffic declaration of an operation (replacing an earlier one) and
    /// applies it to the admission controller, if any. Returns the bucket size the controller
    /// gives it (`nil` without controller). Throws `availability.tenant_mismatch` for another
    /// tenant's operation.
    @discardableResult
    public func declareTraffic(_ declaration: TrafficDeclaration) async throws -> BucketSize? {
        try checkTenant(declaration.tenant)
        var written = false
        for _ in 0..<64 where !written {
            do {
                if let current = try await store.get(TrafficDeclaration.self, key: declaration.recordKey) {
                    if current.record != declaration {
                        try await store.replace(declaration, expectedVersion: current.version)
                    }
                } else {
                    try await store.insert(declaration)
                }
                written = true
            } catch let error as KimpleError where error.code == .storageConflict {
                continue
            }
        }
        guard written else {
            throw KimpleError(
                .storageConflict, "Too many concurrent writers on this declaration; retry.",
                context: ["operation": declaration.operation.rawValue])
        }
        return admission?.declare(declaration)
    }

    /// The traffic declarations of the tenant, in operation order.
    public func trafficDeclarations() async throws -> [TrafficDeclaration] {
        try await store.all(TrafficDeclaration.self)
    }

    /// Records the tenant's samples of a governor evaluation (samples of other tenants are
    /// ignored: each tenant's service records its own). Returns how many were recorded.
    @discardableResult
    public func recordTraffic(_ samples: [TrafficSample]) async throws -> Int {
        let own = samples.filter { $0.tenant == tenant }
        try await store.appendTraffic(own)
        return own.count
    }

    /// Records the host's decision to suspend `operation` with its reason, then hands it to the
    /// operations lifecycle and the admission controller (SPEC A-5, contract §7.3). The decision
    /// is stored before anything else happens; if the lifecycle fails, it stays stored as
    /// ``SuspensionDecision/Status/failed`` and ``retrySuspension(_:)`` hands it over again.
    /// Without a lifecycle connected (``suspender`` is `nil`) it stays
    /// ``SuspensionDecision/Status/recorded``; the admission controller, if any, refuses the
    /// operation's requests from the decision on.
    /// Throws `core.invalid_argument` for a blank reason, `availability.duplicate` for an id in
    /// use, and what the lifecycle throws (after recording the failure).
    @discardableResult
    public func decideSuspension(
        id: SuspensionDecisionID, operation: OperationID, by principal: Principal, reason: String,
        term: SuspensionDecision.Term = .temporary, recommendation: SuspensionRecommendation? = nil
    ) async throws -> SuspensionDecision {
        let decision = try SuspensionDecision(
            id: id, tenant: tenant, operation: operation, decidedAt: clock.now, decidedBy: principal, reason: reason,
            term: term, recommendation: recommendation)
        do {
            try await store.insert(decision)
        } catch let error as KimpleError where error.code == .storageConflict {
            throw KimpleError(
                .availabilityDuplicate, "A suspension decision with this id exists; use a new id.",
                context: ["decision": id.rawValue])
        }
        if let evidence {
            try await evidence.record(
                principal, action: "availability.suspension.decided", subject: "operation:\(operation.rawValue)",
                details: reason, payload: try JSONCoding.encode(decision))
        }
        return try await handOver(decision.id)
    }

    /// Hands a recorded or failed suspension decision to the lifecycle again. Throws
    /// `availability.not_found`, and what the lifecycle throws.
    @discardableResult
    public func retrySuspension(_ id: SuspensionDecisionID) async throws -> SuspensionDecision {
        try await handOver(id)
    }

    /// Every suspension decision, in id order.
    public func suspensions() async throws -> [SuspensionDecision] { try await store.all(SuspensionDecision.self) }

    private func handOver(_ id: SuspensionDecisionID) async throws -> SuspensionDecision {
        guard let stored = try await store.get(SuspensionDecision.self, key: id.rawValue) else {
            throw Self.notFound("suspension decision", id.rawValue)
        }
        guard stored.record.status != .applied else { return stored.record }
        admission?.setSuspended(true, tenant: tenant, operation: stored.record.operation)
        guard let suspender else { return stored.record }
        do {
            try await suspender.suspend(stored.record)
        } catch {
            let failure = (error as? KimpleError)?.description ?? String(describing: error)
            _ = try? await update(SuspensionDecision.self, key: id.rawValue) { decision in
                guard decision.status != .applied else { return false }
                decision.status = .failed
                decision.failure = failure
                return true
            }
            throw error
        }
        let now = clock.now
        return try await update(SuspensionDecision.self, key: id.rawValue) { decision in
            guard decision.status != .applied else { return false }
            decision.status = .applied
            decision.appliedAt = now
            decision.failure = nil
            return true
        }
    }

    // MARK: - Computations

    /// The availability of `month` as known now (final once the month is over).
    public func availability(of month: CalendarMonth) async throws -> MonthlyAvailability {
        let (outages, maintenance) = try await outagesAndMaintenance()
        return AvailabilityCalculator.monthly(
            month: month, outages: outages, maintenance: maintenance, asOf: clock.now, calendar: settings.calendar,
            commitment: settings.commitment)
    }

    /// The burn-rate alerts now, on the current month's budget.
    public func burnRate(rules: [BurnRateRule] = BurnRateRule.workbook) async throws -> BurnRateStatus {
        let (outages, maintenance) = try await outagesAndMaintenance()
        return BurnRateAlerting.evaluate(
            outages: outages, maintenance: maintenance, at: clock.now, rules: rules, calendar: settings.calendar,
            commitment: settings.commitment)
    }

    /// The monthly service report of `month` as known now. Throws what the store or the robot
    /// event source throws.
    public func monthlyReport(_ month: CalendarMonth) async throws -> MonthlyServiceReport {
        let now = clock.now
        let bounds = settings.calendar.interval(of: month)
        let lookback = settings.robotLookback.secondsValue
        let robots =
            try await robotEvents?.robotEvents(
                of: tenant, in: bounds.lowerBound.addingTimeInterval(-lookback)..<bounds.upperBound) ?? []
        let inputs = ServiceReportInputs(
            tenant: tenant, month: month, asOf: now, outages: try await store.all(Outage.self),
            maintenance: try await store.all(MaintenanceWindow.self), incidents: try await store.all(Incident.self),
            robotEvents: robots, traffic: try await store.traffic(overlapping: bounds),
            suspensions: try await store.all(SuspensionDecision.self))
        return try MonthlyServiceReport.build(inputs, settings: settings)
    }

    // MARK: - Helpers

    private func outagesAndMaintenance() async throws -> ([Outage], [MaintenanceWindow]) {
        let incidents = try await store.all(Incident.self).compactMap(\.outage)
        return (try await store.all(Outage.self) + incidents, try await store.all(MaintenanceWindow.self))
    }

    private func checkTenant(_ other: TenantID) throws {
        guard other == tenant else {
            throw KimpleError(
                .availabilityTenantMismatch, "This record belongs to another tenant; use that tenant's service.",
                context: ["expected": tenant.rawValue, "given": other.rawValue])
        }
    }

    private func checkPast(_ instant: Date, now: Date, what: String) throws {
        try Instants.validate(instant, what: what)
        guard instant <= now else {
            throw KimpleError(
                .availabilityInvalidInterval, "This instant is in the future; record it once it happened.",
                context: ["record": what, "instant": ISO8601.string(instant)])
        }
    }

    private static func checkNotBefore(_ instant: Date, _ declared: Date, _ what: String, _ id: IncidentID) throws {
        guard instant >= declared else {
            throw KimpleError(
                .availabilityInvalidInterval, "\(what) cannot come before the incident's declaration.",
                context: ["incident": id.rawValue, "instant": ISO8601.string(instant)])
        }
    }

    /// Inserts `record`; an identical record already there is success, another one is a duplicate.
    private func insertOnce<Record: AvailabilityRecord>(_ record: Record) async throws {
        do {
            try await store.insert(record)
        } catch let error as KimpleError where error.code == .storageConflict {
            if try await store.record(Record.self, key: record.recordKey) == record { return }
            throw KimpleError(
                .availabilityDuplicate, "A \(Record.recordKind) with this id exists with other values; use a new id.",
                context: ["id": record.recordKey])
        }
    }

    /// Reads the record, applies `change` (which returns whether it changed anything) and writes it
    /// with compare-and-set, reading again after a lost race. Each round reads the store again,
    /// so a conflict means another writer progressed.
    private func update<Record: AvailabilityRecord>(
        _ type: Record.Type, key: String, _ change: (inout Record) throws -> Bool
    ) async throws -> Record {
        for _ in 0..<64 {
            guard let current = try await store.get(type, key: key) else {
                throw Self.notFound(Record.recordKind, key)
            }
            var record = current.record
            guard try change(&record) else { return record }
            do {
                try await store.replace(record, expectedVersion: current.version)
                return record
            } catch let error as KimpleError where error.code == .storageConflict {
                continue
            }
        }
        throw KimpleError(.storageConflict, "Too many concurrent writers on this record; retry.", context: ["key": key])
    }

    private static func notFound(_ kind: String, _ key: String) -> KimpleError {
        KimpleError(.availabilityNotFound, "No \(kind) has this id for this tenant.", context: ["id": key])
    }

    private static func alreadyRecorded(_ what: String, _ key: String, _ existing: Date) -> KimpleError {
        KimpleError(
            .availabilityAlreadyRecorded, "The \(what) was already recorded at another instant; it is recorded once.",
            context: ["id": key, "recorded": ISO8601.string(existing)])
    }
}
