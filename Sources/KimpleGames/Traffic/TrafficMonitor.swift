import KimpleCore
import Synchronization

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// One minute of an operation's traffic.
public struct TrafficMinute: Sendable, Hashable, Codable {
    /// The start of the minute.
    public var start: Date
    /// Participations accepted during it.
    public var accepted: Int
    /// Submissions refused during it.
    public var refused: Int

    /// A minute's counts.
    public init(start: Date, accepted: Int, refused: Int) {
        self.start = start
        self.accepted = accepted
        self.refused = refused
    }
}

/// The live counters of one operation (G-10).
public struct TrafficSnapshot: Sendable, Hashable {
    /// The operation counted.
    public var operation: OperationID
    /// Entries accepted in all (the store's count when the intake first saw the operation,
    /// plus what it accepted since).
    public var accepted: Int
    /// Submissions refused since the intake started, by reason code.
    public var refused: [KimpleError.Code: Int]
    /// The last minutes with traffic (at most 60), oldest first.
    public var minutes: [TrafficMinute]
    /// Whether the traffic alert was sent.
    public var alertSent: Bool

    /// A snapshot with the given counts.
    public init(
        operation: OperationID, accepted: Int, refused: [KimpleError.Code: Int], minutes: [TrafficMinute],
        alertSent: Bool
    ) {
        self.operation = operation
        self.accepted = accepted
        self.refused = refused
        self.minutes = minutes
        self.alertSent = alertSent
    }

    /// All refusals.
    public var refusedTotal: Int { refused.values.reduce(0, +) }
}

/// The kind of the traffic alert message: `games.traffic_alert`.
extension MessageKind {
    /// The traffic alert of §7.3 (G-10).
    public static let trafficAlert = MessageKind(rawValue: "games.traffic_alert")
}

/// The traffic rule of §7.3 as a pure function (G-10).
public enum TrafficRules {
    /// Whether `accepted` participations call for the traffic alert on an operation that
    /// declared `audience`: `threshold` (50,000, "forte" traffic in §7.3) reached without
    /// a declaration covering it (see ``AudienceDeclaration/declaresStrongTraffic``).
    public static func needsAlert(
        accepted: Int, audience: AudienceDeclaration,
        threshold: Int = AudienceDeclaration.strongTrafficParticipants
    ) -> Bool {
        accepted >= threshold && !audience.declaresStrongTraffic
    }

    /// The idempotency key of an operation's traffic alert: one alert per operation, ever.
    public static func alertKey(tenant: TenantID, operation: OperationID) -> String {
        "games.traffic-alert/\(tenant.rawValue)/\(operation.rawValue)"
    }
}

/// The counters of one operation, updated by the intake under a short lock.
final class OperationTraffic: Sendable {
    private enum AlertState {
        case none, sending, sent
    }

    private struct State {
        var accepted: Int
        var refused: [KimpleError.Code: Int] = [:]
        /// Minute number (seconds since 2001 / 60) and counts, a ring of 60.
        var ring: [(minute: Int64, accepted: Int, refused: Int)] = Array(repeating: (Int64.min, 0, 0), count: 60)
        var alert = AlertState.none
    }

    let operation: OperationID
    private let state: Mutex<State>

    init(operation: OperationID, accepted: Int) {
        self.operation = operation
        self.state = Mutex(State(accepted: accepted))
    }

    private static func minute(_ now: Date) -> Int64 {
        let seconds = now.timeIntervalSinceReferenceDate
        guard seconds.isFinite, abs(seconds) < 1e15 else { return 0 }
        return Int64((seconds / 60).rounded(.down))
    }

    private static func bump(_ state: inout State, _ minute: Int64, accepted: Bool) {
        let slot = Int(((minute % 60) + 60) % 60)
        if state.ring[slot].minute != minute { state.ring[slot] = (minute, 0, 0) }
        if accepted { state.ring[slot].accepted += 1 } else { state.ring[slot].refused += 1 }
    }

    /// Counts an accepted entry; returns `true` when this caller must send the alert
    /// (`needsAlert` says whether the count calls for it).
    func accepted(at now: Date, needsAlert: (Int) -> Bool) -> Bool {
        let minute = Self.minute(now)
        return state.withLock { state in
            state.accepted += 1
            Self.bump(&state, minute, accepted: true)
            guard case .none = state.alert, needsAlert(state.accepted) else { return false }
            state.alert = .sending
            return true
        }
    }

    /// Whether an alert is due without a new entry (after a restart above the threshold);
    /// claims the sending when it is.
    func claimPendingAlert(needsAlert: (Int) -> Bool) -> Bool {
        state.withLock { state in
            guard case .none = state.alert, needsAlert(state.accepted) else { return false }
            state.alert = .sending
            return true
        }
    }

    /// Records how the sending went: sent, or back to "not sent" to retry on the next entry.
    func alertFinished(sent: Bool) {
        state.withLock { $0.alert = sent ? .sent : .none }
    }

    func refused(_ code: KimpleError.Code, at now: Date) {
        let minute = Self.minute(now)
        state.withLock { state in
            state.refused[code, default: 0] += 1
            Self.bump(&state, minute, accepted: false)
        }
    }

    func snapshot(at now: Date) -> TrafficSnapshot {
        let current = Self.minute(now)
        return state.withLock { state in
            let minutes = state.ring.filter {
                $0.minute != Int64.min && $0.minute > current - 60 && $0.minute <= current
            }
            .sorted { $0.minute < $1.minute }
            .map {
                TrafficMinute(
                    start: Date(timeIntervalSinceReferenceDate: Double($0.minute) * 60), accepted: $0.accepted,
                    refused: $0.refused)
            }
            let sent: Bool
            if case .sent = state.alert { sent = true } else { sent = false }
            return TrafficSnapshot(
                operation: operation, accepted: state.accepted, refused: state.refused, minutes: minutes,
                alertSent: sent)
        }
    }
}
