import KimpleCore

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Reads the robot events of one tenant (G-5, A-4): what the availability module uses to
/// attribute incidents to the client's own robots (§7.2 last paragraph).
public protocol RobotEventReader: Sendable {
    /// The events of `operation` whose ``RobotEvent/time`` lies in `[from, to)`, by time
    /// (then in recording order).
    func events(of operation: OperationID, from: Date, to: Date) async throws -> [RobotEvent]

    /// The events of every operation of the tenant whose time lies in `[from, to)`, by time
    /// (then in recording order).
    func events(from: Date, to: Date) async throws -> [RobotEvent]
}

/// The robot-event log of one tenant (G-5). Sources can be IP addresses, so the log is a
/// ``PersonalDataHolder``.
///
/// ## Implementation requirements
/// - ``record(_:)`` stores a batch atomically and durably (under the store's policy);
///   every event must belong to the log's tenant (`core.invalid_argument` otherwise,
///   nothing stored).
/// - Readers see every recorded event.
/// - Retention (``PersonalDataHolder/eraseRecorded(before:)``) blanks the sources of older
///   events and keeps the rest (signal, time, operation: no personal data), so availability
///   reports stay possible; ``PersonalDataHolder/eraseAll()`` removes every event.
public protocol RobotEventLog: RobotEventReader, PersonalDataHolder {
    /// The tenant whose events these are.
    var tenant: TenantID { get }

    /// Records `events` as one atomic batch (the intake never passes an empty one).
    func record(_ events: [RobotEvent]) async throws
}

/// The reference ``RobotEventLog`` over any ``RecordLog``: an ``InMemoryRecordLog`` for
/// tests, a ``FileJournal`` (the tenant's `robot-events` log) in production. One JSON record
/// per event (``JSONCoding``), so a partner can read the log without Swift.
public final class RobotEventJournal: RobotEventLog, PersonalDataEnumerating, ScopedPersonalDataHolder {
    /// The name of the robot-event log in a tenant's storage.
    public static let storeName: StoreName = "robot-events"

    /// The tenant whose events these are.
    public let tenant: TenantID
    /// `games.robot_events`.
    public var holderName: String { "games.robot_events" }
    private let log: any RecordLog
    private let clock: any Clock

    /// The log of `tenant` in `log`.
    public init(tenant: TenantID, log: any RecordLog, clock: any Clock) {
        self.tenant = tenant
        self.log = log
        self.clock = clock
    }

    /// The log in the tenant's `robot-events` store.
    public static func open(
        _ storage: TenantStorage, clock: any Clock
    ) async throws -> RobotEventJournal {
        RobotEventJournal(tenant: storage.tenant, log: try await storage.recordLog(storeName), clock: clock)
    }

    /// Appends `events` as one batch of the log (see ``RobotEventLog/record(_:)``); throws
    /// `core.invalid_argument` for another tenant's event, or the log's storage errors.
    public func record(_ events: [RobotEvent]) async throws {
        guard !events.isEmpty else { return }
        guard events.allSatisfy({ $0.tenant == tenant }) else {
            throw KimpleError(
                .invalidArgument, "A robot event belongs to the log's tenant only (K-1).",
                context: ["tenant": tenant.rawValue])
        }
        try await log.append(contentsOf: events.map { try JSONCoding.encode($0) })
    }

    /// Reads the whole log and keeps `operation`'s events in `[from, to)`, by time.
    public func events(of operation: OperationID, from: Date, to: Date) async throws -> [RobotEvent] {
        try await collect { $0.operation == operation && $0.time >= from && $0.time < to }
    }

    /// Reads the whole log and keeps the events in `[from, to)`, by time.
    public func events(from: Date, to: Date) async throws -> [RobotEvent] {
        try await collect { $0.time >= from && $0.time < to }
    }

    private func collect(_ wanted: (RobotEvent) -> Bool) async throws -> [RobotEvent] {
        var found: [(UInt64, RobotEvent)] = []
        try await log.forEach { record in
            let event = try JSONCoding.decode(RobotEvent.self, from: record.payload, key: "robot-event")
            if wanted(event) { found.append((record.sequence, event)) }
        }
        return found.sorted { ($0.1.time, $0.0) < ($1.1.time, $1.0) }.map(\.1)
    }

    // MARK: PersonalDataHolder

    /// Robot events are located by source, never by a data subject's e-mail, phone,
    /// participant id or host key: always empty.
    public func records(of subject: SubjectLocator) async throws -> [PersonalDataRecord] { [] }

    /// Nothing is located by subject (see ``records(of:)``): erases nothing.
    public func erase(_ subject: SubjectLocator) async throws -> ErasureOutcome {
        ErasureOutcome(holder: holderName, recordIDs: [], removed: true, completedAt: clock.now)
    }

    /// Nothing is located by subject: changes nothing.
    public func rectify(_ subject: SubjectLocator, field: String, value: String) async throws -> [String] { [] }

    /// Blanks the source of every event recorded before `cutoff` (pseudonymised in place).
    public func eraseRecorded(before cutoff: Date) async throws -> ErasureOutcome {
        try await eraseRecorded(before: cutoff, in: .all)
    }

    /// Blanks the source of every event of the operations `scope` reaches (an event's scope is
    /// its operation id) recorded before `cutoff` (pseudonymised in place).
    public func eraseRecorded(before cutoff: Date, in scope: RetentionScope) async throws -> ErasureOutcome {
        var changed: [String] = []
        _ = try await log.rewrite { record in
            var event = try JSONCoding.decode(RobotEvent.self, from: record.payload, key: "robot-event")
            guard event.time < cutoff, !event.source.isEmpty, scope.contains(event.operation.rawValue) else {
                return record.payload
            }
            event.source = ""
            changed.append(String(record.sequence))
            return try JSONCoding.encode(event)
        }
        return ErasureOutcome(holder: holderName, recordIDs: changed, removed: false, completedAt: clock.now)
    }

    /// Removes every event.
    public func eraseAll() async throws -> ErasureOutcome {
        var removed: [String] = []
        _ = try await log.rewrite { record in
            removed.append(String(record.sequence))
            return nil
        }
        return ErasureOutcome(holder: holderName, recordIDs: removed, removed: true, completedAt: clock.now)
    }

    /// The number of events held.
    public func recordCount() async throws -> Int {
        try await log.count()
    }

    // MARK: PersonalDataEnumerating

    /// Calls `body` with every event held as a personal-data record (id: the log's sequence;
    /// fields `operation`, `source`, `signal`, `detail`, `count`; category `online` while the
    /// source is kept, none once it was blanked), in log order, until it returns `false`.
    nonisolated(nonsending) public func forEachRecord(_ body: (PersonalDataRecord) throws -> Bool) async throws {
        let holder = holderName
        try await log.read(from: 0) { record in
            let event = try JSONCoding.decode(RobotEvent.self, from: record.payload, key: "robot-event")
            return try body(
                PersonalDataRecord(
                    holder: holder, recordID: String(record.sequence), recordedAt: event.time,
                    categories: event.source.isEmpty ? [] : [.online],
                    fields: [
                        "operation": event.operation.rawValue, "source": event.source, "signal": event.signal.rawValue,
                        "detail": event.detail, "count": String(event.count),
                    ]))
        }
    }

    // MARK: Erasure by source

    /// Blanks the source of every event whose source is one of `sources` (pseudonymised in
    /// place, the log rewritten: the bytes are gone), keeping operation, signal, time and
    /// count so that availability reports stay possible. What an erasure request
    /// reaches when the person's sources are known (see `ParticipantRobotEvents`). Throws
    /// the log's storage errors.
    @discardableResult
    public func eraseSources(_ sources: Set<String>) async throws -> ErasureOutcome {
        var changed: [String] = []
        let wanted = sources.subtracting([""])
        var present = false
        if !wanted.isEmpty {
            try await log.read(from: 0) { record in
                let event = try JSONCoding.decode(RobotEvent.self, from: record.payload, key: "robot-event")
                present = wanted.contains(event.source)
                return !present
            }
        }
        if present {
            _ = try await log.rewrite { record in
                var event = try JSONCoding.decode(RobotEvent.self, from: record.payload, key: "robot-event")
                guard wanted.contains(event.source) else { return record.payload }
                event.source = ""
                changed.append(String(record.sequence))
                return try JSONCoding.encode(event)
            }
        }
        return ErasureOutcome(holder: holderName, recordIDs: changed, removed: false, completedAt: clock.now)
    }
}
