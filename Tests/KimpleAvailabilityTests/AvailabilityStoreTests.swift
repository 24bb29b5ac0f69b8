import Foundation
import KimpleAvailability
import KimpleCore
import KimpleTesting
import Synchronization
import Testing

@Suite("Availability stores")
struct AvailabilityStoreTests {
    // SPEC K-6, A-2: the in-memory store passes the conformance suite.
    @Test func inMemoryConformance() async throws {
        let report = try await AvailabilityStoreConformance.run { InMemoryAvailabilityStore(tenant: "conformance") }
        #expect(report.passed.count == 8)
    }

    // SPEC K-6, K-7, A-2: the file store passes the conformance suite, restart included, on files
    // and on in-memory storage.
    @Test func fileConformance() async throws {
        try await withTemporaryDirectory { directory in
            // A fresh file backend per check, closed at the end. The checks run one after another:
            // the restart check reopens the backend made last.
            let backends = Mutex<[FileStorage]>([])
            defer { backends.withLock { $0.forEach { $0.close() } } }
            let report = try await AvailabilityStoreConformance.run(
                {
                    let storage = try FileStorage(root: directory.appendingPathComponent(UUID().uuidString))
                    backends.withLock { $0.append(storage) }
                    return try await FileAvailabilityStore.open(storage.tenant("conformance"))
                },
                reopen: { store in
                    let storage = try #require(backends.withLock { $0.last })
                    storage.close()
                    let again = try FileStorage(root: storage.root)
                    backends.withLock { $0.append(again) }
                    return try await FileAvailabilityStore.open(again.tenant(store.tenant))
                })
            #expect(report.passed.count == 9)
            #expect(report.skipped.isEmpty)
        }
        let report = try await AvailabilityStoreConformance.run {
            try await FileAvailabilityStore.open(InMemoryStorage().tenant("conformance"))
        }
        #expect(report.passed.count == 8)
    }

    // SPEC K-7, A-2: records and traffic survive closing and reopening the file store.
    @Test func fileStoreSurvivesReopen() async throws {
        try await withTemporaryDirectory { directory in
            let start = try Fixtures.at("2026-06-10T10:00:00+02:00")
            do {
                let storage = try FileStorage(root: directory)
                let store = try await FileAvailabilityStore.open(storage.tenant("acme"))
                try await store.insert(try Outage(id: "o1", start: start, end: start.addingTimeInterval(600)))
                try await store.appendTraffic([
                    TrafficSample(
                        tenant: "acme", operation: "op", isDeclared: false, from: start,
                        to: start.addingTimeInterval(60), admitted: 5, refusedRate: 1, refusedPlatform: 0,
                        refusedSuspended: 0)
                ])
                storage.close()
            }
            let storage = try FileStorage(root: directory)
            defer { storage.close() }
            let store = try await FileAvailabilityStore.open(storage.tenant("acme"))
            #expect(try await store.all(Outage.self).map(\.id) == ["o1"])
            let june = try FrenchCalendar.paris.interval(of: Fixtures.month("2026-06"))
            #expect(try await store.traffic(overlapping: june).map(\.admitted) == [5])
        }
    }
}
