import Foundation
import KimpleCore
import KimpleGames
import KimplePrivacy
import KimpleTesting
import Synchronization
import Testing

/// The games' stores holding personal data, checked by KimpleTesting's conformance suites so
/// that requests, retention and the end of the contract reach them (P-3, P-9, P-10).
@Suite("Integration: personal-data holders of the games")
struct PersonalDataConformanceTests {
    typealias Seed = PersonalDataHolderConformance.Seed

    /// The draft of `seed`'s entry: its e-mail, phone and a city as form fields, its
    /// participant id, and (when given) a kept source.
    static func draft(_ seed: Seed, number: Int, source: String? = nil) -> EntryDraft {
        var fields = [EntryField(name: "email", value: seed.email, category: .email)]
        if let phone = seed.phone { fields.append(EntryField(name: "phone", value: phone, category: .phone)) }
        fields.append(EntryField(name: "city", value: "Paris", category: .postalAddress))
        for (name, value) in seed.fields.sorted(by: { $0.key < $1.key }) {
            fields.append(EntryField(name: name, value: value, category: .answers))
        }
        return EntryDraft(
            operation: "conformance", identity: IdentityKey(high: 7, low: UInt64(number)), period: 0,
            receivedAt: seed.recordedAt, participant: seed.participant, source: source, fields: fields,
            consents: ["rules"])
    }

    static func fill(_ store: any ParticipationStore, _ seeds: [Seed], sources: Bool = false) async throws {
        for (number, seed) in seeds.enumerated() {
            let inserted = try await store.insert(
                draft(seed, number: number, source: sources ? "198.51.100.\(number + 1)" : nil), maximumPerPeriod: 1)
            guard case .inserted = inserted else { throw KimpleError("test.not_inserted", "seed \(number)") }
        }
    }

    /// Opens file stores in fresh subdirectories of `directory` and closes them at the end.
    final class Directories: Sendable {
        let root: URL
        private let state = Mutex<(count: Int, closers: [@Sendable () -> Void])>((0, []))
        init(_ root: URL) { self.root = root }
        func next() -> URL {
            state.withLock { state in
                state.count += 1
                return root.appendingPathComponent("store-\(state.count)")
            }
        }
        func onClose(_ close: @escaping @Sendable () -> Void) { state.withLock { $0.closers.append(close) } }
        func closeAll() { for close in state.withLock({ $0.closers }) { close() } }
    }

    // SPEC P-3, P-9, P-10, G-4: the in-memory participation store passes the holder suite
    // (found by e-mail, phone and participant id; erasure, rectification, retention, erase-all
    // and listing).
    @Test("the in-memory participation store is a conforming, listable personal-data holder")
    func inMemoryParticipations() async throws {
        let report = try await PersonalDataHolderConformance.run { seeds in
            let store = InMemoryParticipationStore(tenant: Platform.tenant, clock: SystemClock())
            try await Self.fill(store, seeds)
            return store
        }
        #expect(report.passed.count == 6)
        #expect(
            InMemoryParticipationStore(tenant: Platform.tenant, clock: SystemClock()) as Any
                is any PersonalDataEnumerating)
    }

    // SPEC P-3, P-9, P-10, G-4, K-6: the file participation store passes the same suite.
    @Test("the file participation store is a conforming, listable personal-data holder")
    func fileParticipations() async throws {
        try await withTemporaryDirectory { directory in
            let directories = Directories(directory)
            defer { directories.closeAll() }
            let report = try await PersonalDataHolderConformance.run { seeds in
                let store = try FileParticipationStore.open(
                    tenant: Platform.tenant, at: directories.next(), clock: SystemClock())
                directories.onClose { store.close() }
                try await Self.fill(store, seeds)
                return store
            }
            #expect(report.passed.count == 6)
        }
    }

    /// The robot events of `seeds` (one per seed, from the source its entry kept, at its
    /// instant) in `journal`, linked through a participation store holding their entries.
    static func linkedRobotEvents(
        _ seeds: [Seed], journal: RobotEventJournal
    ) async throws -> ParticipantRobotEvents {
        let participations = InMemoryParticipationStore(tenant: Platform.tenant, clock: SystemClock())
        try await fill(participations, seeds, sources: true)
        try await journal.record(
            seeds.enumerated().map { number, seed in
                RobotEvent(
                    tenant: Platform.tenant, operation: "conformance", source: "198.51.100.\(number + 1)",
                    signal: .burstRate, time: seed.recordedAt, detail: "burst", count: 3)
            })
        return try ParticipantRobotEvents(journal: journal, participations: participations)
    }

    // SPEC P-3, P-9, P-10, G-5: the robot-event journal, as the privacy module sees it (events
    // found through the sources the person's participations kept), passes the holder suite
    // on an in-memory log and on a file journal; robot events hold no field a person could
    // have rectified, so the suite checks that rectification changes nothing.
    @Test("the robot-event journal is a conforming, listable personal-data holder, in memory and on file")
    func robotEvents() async throws {
        let inMemory = try await PersonalDataHolderConformance.run(rectifies: false) { seeds in
            try await Self.linkedRobotEvents(
                seeds,
                journal: RobotEventJournal(tenant: Platform.tenant, log: InMemoryRecordLog(), clock: SystemClock()))
        }
        #expect(inMemory.passed.count == 6)
        try await withTemporaryDirectory { directory in
            let directories = Directories(directory)
            defer { directories.closeAll() }
            let onFile = try await PersonalDataHolderConformance.run(rectifies: false) { seeds in
                let log = try FileJournal.open(at: directories.next())
                directories.onClose { log.close() }
                return try await Self.linkedRobotEvents(
                    seeds, journal: RobotEventJournal(tenant: Platform.tenant, log: log, clock: SystemClock()))
            }
            #expect(onFile.passed.count == 6)
            // The journal's own suite too (sources blanked by retention, everything removed at the end).
            try await RobotEventLogConformance.run { tenant in
                let log = try FileJournal.open(at: directories.next())
                directories.onClose { log.close() }
                return RobotEventJournal(tenant: tenant, log: log, clock: SystemClock())
            }
        }
    }

    // SPEC P-10, G-5: listing a robot event gives its source under `online` while it is kept,
    // and no category once retention blanked it.
    @Test("robot events list their source as online data until retention blanks it")
    func robotEventListing() async throws {
        let journal = RobotEventJournal(tenant: Platform.tenant, log: InMemoryRecordLog(), clock: SystemClock())
        let t0 = Platform.during
        try await journal.record([
            RobotEvent(
                tenant: Platform.tenant, operation: "summer", source: "203.0.113.7", signal: .honeypot, time: t0),
            RobotEvent(
                tenant: Platform.tenant, operation: "summer", source: "203.0.113.8", signal: .burstRate,
                time: t0.addingTimeInterval(3_600), count: 12),
        ])
        _ = try await journal.eraseRecorded(before: t0.addingTimeInterval(60))
        var listed: [PersonalDataRecord] = []
        try await journal.forEachRecord {
            listed.append($0)
            return true
        }
        #expect(listed.map(\.categories) == [[], [.online]])
        #expect(listed.map { $0.fields["source"] } == ["", "203.0.113.8"])
        #expect(listed.map { $0.fields["count"] } == ["1", "12"])
        #expect(listed.allSatisfy { $0.holder == "games.robot_events" })
    }
}
