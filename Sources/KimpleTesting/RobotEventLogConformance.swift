import Foundation
import KimpleCore
import KimpleGames

/// The checks every ``RobotEventLog`` must pass: the SDK's ``RobotEventJournal`` (over an
/// in-memory log or a file journal) passes them, and a host runs them against its own.
public enum RobotEventLogConformance {
    /// The tenant the logs under test are made for.
    public static let tenant: TenantID = "conformance-tenant"

    /// Runs every check; `makeEmptyLog` is called once per check with ``tenant`` and must
    /// return an empty log. With `reopen` (which closes the log given and opens it again on the
    /// same storage), the restart check runs too. Throws ``ConformanceFailures`` listing every
    /// failed check.
    @discardableResult
    public static func run(
        _ makeEmptyLog: (TenantID) async throws -> any RobotEventLog,
        reopen: ((any RobotEventLog) async throws -> any RobotEventLog)? = nil
    ) async throws
        -> ConformanceReport
    {
        var runner = ConformanceRunner(suite: "RobotEventLog")
        let r = runner
        let t0 = Date(timeIntervalSince1970: 1_780_000_000)
        func event(_ operation: OperationID, _ offset: TimeInterval, _ signal: RobotSignal = .honeypot) -> RobotEvent {
            RobotEvent(
                tenant: tenant, operation: operation, source: "198.51.100.\(Int(offset) % 250)", signal: signal,
                time: t0.addingTimeInterval(offset), detail: "test", count: 1)
        }

        await runner.check("an empty log has no event", rule: "K-1") {
            let log = try await makeEmptyLog(tenant)
            try r.expect(log.tenant == tenant, "tenant", "log.tenant is \(log.tenant)")
            try r.expect(try await log.events(from: .distantPast, to: .distantFuture).isEmpty, "empty", "events")
            try r.expect(try await log.recordCount() == 0, "empty", "recordCount is not 0")
        }

        await runner.check("events are read by operation and half-open time range, by time", rule: "G-5") {
            let log = try await makeEmptyLog(tenant)
            try await log.record([event("summer", 30), event("winter", 10)])
            try await log.record([event("summer", 10, .burstRate), event("summer", 60)])
            let summer = try await log.events(
                of: "summer", from: t0.addingTimeInterval(10), to: t0.addingTimeInterval(60))
            try r.expect(
                summer == [event("summer", 10, .burstRate), event("summer", 30)], "range",
                "read \(summer.map { "\($0.operation)@\($0.time.timeIntervalSince(t0))" })")
            let all = try await log.events(from: t0, to: t0.addingTimeInterval(3600))
            try r.expect(all.map(\.time) == all.map(\.time).sorted(), "order", "not sorted by time")
            try r.expect(all.count == 4, "all", "read \(all.count) events")
        }

        await runner.check("an event of another tenant is refused and nothing of the batch is stored", rule: "K-1") {
            let log = try await makeEmptyLog(tenant)
            var foreign = event("summer", 0)
            foreign.tenant = "someone-else"
            try await r.expectError(.invalidArgument, "tenant") { try await log.record([event("summer", 1), foreign]) }
            try r.expect(try await log.recordCount() == 0, "tenant", "part of the batch was stored")
        }

        await runner.check("retention blanks old sources; erasing everything removes every event", rule: "P-9") {
            let log = try await makeEmptyLog(tenant)
            try await log.record([event("summer", 0), event("summer", 100)])
            let outcome = try await log.eraseRecorded(before: t0.addingTimeInterval(50))
            try r.expect(outcome.recordIDs.count == 1 && !outcome.removed, "retention", "outcome \(outcome)")
            let events = try await log.events(from: t0, to: t0.addingTimeInterval(200))
            try r.expect(
                events.map(\.source) == ["", "198.51.100.100"], "retention", "sources \(events.map(\.source))")
            try r.expect(events.count == 2, "retention", "an event was removed")
            _ = try await log.eraseAll()
            try r.expect(try await log.recordCount() == 0, "erase all", "events remain")
        }

        await runner.check("concurrent recorders lose nothing", rule: "G-5") {
            let log = try await makeEmptyLog(tenant)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for writer in 0..<8 {
                    group.addTask {
                        for n in 0..<10 { try await log.record([event("summer", Double(writer * 10 + n))]) }
                    }
                }
                try await group.waitForAll()
            }
            try r.expect(
                try await log.events(of: "summer", from: t0, to: t0.addingTimeInterval(100)).count == 80, "concurrent",
                "events were lost")
        }

        await runner.check(
            "after a restart every recorded event reads back, retention included", rule: "K-7", needs: reopen
        ) { reopen in
            let log = try await makeEmptyLog(tenant)
            try await log.record([event("summer", 0), event("winter", 20, .burstRate)])
            try await log.record([event("summer", 100, .loadTestingAgent)])
            _ = try await log.eraseRecorded(before: t0.addingTimeInterval(10))
            let before = try await log.events(from: t0, to: t0.addingTimeInterval(3600))
            let count = try await log.recordCount()
            let reopened = try await reopen(log)
            try r.expect(reopened.tenant == tenant, "tenant", "the reopened log's tenant is \(reopened.tenant)")
            let after = try await reopened.events(from: t0, to: t0.addingTimeInterval(3600))
            try r.expect(
                after == before, "read back", "read \(after.count) events that differ from the \(before.count) before")
            try r.expect(after.first?.source == "", "retention", "a blanked source came back")
            try r.expect(try await reopened.recordCount() == count, "read back", "recordCount changed")
            try await reopened.record([event("summer", 200)])
            try r.expect(
                try await reopened.recordCount() == count + 1, "record", "a new event is not counted after the restart")
        }

        return try runner.finish()
    }
}
