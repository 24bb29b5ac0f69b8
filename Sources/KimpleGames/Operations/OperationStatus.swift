import KimpleCore

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The lifecycle status of an operation (G-1):
/// `draft -> scheduled -> live -> (paused | suspended) -> closed -> drawn -> archived`.
public enum OperationStatus: String, Sendable, Codable, Hashable, CaseIterable {
    /// Being prepared; every value can still change.
    case draft
    /// Checked and waiting for its opening instant.
    case scheduled
    /// Accepting participations.
    case live
    /// Stopped for a while by the client.
    case paused
    /// Stopped by the provider (traffic threatening the platform, §7.3) or by a decision
    /// recorded with its author and reason.
    case suspended
    /// Past its closing instant, or closed early: no more participations.
    case closed
    /// Results fixed (draw made, winners known).
    case drawn
    /// Kept for the record only.
    case archived

    /// The status at `instant` with the clock-driven transitions applied: `scheduled`
    /// becomes `live` at `opensAt`; `scheduled`, `live`, `paused` and `suspended` become
    /// `closed` at `closesAt`. Other statuses only change by command.
    public static func effective(
        stored: OperationStatus, opensAt: Date, closesAt: Date, at instant: Date
    ) -> OperationStatus {
        switch stored {
        case .scheduled:
            if instant >= closesAt { return .closed }
            return instant >= opensAt ? .live : .scheduled
        case .live, .paused, .suspended:
            return instant >= closesAt ? .closed : stored
        case .draft, .closed, .drawn, .archived:
            return stored
        }
    }
}

/// A command that moves an operation through its lifecycle.
public enum LifecycleCommand: String, Sendable, Codable, Hashable, CaseIterable {
    /// `draft -> scheduled`, after the going-live checks passed.
    case schedule
    /// `scheduled -> draft`, before the opening instant, to edit the operation again.
    case unschedule
    /// `live -> paused`.
    case pause
    /// `paused -> live`.
    case resume
    /// `live | paused -> suspended`, with its author and reason.
    case suspend
    /// `suspended -> ` the status before the suspension (`live` or `paused`).
    case liftSuspension = "lift_suspension"
    /// `live | paused | suspended -> closed` before the closing instant (early close).
    case close
    /// `closed -> drawn`: the results are fixed.
    case markDrawn = "mark_drawn"
    /// `drawn -> archived`.
    case archive
}

/// The transition table of the lifecycle, as a pure function.
public enum OperationLifecycle {
    /// The status `command` leads to from `status` (an effective status, see
    /// ``OperationStatus/effective(stored:opensAt:closesAt:at:)``).
    ///
    /// `previous` is the status before a suspension, used by ``LifecycleCommand/liftSuspension``.
    /// Throws `operation.illegal_transition` when the lifecycle does not allow the command
    /// from `status`.
    public static func target(
        of command: LifecycleCommand, from status: OperationStatus, beforeSuspension previous: OperationStatus? = nil
    ) throws -> OperationStatus {
        guard let target = next(command, status, previous) else {
            throw KimpleError(
                .operationIllegalTransition,
                "An operation that is \(status.rawValue) cannot \(command.rawValue.replacingOccurrences(of: "_", with: " ")); "
                    + "allowed from \(status.rawValue): \(allowed(from: status).map(\.rawValue).joined(separator: ", ")).",
                context: ["status": status.rawValue, "command": command.rawValue])
        }
        return target
    }

    /// The commands allowed from `status`.
    public static func allowed(from status: OperationStatus) -> [LifecycleCommand] {
        LifecycleCommand.allCases.filter { next($0, status, nil) != nil }
    }

    private static func next(
        _ command: LifecycleCommand, _ status: OperationStatus, _ previous: OperationStatus?
    ) -> OperationStatus? {
        switch (command, status) {
        case (.schedule, .draft): .scheduled
        case (.unschedule, .scheduled): .draft
        case (.pause, .live): .paused
        case (.resume, .paused): .live
        case (.suspend, .live), (.suspend, .paused): .suspended
        case (.liftSuspension, .suspended): previous == .paused ? .paused : .live
        case (.close, .live), (.close, .paused), (.close, .suspended): .closed
        case (.markDrawn, .closed): .drawn
        case (.archive, .drawn): .archived
        default: nil
        }
    }
}

/// A suspension decision: who took it, why and when (G-10, A-5, §7.3).
public struct Suspension: Sendable, Codable, Hashable {
    /// Who decided it.
    public var by: Principal
    /// Why, for the client and the record.
    public var reason: String
    /// When it took effect.
    public var at: Date
    /// The status before the suspension, restored when it is lifted.
    public var previousStatus: OperationStatus

    /// A suspension decided by `by` for `reason` at `at`, interrupting `previousStatus`.
    public init(by: Principal, reason: String, at: Date, previousStatus: OperationStatus) {
        self.by = by
        self.reason = reason
        self.at = at
        self.previousStatus = previousStatus
    }
}

/// One change of status in an operation's history.
public struct StatusChange: Sendable, Codable, Hashable {
    /// The status before.
    public var from: OperationStatus
    /// The status after.
    public var to: OperationStatus
    /// When it took effect (the opening or closing instant for clock-driven changes).
    public var at: Date
    /// Who made it (`system:games.clock` for clock-driven changes).
    public var by: Principal
    /// The command, or `nil` for a clock-driven change.
    public var command: LifecycleCommand?
    /// The reason given, if any.
    public var reason: String?

    /// A change with the given values.
    public init(
        from: OperationStatus, to: OperationStatus, at: Date, by: Principal, command: LifecycleCommand?,
        reason: String? = nil
    ) {
        self.from = from
        self.to = to
        self.at = at
        self.by = by
        self.command = command
        self.reason = reason
    }
}
