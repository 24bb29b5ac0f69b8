import KimpleCore
import KimpleGames

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// What the client communicated ahead about an operation's traffic (contract §7.3, SPEC A-5,
/// G-10): expected participants and promotions. An operation with a declaration is *declared*;
/// admission control sizes its token bucket from it and sheds it last.
public struct TrafficDeclaration: Sendable, Hashable, Codable {
    /// The client.
    public var tenant: TenantID
    /// The operation.
    public var operation: OperationID
    /// How many participants the client expects in total.
    public var expectedParticipants: Int
    /// The promotions planned (the operation's own declaration, ``AudienceDeclaration``).
    public var promotions: [Promotion]
    /// The peak rate the client expects, in participations per second, when it knows it (it then
    /// replaces the estimate of ``AdmissionPolicy``).
    public var expectedPeakPerSecond: Double?
    /// When the declaration was received.
    public var declaredAt: Date

    /// A declaration; throws `traffic.invalid_declaration` for a negative count or audience, or a
    /// peak that is not a positive finite number.
    public init(
        tenant: TenantID, operation: OperationID, expectedParticipants: Int, promotions: [Promotion] = [],
        expectedPeakPerSecond: Double? = nil, declaredAt: Date
    ) throws {
        guard expectedParticipants >= 0, promotions.allSatisfy({ $0.reach >= 0 }) else {
            throw KimpleError(
                .trafficInvalidDeclaration, "Expected participants and audiences cannot be negative.",
                context: ["operation": operation.rawValue])
        }
        if let peak = expectedPeakPerSecond, !(peak.isFinite && peak > 0 && peak <= 1e9) {
            throw KimpleError(
                .trafficInvalidDeclaration, "An expected peak is a positive number of participations per second.",
                context: ["operation": operation.rawValue, "peak": "\(peak)"])
        }
        guard declaredAt.timeIntervalSince1970.isFinite else {
            throw KimpleError(
                .trafficInvalidDeclaration, "The declaration time must be a real time.",
                context: ["operation": operation.rawValue])
        }
        self.tenant = tenant
        self.operation = operation
        self.expectedParticipants = expectedParticipants
        self.promotions = promotions
        self.expectedPeakPerSecond = expectedPeakPerSecond
        self.declaredAt = declaredAt
    }

    /// The declaration made with `operation` itself (G-10): its expected participants and
    /// promotions. Throws like ``init(tenant:operation:expectedParticipants:promotions:expectedPeakPerSecond:declaredAt:)``.
    public init(_ operation: KimpleGames.Operation, expectedPeakPerSecond: Double? = nil, declaredAt: Date) throws {
        try self.init(
            tenant: operation.tenant, operation: operation.id,
            expectedParticipants: operation.audience.expectedParticipants ?? 0,
            promotions: operation.audience.promotions, expectedPeakPerSecond: expectedPeakPerSecond,
            declaredAt: declaredAt)
    }

    /// The largest reach of its promotions (0 without promotion).
    public var largestAudience: Int { promotions.map(\.reach).max() ?? 0 }

    /// Whether it announces a promotion to more than 100,000 people (§7.3).
    public var hasMassPromotion: Bool { promotions.contains(where: \.isLargePromotion) }
}
