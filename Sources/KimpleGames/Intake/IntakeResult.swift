import KimpleCore

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// An accepted participation, as returned to the host.
public struct AcceptedParticipation: Sendable, Hashable {
    /// The entry's id.
    public var entry: EntryID
    /// Its position in the tenant's store.
    public var sequence: UInt64
    /// The operation.
    public var operation: OperationID
    /// When it was accepted.
    public var receivedAt: Date
    /// What it got: no instant win, not won, won (durable), or undecided.
    public var outcome: ParticipationOutcome

    /// An accepted participation with the given values.
    public init(
        entry: EntryID, sequence: UInt64, operation: OperationID, receivedAt: Date, outcome: ParticipationOutcome
    ) {
        self.entry = entry
        self.sequence = sequence
        self.operation = operation
        self.receivedAt = receivedAt
        self.outcome = outcome
    }
}

/// The answer of ``IntakeService/submit(_:)`` (G-4): accepted (durable) or rejected with a
/// stable reason code. Nothing rejected was stored as an entry.
public enum IntakeResult: Sendable, Hashable {
    /// Stored durably: the entry, and the instant-win outcome when the operation has one.
    case accepted(AcceptedParticipation)
    /// Refused; the error's `code` is the reason (`participation.duplicate`,
    /// `participation.window_closed`, `participation.robot.honeypot`...), its `context`
    /// names the field when there is one.
    case rejected(KimpleError)

    /// The accepted participation, if any.
    public var accepted: AcceptedParticipation? {
        if case .accepted(let accepted) = self { return accepted }
        return nil
    }

    /// The refusal, if any.
    public var rejection: KimpleError? {
        if case .rejected(let error) = self { return error }
        return nil
    }

    /// Whether the participation was accepted.
    public var isAccepted: Bool { accepted != nil }

    /// The accepted participation, or the refusal thrown (like `Result.get()`): for callers that
    /// treat a refusal as an error.
    @discardableResult
    public func get() throws -> AcceptedParticipation {
        switch self {
        case .accepted(let accepted): return accepted
        case .rejected(let error): throw error
        }
    }
}

/// How an ``IntakeService`` works.
public struct IntakeConfiguration: Sendable {
    /// Size limits checked before anything else.
    public var limits: InputLimits
    /// Robot thresholds.
    public var robots: RobotPolicy
    /// How long a grant of the processing gate is reused, in seconds (1 by default; 0
    /// asks the gate on every submission). A withdrawn instruction is seen within this delay.
    public var grantReuseSeconds: Double
    /// Whether entries keep the submission's source (IP address, device key). Off by
    /// default: the limit and the robot checks need it only while the intake runs (data
    /// minimisation, GDPR art. 5 (1) (c)).
    public var keepsSource: Bool
    /// The accepted-participant count that calls for the traffic alert (§7.3: 50,000).
    public var trafficAlertThreshold: Int
    /// The recipient of traffic alerts (a role the host routes: the provider's operations team).
    public var trafficAlertRecipient: String
    /// The principal the intake acts as with the gate.
    public var principal: Principal

    /// The defaults: standard input limits and robot policy, grants reused for 1 s, sources
    /// not kept, traffic alert at 50,000 to `provider`, acting as `system:games.intake`.
    public init(
        limits: InputLimits = InputLimits(), robots: RobotPolicy = RobotPolicy(), grantReuseSeconds: Double = 1,
        keepsSource: Bool = false, trafficAlertThreshold: Int = AudienceDeclaration.strongTrafficParticipants,
        trafficAlertRecipient: String = "provider", principal: Principal = .system("games.intake")
    ) {
        self.limits = limits
        self.robots = robots
        self.grantReuseSeconds = grantReuseSeconds
        self.keepsSource = keepsSource
        self.trafficAlertThreshold = trafficAlertThreshold
        self.trafficAlertRecipient = trafficAlertRecipient
        self.principal = principal
    }
}
