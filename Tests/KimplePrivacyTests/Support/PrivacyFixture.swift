import Foundation
import KimpleCore
import KimplePrivacy
import KimpleTesting

/// A tenant's privacy services on in-memory stores, a manual clock and a recording
/// transport, with Microsoft Azure (France) as the agreed host.
struct PrivacyFixture {
    let tenant: TenantID
    let clock: ManualClock
    let transport: InMemoryTransport
    let storage: any StorageBackend
    /// The file outbox the services send through when the fixture runs on files, else `nil`
    /// (they send through ``transport``).
    let outbox: FileOutbox?
    let privacy: TenantPrivacy
    let subProcessors: SubProcessorRegistry
    let processorEvidence: EvidenceLog

    static let azure = SubProcessor(
        recipient: TransferRecipient(name: "Microsoft Azure", country: "FR", role: .subProcessor),
        processing: "Hosting and collection of participations", activities: [.hosting, .collection],
        guarantees: ["Data processing agreement with the obligations of §11.2", "ISO/IEC 27001"])

    static let processor = PartyProfile(
        name: "Cassiop", address: "1 rue de Lille, 59000 Lille, France", contact: "privacy@cassiop.example",
        dataProtectionOfficer: "dpo@cassiop.example")

    static let controller = PartyProfile(
        name: "Brand SA", address: "2 avenue de Paris, 75001 Paris, France", contact: "dpo@brand.example")

    static func configuration(statistics: [StatisticsSpec] = []) -> PrivacyConfiguration {
        PrivacyConfiguration(
            processor: processor,
            hosting: [HostingSite(provider: "Microsoft Azure", country: "FR", activities: [.hosting, .collection])],
            statistics: statistics,
            thirdPartyAuditReports: [
                ThirdPartyAuditReport(
                    id: "iso-2025", auditor: "Certif SAS", scope: ["hosting", "access control", "erasure"],
                    completedOn: CivilDate(unchecked: 2025, 9, 15), digest: SHA256.hash("report"))
            ])
    }

    /// Opens the services at `start` (default 2026-03-02T09:00:00Z, a Monday), in memory, or
    /// with `files` on that file storage and a `FileOutbox` in `<files root>/outbox` (the
    /// caller closes both: ``close()``).
    static func make(
        tenant: TenantID = "brand", start: String = "2026-03-02T09:00:00Z", statistics: [StatisticsSpec] = [],
        agreeHost: Bool = true, files: FileStorage? = nil
    ) async throws -> PrivacyFixture {
        let clock = try ManualClock(iso8601: start)
        let recorder = InMemoryTransport(clock: clock)
        let storage: any StorageBackend = files ?? InMemoryStorage()
        let outbox = try files.map { try FileOutbox(directory: $0.root.appendingPathComponent("outbox"), clock: clock) }
        let transport: any MessageTransport = outbox ?? recorder
        let processorEvidence = EvidenceLog(log: InMemoryRecordLog(), tenant: "processor", clock: clock)
        let registry = SubProcessorRegistry(
            store: InMemoryDocumentStore(), evidence: processorEvidence, transport: transport, clock: clock)
        if agreeHost {
            try await registry.agreeInitialList([azure], by: .host("setup"))
        }
        let privacy = try await TenantPrivacy.open(
            storage: storage.tenant(tenant), transport: transport, clock: clock,
            configuration: configuration(statistics: statistics), subProcessors: registry)
        try await privacy.setController(controller)
        return PrivacyFixture(
            tenant: tenant, clock: clock, transport: recorder, storage: storage, outbox: outbox, privacy: privacy,
            subProcessors: registry, processorEvidence: processorEvidence)
    }

    /// The messages of `kind` sent: those of the outbox (pending and delivered) on files,
    /// else those the recorder holds.
    func messages(of kind: MessageKind) throws -> [OutboundMessage] {
        guard let outbox else { return transport.messages(of: kind) }
        return try (outbox.pendingMessages() + outbox.deliveredMessages()).filter { $0.kind == kind }
    }

    /// Closes the outbox (the file storage is the caller's).
    func close() {
        outbox?.close()
    }

    var gate: any ProcessingGate { privacy.gate }

    /// The standard instruction: participation, winner selection, export, statistics on
    /// identity and contact data, 6 months, exports to the controller in France.
    static func terms(
        purposes: Set<ProcessingPurpose> = [.participation, .winnerSelection, .export, .statistics],
        categories: Set<DataCategory> = [.identity, .contact, .participation, .online],
        special: Set<DataCategory> = [], specialInClear: Bool = false, retention: RetentionPeriod = .months(6),
        recipients: [TransferRecipient] = [
            TransferRecipient(name: "controller", country: "FR", role: .controller)
        ], givenAt: Date = Date(timeIntervalSince1970: 1_772_000_000)
    ) -> InstructionTerms {
        InstructionTerms(
            author: InstructionAuthor(
                name: "Jeanne Martin", role: "Head of marketing", contact: "jeanne@brand.example"),
            givenAt: givenAt, reference: "Quote 2026-014, annex 1", text: "Run the summer sweepstakes with these data.",
            purposes: purposes, categories: categories, specialCategories: special,
            specialCategoriesInClear: specialInClear,
            retention: retention, recipients: recipients)
    }

    @discardableResult
    func record(
        _ terms: InstructionTerms = PrivacyFixture.terms(), id: InstructionID = "summer"
    ) async throws
        -> ControllerInstruction
    {
        try await privacy.instructions.record(terms, id: id, by: .user("jeanne"))
    }

    func request(
        _ purpose: ProcessingPurpose = .participation, instruction: InstructionID = "summer",
        categories: Set<DataCategory> = [.email, .name], subject: String = "operation:summer-2026",
        destination: TransferDestination? = nil, tenant: TenantID? = nil
    ) -> ProcessingRequest {
        ProcessingRequest(
            tenant: tenant ?? self.tenant, instruction: instruction, purpose: purpose, categories: categories,
            principal: .system("games.intake"), subject: subject, destination: destination)
    }

    /// The evidence entries with `action`.
    func entries(_ action: String) async throws -> [EvidenceEntry] {
        try await privacy.evidence.entries().filter { $0.action == action }
    }
}

/// Runs `body` and returns the `KimpleError` it throws (or `nil`).
func kimpleError(_ body: () async throws -> Void) async -> KimpleError? {
    do {
        try await body()
        return nil
    } catch let error as KimpleError {
        return error
    } catch {
        return KimpleError("test.unexpected", "\(error)")
    }
}

/// An instant from ISO 8601 text (tests' literals are valid).
func instant(_ text: String) -> Date {
    (try? ISO8601.instant(text)) ?? Date(timeIntervalSince1970: 0)
}

/// A sample holder's entries for `people` people, `perPerson` each, a day apart from `start`.
func sampleEntries(
    people: Int, perPerson: Int = 1, start: Date, categories: Set<DataCategory> = [.email, .name],
    fields: (Int) -> [String: String] = { _ in [:] }
) -> [SamplePersonalDataHolder.Entry] {
    var entries: [SamplePersonalDataHolder.Entry] = []
    for person in 0..<people {
        for n in 0..<perPerson {
            entries.append(
                SamplePersonalDataHolder.Entry(
                    recordID: "p\(person)-\(n)", participant: ParticipantID(unchecked: "p\(person)"),
                    email: "person\(person)@example.org", recordedAt: start.addingTimeInterval(Double(n) * 86_400),
                    categories: categories, fields: fields(person)))
        }
    }
    return entries
}

/// The files under `directory` that contain `text`'s UTF-8 bytes.
func filesContain(_ text: String, under directory: URL) throws -> [String] {
    let needle = Data(text.utf8)
    var found: [String] = []
    let enumerator = FileManager.default.enumerator(at: directory, includingPropertiesForKeys: [.isRegularFileKey])
    while let url = enumerator?.nextObject() as? URL {
        guard (try url.resourceValues(forKeys: [.isRegularFileKey])).isRegularFile == true else { continue }
        if try Data(contentsOf: url).range(of: needle) != nil { found.append(url.path) }
    }
    return found
}
