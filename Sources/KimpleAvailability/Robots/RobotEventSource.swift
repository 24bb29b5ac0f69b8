import KimpleCore
import KimpleGames

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Where the availability module reads the robot detections recorded by intake (SPEC G-5, A-4).
///
/// KimpleGames' robot-event log conforms to it; ``RobotEventList`` serves events held as values.
///
/// ## Implementation requirements
/// - Returns only events of `tenant` (SPEC K-1), whose ``RobotEvent/time`` lies in `interval`
///   (`lowerBound` included, `upperBound` excluded), in time order.
/// - Throws what its storage throws (`storage.io`, `storage.corrupted`); never a partial list.
public protocol RobotEventSource: Sendable {
    /// The robot events of `tenant` detected during `interval`, in time order.
    func robotEvents(of tenant: TenantID, in interval: Range<Date>) async throws -> [RobotEvent]
}

/// A ``RobotEventSource`` over events held in memory (tests, or events the host already read).
public struct RobotEventList: RobotEventSource {
    /// The events, in time order.
    public let events: [RobotEvent]

    /// A source serving `events` (sorted by time here).
    public init(_ events: [RobotEvent]) {
        self.events = events.sorted { $0.time < $1.time }
    }

    /// The events of `tenant` in `interval`, in time order.
    public func robotEvents(of tenant: TenantID, in interval: Range<Date>) async throws -> [RobotEvent] {
        events.filter { $0.tenant == tenant && interval.contains($0.time) }
    }
}

/// What the client's robots did during one period (an outage, an incident, a month): one entry per
/// operation and source, so the report shows where the client's own robots were active (SPEC
/// A-4, contract §7.2 last paragraph).
public struct RobotActivity: Sendable, Hashable, Codable {
    /// The client the traffic came from.
    public var tenant: TenantID
    /// The operation that received it.
    public var operation: OperationID
    /// The source key given at intake (an IP address, a device key).
    public var source: String
    /// Detections by signal (`burst_rate`: 12, `load_testing_agent`: 3).
    public var signals: [String: Int]
    /// The number of detections.
    public var detections: Int
    /// The first detection.
    public var first: Date
    /// The last detection.
    public var last: Date
    /// One detail of the first detection of each signal (the agent matched, the rate measured).
    public var details: [String]
}

/// Attribution of robot detections to periods (SPEC A-4).
public enum RobotAttribution {
    /// The detections of `events` that happened during `interval`, widened by `lookback` before
    /// its start (a robot ramping up just before an outage was in use "at the time", §7.2),
    /// grouped by client, operation and source, in order of first detection.
    public static func activity(
        in interval: Range<Date>, events: [RobotEvent], lookback: Duration = .seconds(15 * 60)
    ) -> [RobotActivity] {
        let (seconds, attoseconds) = lookback.components
        let widened =
            interval.lowerBound.addingTimeInterval(-(TimeInterval(seconds) + TimeInterval(attoseconds) / 1e18))
        return group(events.filter { $0.time >= widened && $0.time < interval.upperBound })
    }

    /// `events` grouped by client, operation and source, in order of first detection.
    public static func group(_ events: [RobotEvent]) -> [RobotActivity] {
        struct Key: Hashable {
            let tenant: TenantID
            let operation: OperationID
            let source: String
        }
        var order: [Key] = []
        var groups: [Key: RobotActivity] = [:]
        for event in events.sorted(by: { $0.time < $1.time }) {
            let key = Key(tenant: event.tenant, operation: event.operation, source: event.source)
            if var activity = groups[key] {
                activity.detections += 1
                if activity.signals[event.signal.rawValue] == nil, !event.detail.isEmpty {
                    activity.details.append(event.detail)
                }
                activity.signals[event.signal.rawValue, default: 0] += 1
                activity.first = min(activity.first, event.time)
                activity.last = max(activity.last, event.time)
                groups[key] = activity
            } else {
                order.append(key)
                groups[key] = RobotActivity(
                    tenant: event.tenant, operation: event.operation, source: event.source,
                    signals: [event.signal.rawValue: 1], detections: 1, first: event.time, last: event.time,
                    details: event.detail.isEmpty ? [] : [event.detail])
            }
        }
        return order.compactMap { groups[$0] }
    }
}
