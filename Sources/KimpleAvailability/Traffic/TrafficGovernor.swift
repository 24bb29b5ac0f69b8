import KimpleCore
import KimpleGames
import Synchronization

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The traffic of one operation over a period, as recorded for the monthly report (SPEC ).
public struct TrafficSample: Sendable, Hashable, Codable {
    /// The client.
    public var tenant: TenantID
    /// The operation.
    public var operation: OperationID
    /// Whether the operation was declared.
    public var isDeclared: Bool
    /// The start of the period.
    public var from: Date
    /// The end of the period.
    public var to: Date
    /// Requests admitted.
    public var admitted: Int
    /// Requests refused by the operation's bucket.
    public var refusedRate: Int
    /// Requests refused by the platform's limit.
    public var refusedPlatform: Int
    /// Requests refused because the operation was suspended.
    public var refusedSuspended: Int

    /// A sample; the governor builds them from its counters.
    public init(
        tenant: TenantID, operation: OperationID, isDeclared: Bool, from: Date, to: Date, admitted: Int,
        refusedRate: Int, refusedPlatform: Int, refusedSuspended: Int
    ) {
        self.tenant = tenant
        self.operation = operation
        self.isDeclared = isDeclared
        self.from = from
        self.to = to
        self.admitted = admitted
        self.refusedRate = refusedRate
        self.refusedPlatform = refusedPlatform
        self.refusedSuspended = refusedSuspended
    }

    /// Every refused request.
    public var refused: Int { refusedRate + refusedPlatform + refusedSuspended }
}

/// A recommendation to suspend an undeclared operation that keeps the platform over its limit
/// (SPEC A-5, contract §7.3). The host decides; see ``SuspensionDecision``.
public struct SuspensionRecommendation: Sendable, Hashable, Codable {
    /// The client.
    public var tenant: TenantID
    /// The operation.
    public var operation: OperationID
    /// Since when the operation has kept the platform over its limit.
    public var since: Date
    /// When the recommendation was made.
    public var at: Date
    /// The operation's share of the traffic offered to the platform in the last period (0...1).
    public var share: Double
    /// The operation's requests in the last period.
    public var offered: Int
    /// Requests of every operation refused by the platform's limit in the last period.
    public var platformRefusals: Int
    /// Why, for a person.
    public var reason: String
}

/// What one evaluation of the governor found.
public struct GovernanceReport: Sendable, Hashable {
    /// The instant of the evaluation.
    public var at: Date
    /// The start of the period (the previous evaluation), or `nil` for the first one.
    public var from: Date?
    /// The concurrency limit now.
    public var limit: Int
    /// Requests in flight now.
    public var inFlight: Int
    /// Whether the platform refused requests for lack of capacity during the period.
    public var isSaturated: Bool
    /// The traffic of each operation that saw requests during the period.
    public var samples: [TrafficSample]
    /// The operations whose suspension is recommended now.
    public var recommendations: [SuspensionRecommendation]
}

/// Watches an ``AdmissionController`` and recommends suspending an undeclared operation that
/// keeps the platform over its limit for ``AdmissionPolicy/suspensionAfter`` (SPEC A-5,
/// contract §7.3).
///
/// Call ``evaluate()`` periodically (every 10 to 60 seconds): it drains the controller's counters
/// into ``TrafficSample``s (for the report) and updates, per undeclared operation, since when it
/// has been pressing on the platform. An operation presses during a period when the platform
/// refused requests for lack of capacity in that period and the operation sent at least
/// ``AdmissionPolicy/suspensionShare`` of the requests. A period without pressure resets it.
public final class TrafficGovernor: Sendable {
    /// The controller watched.
    public let controller: AdmissionController
    private let clock: any Clock

    private struct Key: Hashable {
        let tenant: TenantID
        let operation: OperationID
    }

    private struct State {
        var lastEvaluation: Date?
        var pressureSince: [Key: Date] = [:]
    }

    private let state = Mutex(State())

    /// A governor of `controller`, dating its samples with `clock`.
    public init(controller: AdmissionController, clock: any Clock) {
        self.controller = controller
        self.clock = clock
    }

    /// Drains the counters, updates the pressure of each undeclared operation and returns the
    /// samples and recommendations. Evaluations are serialised.
    public func evaluate() -> GovernanceReport {
        state.withLock { state in
            let now = clock.now
            let from = state.lastEvaluation
            let counters = controller.drainCounters().filter { $0.offered > 0 }
            let total = counters.reduce(0) { $0 + $1.offered }
            let platformRefusals = counters.reduce(0) { $0 + $1.refusedPlatform }
            let saturated = platformRefusals > 0
            let policy = controller.policy
            var pressing: [Key: Date] = [:]
            var recommendations: [SuspensionRecommendation] = []
            for counter in counters where !counter.isDeclared && !counter.isSuspended && saturated {
                let share = total > 0 ? Double(counter.offered) / Double(total) : 0
                guard share >= policy.suspensionShare else { continue }
                let key = Key(tenant: counter.tenant, operation: counter.operation)
                let since = state.pressureSince[key] ?? from ?? now
                pressing[key] = since
                if now.timeIntervalSince(since) >= policy.suspensionAfter.secondsValue {
                    let minutes = Int(now.timeIntervalSince(since) / 60)
                    recommendations.append(
                        SuspensionRecommendation(
                            tenant: counter.tenant, operation: counter.operation, since: since, at: now,
                            share: share, offered: counter.offered, platformRefusals: platformRefusals,
                            reason:
                                "Undeclared operation sending \(Int((share * 100).rounded())) % of the platform's traffic "
                                + "while the platform refuses requests for lack of capacity, for \(minutes) min "
                                + "(contract §7.3: no prior communication of the traffic)."))
                }
            }
            state.pressureSince = pressing
            state.lastEvaluation = now
            let start = from ?? now
            let samples = counters.map {
                TrafficSample(
                    tenant: $0.tenant, operation: $0.operation, isDeclared: $0.isDeclared, from: start, to: now,
                    admitted: $0.admitted, refusedRate: $0.refusedRate, refusedPlatform: $0.refusedPlatform,
                    refusedSuspended: $0.refusedSuspended)
            }
            return GovernanceReport(
                at: now, from: from, limit: controller.currentLimit, inFlight: controller.inFlight,
                isSaturated: saturated, samples: samples, recommendations: recommendations)
        }
    }
}
