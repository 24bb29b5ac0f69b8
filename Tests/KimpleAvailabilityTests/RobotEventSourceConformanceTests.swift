import Foundation
import KimpleAvailability
import KimpleCore
import KimpleGames
import KimpleTesting
import Synchronization
import Testing

/// The SDK's robot-event sources pass the suite a host runs on its own feed of detections.
@Suite("Robot event source conformance")
struct RobotEventSourceConformanceTests {
    // SPEC A-4, K-1, K-6
    @Test("RobotEventList")
    func list() async throws {
        let report = try await RobotEventSourceConformance.run { _, events in RobotEventList(events) }
        #expect(report.passed.count == 5)
    }

    // SPEC A-4, K-1, K-6
    @Test("RobotEventReaderSource over the intake's in-memory journal")
    func readerSource() async throws {
        let report = try await RobotEventSourceConformance.run { tenant, events in
            let journal = RobotEventJournal(tenant: tenant, log: InMemoryRecordLog(), clock: SystemClock())
            try await Self.record(events, in: journal)
            return RobotEventReaderSource(journal)
        }
        #expect(report.passed.count == 5)
    }

    // SPEC A-4, K-1, K-6
    @Test("RobotEventJournal on a file journal")
    func fileJournal() async throws {
        try await withTemporaryDirectory { directory in
            let journals = Mutex<[FileJournal]>([])
            defer { journals.withLock { $0.forEach { $0.close() } } }
            let report = try await RobotEventSourceConformance.run { tenant, events in
                let log = try FileJournal.open(at: directory.appendingPathComponent(UUID().uuidString))
                journals.withLock { $0.append(log) }
                let journal = RobotEventJournal(tenant: tenant, log: log, clock: SystemClock())
                try await Self.record(events, in: journal)
                return journal
            }
            #expect(report.passed.count == 5)
        }
    }

    // SPEC K-1
    @Test("a source that ignores the tenant fails the tenant check only")
    func tenantBlindSourceIsCaught() async throws {
        do {
            try await RobotEventSourceConformance.run { _, events in TenantBlindSource(events: RobotEventList(events)) }
            Issue.record("the suite accepted a source that serves every tenant")
        } catch let failures as ConformanceFailures {
            #expect(failures.report.failures.map(\.check) == ["another tenant gets none of the events"])
            #expect(failures.report.failures.first?.rule == "K-1")
        }
    }

    /// Records `events` as the intake would: in batches of two, in the order given.
    private static func record(_ events: [RobotEvent], in journal: RobotEventJournal) async throws {
        for start in stride(from: 0, to: events.count, by: 2) {
            try await journal.record(Array(events[start..<min(start + 2, events.count)]))
        }
    }
}

/// A source that answers every tenant with the events it holds.
private struct TenantBlindSource: RobotEventSource {
    let events: RobotEventList

    func robotEvents(of tenant: TenantID, in interval: Range<Date>) async throws -> [RobotEvent] {
        events.events.filter { interval.contains($0.time) }
    }
}
