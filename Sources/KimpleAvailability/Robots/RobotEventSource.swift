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
    ///
    /// An event standing for several detections (``RobotEvent/count`` > 1: the intake writes
    /// the rest of a minute's detections as one event dated at the second one) covers its
    /// ``RobotEvent/time`` to the end of that UTC minute; it is attached when that span meets
    /// the widened interval.
    public static func activity(
        in interval: Range<Date>, events: [RobotEvent], lookback: Duration = .seconds(15 * 60)
    ) -> [RobotActivity] {
        let (seconds, attoseconds) = lookback.components
        let widened =
            interval.lowerBound.addingTimeInterval(-(TimeInterval(seconds) + TimeInterval(attoseconds) / 1e18))
        return group(
            events.filter { event in
                guard event.time < interval.upperBound else { return false }
                guard event.count > 1 else { return event.time >= widened }
                return endOfMinute(event.time) > widened
            })
    }

    /// The first instant of the UTC minute after the one holding `time`.
    static func endOfMinute(_ time: Date) -> Date {
        let seconds = time.timeIntervalSince1970
        guard seconds.isFinite, abs(seconds) < 1e15 else { return time }
        return Date(timeIntervalSince1970: ((seconds / 60).rounded(.down) + 1) * 60)
    }

    /// `events` grouped by client, operation and source, in order of first detection. Each event
    /// counts for its ``RobotEvent/count`` detections (at least one).
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
            let detections = max(1, event.count)
            if var activity = groups[key] {
                activity.detections += detections
                if activity.signals[event.signal.rawValue] == nil, !event.detail.isEmpty {
                    activity.details.append(event.detail)
                }
                activity.signals[event.signal.rawValue, default: 0] += detections
                activity.first = min(activity.first, event.time)
                activity.last = max(activity.last, event.time)
                groups[key] = activity
            } else {
                order.append(key)
                groups[key] = RobotActivity(
                    tenant: event.tenant, operation: event.operation, source: event.source,
                    signals: [event.signal.rawValue: detections], detections: detections, first: event.time,
                    last: event.time,
                    details: event.detail.isEmpty ? [] : [event.detail])
            }
        }
        return order.compactMap { groups[$0] }
    }
}
