import KimpleCore
import KimpleGames

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

extension OperationService: OperationSuspending {
    /// The text marking the lifecycle's suspension with the availability decision it applies:
    /// the operation's suspension reason is `<decision's reason> [suspension decision <id>]`.
    public static func suspensionReason(for decision: SuspensionDecision) -> String {
        "\(decision.reason) [suspension decision \(decision.id.rawValue)]"
    }

    /// Suspends `decision.operation` through the operations lifecycle (`live | paused ->
    /// suspended`, SPEC G-1, A-5, G-10), by the decision's author, with the decision's reason
    /// and id (``suspensionReason(for:)``): the operation's suspension, history and evidence
    /// entry name the decision. The intake refuses the operation's participations from then on
    /// (`participation.window_closed`, status `suspended`).
    ///
    /// Idempotent by decision id: when the operation's history already holds a suspension for
    /// this decision (applied by an earlier call, even if lifted since), nothing changes.
    ///
    /// Throws `core.invalid_argument` for another tenant's decision (SPEC K-1),
    /// `operation.not_found`, `operation.illegal_transition` (a draft, scheduled, closed...
    /// operation), or the store's errors; the decision is then kept as failed by the
    /// availability service and can be retried.
    public func suspend(_ decision: SuspensionDecision) async throws {
        guard decision.tenant == tenant else {
            throw KimpleError(
                .invalidArgument, "This decision concerns another tenant's operation (K-1).",
                context: ["tenant": tenant.rawValue, "decisionTenant": decision.tenant.rawValue])
        }
        let reason = Self.suspensionReason(for: decision)
        func applied() async throws -> Bool {
            try await operation(decision.operation).history.contains { $0.command == .suspend && $0.reason == reason }
        }
        if try await applied() { return }
        do {
            try await suspend(decision.operation, by: decision.decidedBy, reason: reason)
        } catch let error as KimpleError where error.code == .operationIllegalTransition {
            // Another call may have applied this very decision meanwhile.
            if try await applied() { return }
            throw error
        }
    }
}
