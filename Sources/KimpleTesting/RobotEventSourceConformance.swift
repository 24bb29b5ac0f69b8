import Foundation
import KimpleAvailability
import KimpleCore
import KimpleGames

/// The checks every ``RobotEventSource`` must pass (A-4, K-1): a window's events of the tenant
/// asked for, start included and end excluded, in time order, as recorded. The SDK's
/// ``RobotEventList``, ``RobotEventReaderSource`` and ``RobotEventJournal`` (over an in-memory
/// log or a file journal) pass them, and a host runs them against its own.
///
/// ```swift
/// @Test func myRobotFeedConforms() async throws {
///     try await RobotEventSourceConformance.run { tenant, events in try await MyRobotFeed.holding(events, of: tenant) }
/// }
/// ```
public enum RobotEventSourceConformance {
    /// The tenant whose events the sources under test hold.
    public static let tenant: TenantID = "conformance-tenant"

    /// Runs every check; `makeSource` is called once per check with ``tenant`` and the events to
    /// hold (all of ``tenant``, in no particular order, possibly empty), and must return a source
    /// holding exactly those (an intake's log that recorded them, say). Throws
    /// ``ConformanceFailures`` listing every failed check.
    @discardableResult
    public static func run(
        _ makeSource: (TenantID, [RobotEvent]) async throws -> any RobotEventSource
    ) async throws -> ConformanceReport {
        var runner = ConformanceRunner(suite: "RobotEventSource")
        let r = runner
        let t0 = Date(timeIntervalSince1970: 1_780_000_000)
        func event(
            _ offset: TimeInterval, _ operation: OperationID = "summer", _ signal: RobotSignal = .honeypot,
            count: Int = 1
        ) -> RobotEvent {
            RobotEvent(
                tenant: tenant, operation: operation, source: "198.51.100.\(Int(offset) % 250)", signal: signal,
                time: t0.addingTimeInterval(offset), detail: "detail \(offset)", count: count)
        }
        func window(_ from: TimeInterval, _ to: TimeInterval) -> Range<Date> {
            t0.addingTimeInterval(from)..<t0.addingTimeInterval(to)
        }
        func times(_ events: [RobotEvent]) -> [TimeInterval] { events.map { $0.time.timeIntervalSince(t0) } }

        await runner.check("a window holds its start and not its end", rule: "A-4") {
            let source = try await makeSource(tenant, [event(-1), event(0), event(30), event(59.5), event(60)])
            let read = try await source.robotEvents(of: tenant, in: window(0, 60))
            try r.expect(times(read) == [0, 30, 59.5], "window", "read events at \(times(read))")
        }

        await runner.check("events come back in time order whatever the recording order", rule: "A-4") {
            let recorded = [event(50, "winter"), event(10), event(40, "winter", .burstRate), event(20), event(30)]
            let source = try await makeSource(tenant, recorded)
            let read = try await source.robotEvents(of: tenant, in: window(0, 3600))
            try r.expect(times(read) == [10, 20, 30, 40, 50], "order", "read events at \(times(read))")
        }

        await runner.check("events come back as recorded, an aggregated event with its count", rule: "A-4") {
            let recorded = [
                event(5, "summer", .loadTestingAgent), event(10, "winter", .burstRate, count: 12),
                event(15, "summer", .tooFast),
            ]
            let source = try await makeSource(tenant, recorded)
            let read = try await source.robotEvents(of: tenant, in: window(0, 60))
            try r.expect(read == recorded, "as recorded", "read \(read) instead of \(recorded)")
        }

        await runner.check("another tenant gets none of the events", rule: "K-1") {
            let source = try await makeSource(tenant, [event(0), event(10)])
            let read = try await source.robotEvents(of: "someone-else", in: window(-3600, 3600))
            try r.expect(read.isEmpty, "tenant", "another tenant read \(read.count) events")
            try r.expect(
                try await source.robotEvents(of: tenant, in: window(-3600, 3600)).count == 2, "tenant",
                "the tenant's own events were not found")
        }

        await runner.check("an empty window or one without events returns nothing", rule: "A-4") {
            let source = try await makeSource(tenant, [event(0), event(10)])
            let empty = try await source.robotEvents(of: tenant, in: window(0, 0))
            try r.expect(empty.isEmpty, "empty window", "an empty window returned \(empty.count) events")
            let later = try await source.robotEvents(of: tenant, in: window(11, 3600))
            try r.expect(later.isEmpty, "window without events", "returned \(later.count) events")
            let none = try await makeSource(tenant, [])
            try r.expect(
                try await none.robotEvents(of: tenant, in: window(-3600, 3600)).isEmpty, "no event",
                "a source without events returned some")
        }
        return try runner.finish()
    }
}
