import KimpleCore

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The robot-event log as the privacy module sees it (P-3, P-9, P-10): the tenant's
/// ``RobotEventJournal`` whose events are found, for a data subject, through the sources the
/// subject's own participations kept.
///
/// A robot event names a source (an IP address, a device key), never a person: the journal
/// alone finds nothing for an e-mail, a phone or a participant id. When the intake keeps
/// sources (``IntakeConfiguration/keepsSource``), a person's entries name the sources they
/// came from; this holder finds the events of those sources, and an erasure blanks their
/// source in place (``RobotEventJournal/eraseSources(_:)``: the log is rewritten, the bytes
/// are gone) while operation, signal, time and count stay for availability reports.
/// Without kept sources nothing links an event to a person and nothing is found (GDPR art. 11:
/// the processor does not collect more to identify someone).
///
/// Retention, destruction, counting and listing are the journal's own
/// (``RobotEventJournal/eraseRecorded(before:)`` blanks the sources of older events).
///
/// **Register it before the participation store** (``holders(participations:robotEvents:)``
/// gives the order): the privacy module works through its holders in registration order, and
/// once the participation store erased the person's entries their sources are no longer known.
/// Rectification changes nothing: robot events hold no form field.
public struct ParticipantRobotEvents: PersonalDataEnumerating, ScopedPersonalDataHolder {
    /// The journal.
    public let journal: RobotEventJournal
    /// The participations whose kept sources link events to people.
    public let participations: any ParticipationStore

    /// The holder over `journal`, linked through `participations`.
    ///
    /// - Throws: `core.invalid_argument` when they belong to different tenants (K-1).
    public init(journal: RobotEventJournal, participations: any ParticipationStore) throws {
        guard journal.tenant == participations.tenant else {
            throw KimpleError(
                .invalidArgument, "The robot events and the participations must belong to the same tenant (K-1).",
                context: ["robotEvents": journal.tenant.rawValue, "participations": participations.tenant.rawValue])
        }
        self.journal = journal
        self.participations = participations
    }

    /// The games' holders of one tenant, in the order the privacy module must register them:
    /// the linked robot events, then the participation store.
    ///
    /// - Throws: what ``init(journal:participations:)`` throws.
    public static func holders(
        participations: any ParticipationStore, robotEvents: RobotEventJournal
    ) throws -> [any ScopedPersonalDataHolder] {
        [try ParticipantRobotEvents(journal: robotEvents, participations: participations), participations]
    }

    /// The journal's tenant.
    public var tenant: TenantID { journal.tenant }
    /// `games.robot_events`, the journal's name.
    public var holderName: String { journal.holderName }

    /// The sources `subject`'s participations kept.
    private func sources(of subject: SubjectLocator) async throws -> Set<String> {
        Set(try await participations.records(of: subject).compactMap { $0.fields["source"] }).subtracting([""])
    }

    /// The events whose source is one of the sources `subject`'s participations kept.
    public func records(of subject: SubjectLocator) async throws -> [PersonalDataRecord] {
        let sources = try await sources(of: subject)
        guard !sources.isEmpty else { return [] }
        var found: [PersonalDataRecord] = []
        try await journal.forEachRecord { record in
            if let source = record.fields["source"], sources.contains(source) { found.append(record) }
            return true
        }
        return found
    }

    /// Blanks the source of every event found by ``records(of:)``.
    public func erase(_ subject: SubjectLocator) async throws -> ErasureOutcome {
        try await journal.eraseSources(try await sources(of: subject))
    }

    /// Robot events hold no form field: changes nothing.
    public func rectify(_ subject: SubjectLocator, field: String, value: String) async throws -> [String] { [] }

    /// The journal's retention: blanks the sources of events before `cutoff`.
    public func eraseRecorded(before cutoff: Date) async throws -> ErasureOutcome {
        try await journal.eraseRecorded(before: cutoff)
    }

    /// The journal's retention for the operations `scope` reaches.
    public func eraseRecorded(before cutoff: Date, in scope: RetentionScope) async throws -> ErasureOutcome {
        try await journal.eraseRecorded(before: cutoff, in: scope)
    }

    /// The journal's destruction: removes every event.
    public func eraseAll() async throws -> ErasureOutcome {
        try await journal.eraseAll()
    }

    /// The number of events held.
    public func recordCount() async throws -> Int {
        try await journal.recordCount()
    }

    /// Every event held, as the journal lists them.
    nonisolated(nonsending) public func forEachRecord(_ body: (PersonalDataRecord) throws -> Bool) async throws {
        try await journal.forEachRecord(body)
    }
}
