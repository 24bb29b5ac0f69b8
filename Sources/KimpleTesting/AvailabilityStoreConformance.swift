import Foundation
import KimpleAvailability
import KimpleCore
import KimpleGames

/// The checks every ``AvailabilityStore`` must pass: the SDK's ``InMemoryAvailabilityStore`` and
/// ``FileAvailabilityStore`` pass them, and a host runs them against its own implementation.
public enum AvailabilityStoreConformance {
    /// Runs every check; `makeEmptyStore` is called once per check and must return an empty store
    /// of tenant `conformance`. With `reopen` (which closes the store given and opens it again on
    /// the same storage), the restart check runs too. Throws ``ConformanceFailures`` listing every
    /// failed check.
    @discardableResult
    public static func run(
        _ makeEmptyStore: () async throws -> any AvailabilityStore,
        reopen: ((any AvailabilityStore) async throws -> any AvailabilityStore)? = nil
    ) async throws
        -> ConformanceReport
    {
        var runner = ConformanceRunner(suite: "AvailabilityStore")
        let r = runner
        let t0 = Date(timeIntervalSince1970: 1_780_000_000)
        func outage(_ id: String, minutes: Double = 10, summary: String = "") throws -> Outage {
            try Outage(
                id: OutageID(id), start: t0, end: t0.addingTimeInterval(minutes * 60), summary: summary)
        }

        await runner.check("the store names its tenant", rule: "K-1") {
            let store = try await makeEmptyStore()
            try r.expect(store.tenant == "conformance", "tenant", "tenant is \(store.tenant)")
        }

        await runner.check("insert creates once and a refused insert changes nothing", rule: "K-6") {
            let store = try await makeEmptyStore()
            let first = try outage("o-1", summary: "first")
            let version = try await store.insert(first)
            let stored = try await store.get(Outage.self, key: "o-1")
            try r.expect(
                stored?.record == first && stored?.version == version, "insert", "got \(String(describing: stored))")
            try await r.expectError(.storageConflict, "insert twice") {
                try await store.insert(try outage("o-1", summary: "second"))
            }
            try r.expect(
                try await store.record(Outage.self, key: "o-1")?.summary == "first", "insert twice",
                "a refused insert changed the record")
            try r.expect(
                try await store.get(Outage.self, key: "absent") == nil, "absent", "absent key returned a record")
        }

        await runner.check("replace is a compare-and-set", rule: "K-6") {
            let store = try await makeEmptyStore()
            var record = try outage("o-1")
            let v1 = try await store.insert(record)
            record.summary = "changed"
            let v2 = try await store.replace(record, expectedVersion: v1)
            try r.expect(v2 > v1, "replace", "version did not increase")
            record.summary = "stale"
            try await r.expectError(.storageConflict, "stale replace") {
                try await store.replace(record, expectedVersion: v1)
            }
            try r.expect(
                try await store.record(Outage.self, key: "o-1")?.summary == "changed", "stale replace",
                "a refused replace changed the record")
            try await r.expectError(.storageConflict, "replace absent") {
                try await store.replace(try outage("missing"), expectedVersion: v2)
            }
        }

        await runner.check("kinds are separate and listed in key order", rule: "A-2") {
            let store = try await makeEmptyStore()
            for id in ["b", "a", "c"] { try await store.insert(try outage(id)) }
            try await store.insert(
                try Incident(id: "a", declaredAt: t0, severity: .minor, description: "one function fails"))
            try await store.insert(
                try MaintenanceWindow(id: "a", kind: .scheduled, start: t0, end: t0.addingTimeInterval(3600)))
            let outages = try await store.all(Outage.self).map(\.id.rawValue)
            try r.expect(outages == ["a", "b", "c"], "listing", "outages \(outages)")
            try r.expect(try await store.all(Incident.self).count == 1, "kinds", "incidents mixed with other kinds")
            try r.expect(try await store.all(MaintenanceWindow.self).count == 1, "kinds", "maintenance mixed")
            try r.expect(try await store.all(SuspensionDecision.self).isEmpty, "kinds", "suspensions not empty")
        }

        await runner.check("an invalid key is refused", rule: "K-6") {
            let store = try await makeEmptyStore()
            try await r.expectError(.invalidArgument, "key") { _ = try await store.get(Outage.self, key: "a/b") }
        }

        await runner.check("traffic batches read back in order and by interval", rule: "A-5") {
            let store = try await makeEmptyStore()
            func sample(_ minute: Double, admitted: Int) -> TrafficSample {
                TrafficSample(
                    tenant: "conformance", operation: "op-1", isDeclared: false,
                    from: t0.addingTimeInterval(minute * 60),
                    to: t0.addingTimeInterval(minute * 60 + 60), admitted: admitted, refusedRate: 1, refusedPlatform: 2,
                    refusedSuspended: 0)
            }
            try await store.appendTraffic([])
            try await store.appendTraffic([sample(0, admitted: 1), sample(1, admitted: 2)])
            try await store.appendTraffic([sample(2, admitted: 3)])
            let all = try await store.traffic(overlapping: t0..<t0.addingTimeInterval(3600))
            try r.expect(all.map(\.admitted) == [1, 2, 3], "traffic", "read \(all.map(\.admitted))")
            let later = try await store.traffic(overlapping: t0.addingTimeInterval(150)..<t0.addingTimeInterval(3600))
            try r.expect(later.map(\.admitted) == [3], "traffic interval", "read \(later.map(\.admitted))")
            let before = try await store.traffic(overlapping: t0.addingTimeInterval(-7200)..<t0.addingTimeInterval(-60))
            try r.expect(before.isEmpty, "traffic interval", "samples outside the interval returned")
        }

        await runner.check("concurrent inserts of one key: exactly one wins", rule: "K-6") {
            let store = try await makeEmptyStore()
            let wins = try await withThrowingTaskGroup(of: Bool.self) { group in
                for n in 0..<16 {
                    group.addTask {
                        do {
                            try await store.insert(try outage("race", summary: "\(n)"))
                            return true
                        } catch let error as KimpleError where error.code == .storageConflict {
                            return false
                        }
                    }
                }
                var wins = 0
                for try await won in group where won { wins += 1 }
                return wins
            }
            try r.expect(wins == 1, "insert race", "\(wins) inserts succeeded")
        }

        await runner.check("concurrent compare-and-set updates lose nothing", rule: "K-6") {
            let store = try await makeEmptyStore()
            try await store.insert(try outage("counter", summary: "0"))
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<4 {
                    group.addTask {
                        for _ in 0..<10 {
                            while true {
                                guard let current = try await store.get(Outage.self, key: "counter") else { return }
                                var record = current.record
                                record.summary = String((Int(record.summary) ?? 0) + 1)
                                do {
                                    try await store.replace(record, expectedVersion: current.version)
                                    break
                                } catch let error as KimpleError where error.code == .storageConflict {
                                    continue
                                }
                            }
                        }
                    }
                }
                try await group.waitForAll()
            }
            let final = try await store.record(Outage.self, key: "counter")?.summary
            try r.expect(final == "40", "concurrent", "counter is \(final ?? "nil") instead of 40")
        }

        await runner.check(
            "after a restart every record and traffic batch reads back and versions go on", rule: "K-7",
            needs: reopen
        ) { reopen in
            let store = try await makeEmptyStore()
            var record = try outage("o-1")
            let v1 = try await store.insert(record)
            record.summary = "changed"
            let v2 = try await store.replace(record, expectedVersion: v1)
            try await store.insert(try Incident(id: "i-1", declaredAt: t0, severity: .critical, description: "down"))
            let sample = TrafficSample(
                tenant: "conformance", operation: "op-1", isDeclared: true, from: t0, to: t0.addingTimeInterval(60),
                admitted: 7, refusedRate: 1, refusedPlatform: 0, refusedSuspended: 0)
            try await store.appendTraffic([sample])
            let incidents = try await store.all(Incident.self)
            let reopened = try await reopen(store)
            try r.expect(reopened.tenant == "conformance", "tenant", "tenant is \(reopened.tenant)")
            let stored = try await reopened.get(Outage.self, key: "o-1")
            try r.expect(
                stored?.record == record && stored?.version == v2, "read back", "got \(String(describing: stored))")
            try r.expect(try await reopened.all(Incident.self) == incidents, "read back", "the incidents differ")
            let traffic = try await reopened.traffic(overlapping: t0..<t0.addingTimeInterval(3600))
            try r.expect(traffic == [sample], "traffic", "read \(traffic.map(\.admitted)) instead of [7]")
            try await r.expectError(.storageConflict, "stale replace") {
                try await reopened.replace(record, expectedVersion: v1)
            }
            try await r.expectError(.storageConflict, "insert") { try await reopened.insert(try outage("o-1")) }
            let v3 = try await reopened.replace(record, expectedVersion: v2)
            try r.expect(v3 > v2, "versions", "a version was reused after the restart")
        }
        return try runner.finish()
    }
}
