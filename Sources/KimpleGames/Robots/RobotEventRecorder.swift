import KimpleCore
import Synchronization

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Writes the intake's robot detections to the tenant's ``RobotEventLog`` without letting
/// a flood of robots flood the log: the first detection of a (operation, source, signal)
/// in a minute is written at once (before the refusal is returned); the following ones of
/// that minute are counted and written as one event (``RobotEvent/count``) once the
/// minute is over (at the next detection, or ``flush(upTo:)``).
final class RobotEventRecorder: Sendable {
    private struct Key: Hashable {
        var operation: OperationID
        var source: String
        var signal: RobotSignal
    }

    private struct Pending {
        var minute: Int64
        var detail: String
        var firstExtra: Date?
        var extra: Int
    }

    private struct State {
        var pending: [Key: Pending] = [:]
        var oldestMinute = Int64.max
    }

    let tenant: TenantID
    let log: any RobotEventLog
    private let state = Mutex(State())

    init(tenant: TenantID, log: any RobotEventLog) {
        self.tenant = tenant
        self.log = log
    }

    private static func minute(_ date: Date) -> Int64 {
        let seconds = date.timeIntervalSinceReferenceDate
        guard seconds.isFinite, abs(seconds) < 1e15 else { return 0 }
        return Int64((seconds / 60).rounded(.down))
    }

    /// Records `detection` on `operation` from `source` at `now`.
    func record(_ detection: RobotDetection, operation: OperationID, source: String, at now: Date) async throws {
        let minute = Self.minute(now)
        let key = Key(operation: operation, source: source, signal: detection.signal)
        let events: [RobotEvent] = state.withLock { state in
            var events = state.oldestMinute < minute ? Self.takeFinished(&state, before: minute, tenant: tenant) : []
            if var pending = state.pending[key], pending.minute == minute {
                pending.extra += 1
                if pending.firstExtra == nil { pending.firstExtra = now }
                state.pending[key] = pending
            } else {
                state.pending[key] = Pending(minute: minute, detail: detection.detail, firstExtra: nil, extra: 0)
                state.oldestMinute = min(state.oldestMinute, minute)
                events.append(
                    RobotEvent(
                        tenant: tenant, operation: operation, source: source, signal: detection.signal, time: now,
                        detail: detection.detail))
            }
            return events
        }
        if !events.isEmpty { try await log.record(events) }
    }

    /// Writes the counts of every minute before `now`'s (every pending count when `now` is `nil`).
    func flush(upTo now: Date?) async throws {
        let limit = now.map(Self.minute) ?? Int64.max
        let events = state.withLock { Self.takeFinished(&$0, before: limit, tenant: tenant) }
        if !events.isEmpty { try await log.record(events) }
    }

    private static func takeFinished(_ state: inout State, before minute: Int64, tenant: TenantID) -> [RobotEvent] {
        var events: [RobotEvent] = []
        var oldest = Int64.max
        for (key, pending) in state.pending {
            guard pending.minute < minute else {
                oldest = min(oldest, pending.minute)
                continue
            }
            state.pending[key] = nil
            if pending.extra > 0, let first = pending.firstExtra {
                events.append(
                    RobotEvent(
                        tenant: tenant, operation: key.operation, source: key.source, signal: key.signal, time: first,
                        detail: pending.detail, count: pending.extra))
            }
        }
        state.oldestMinute = oldest
        return events.sorted { $0.time < $1.time }
    }
}
