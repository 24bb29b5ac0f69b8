import KimpleCore
import KimpleGames
import Synchronization

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The tag of suspension decision ids.
public enum SuspensionDecisionTag {}
/// A decision to suspend an operation.
public typealias SuspensionDecisionID = Identifier<SuspensionDecisionTag>

/// The host's decision to suspend an operation that threatens the platform (SPEC A-5, G-10,
/// contract §7.3: "Cassiop se réserve le droit de suspendre sans compensation l'opération du
/// Client"), recorded with its reason before it is handed to the operations lifecycle.
public struct SuspensionDecision: Sendable, Hashable, Codable {
    /// Whether the suspension is meant to last (§7.3: "temporaire ou définitive").
    public enum Term: String, Sendable, Hashable, Codable {
        /// `temporary`: the operation may resume once the threat is gone; `definitive`: it stays suspended.
        case temporary, definitive
    }

    /// Where the decision stands.
    public enum Status: String, Sendable, Hashable, Codable {
        /// Recorded, not yet accepted by the operations lifecycle.
        case recorded
        /// The operations lifecycle suspended the operation.
        case applied
        /// The operations lifecycle refused or failed; see ``failure``. It can be retried.
        case failed
    }

    /// The decision's id.
    public var id: SuspensionDecisionID
    /// The client.
    public var tenant: TenantID
    /// The operation suspended.
    public var operation: OperationID
    /// When the decision was taken.
    public var decidedAt: Date
    /// Who took it.
    public var decidedBy: Principal
    /// Why, in words (required: the contract's suspension must be justified to the client).
    public var reason: String
    /// Temporary or definitive.
    public var term: Term
    /// The recommendation it follows, if any.
    public var recommendation: SuspensionRecommendation?
    /// Where it stands.
    public var status: Status
    /// When the lifecycle applied it.
    public var appliedAt: Date?
    /// The lifecycle's error, when it failed.
    public var failure: String?

    /// A recorded decision; throws `core.invalid_argument` when `reason` is blank.
    public init(
        id: SuspensionDecisionID, tenant: TenantID, operation: OperationID, decidedAt: Date, decidedBy: Principal,
        reason: String, term: Term = .temporary, recommendation: SuspensionRecommendation? = nil
    ) throws {
        guard reason.contains(where: { !$0.isWhitespace }) else {
            throw KimpleError(
                .invalidArgument, "A suspension decision states its reason.", context: ["operation": operation.rawValue]
            )
        }
        try Instants.validate(decidedAt, what: "suspension \(id)")
        self.id = id
        self.tenant = tenant
        self.operation = operation
        self.decidedAt = decidedAt
        self.decidedBy = decidedBy
        self.reason = reason
        self.term = term
        self.recommendation = recommendation
        self.status = .recorded
        self.appliedAt = nil
        self.failure = nil
    }
}

/// The operations lifecycle of KimpleGames, as admission control needs it: suspend an operation
/// (live -> suspended, SPEC G-1) for a recorded decision.
///
/// ## Implementation requirements
/// - Idempotent by ``SuspensionDecision/id``: suspending again for the same decision succeeds
///   and changes nothing.
/// - Records the decision's reason with the operation's state change.
/// - Throws a `KimpleError` when the operation cannot be suspended (unknown operation, illegal
///   transition); the decision is then kept as ``SuspensionDecision/Status/failed`` and can be
///   retried.
public protocol OperationSuspending: Sendable {
    /// Suspends `decision.operation` of `decision.tenant` for `decision`.
    func suspend(_ decision: SuspensionDecision) async throws
}

/// An ``OperationSuspending`` that records what it is asked (tests, demos), and can be told to fail.
public final class RecordingOperationSuspender: OperationSuspending {
    private struct State {
        var decisions: [SuspensionDecision] = []
        var failure: KimpleError?
    }

    private let state = Mutex(State())

    /// A suspender that accepts every decision.
    public init() {}

    /// Every decision received, in order (a decision received twice is listed once).
    public var decisions: [SuspensionDecision] { state.withLock { $0.decisions } }

    /// Makes the next calls throw `error` (`nil`: succeed again).
    public func fail(with error: KimpleError?) {
        state.withLock { $0.failure = error }
    }

    /// Records `decision`, or throws the error set by ``fail(with:)``.
    public func suspend(_ decision: SuspensionDecision) async throws {
        try state.withLock { state in
            if let failure = state.failure { throw failure }
            if !state.decisions.contains(where: { $0.id == decision.id }) { state.decisions.append(decision) }
        }
    }
}
