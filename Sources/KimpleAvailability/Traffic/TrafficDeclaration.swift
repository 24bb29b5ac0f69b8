import KimpleCore
import KimpleGames

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// A channel through which the client promotes an operation (contract §7.3).
public struct PromotionChannel: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible {
    /// The channel's name (`email`, `television`...).
    public let rawValue: String
    /// A channel named `rawValue`.
    public init(rawValue: String) { self.rawValue = rawValue }
    /// The channel's name.
    public var description: String { rawValue }

    /// An e-mail to a customer database.
    public static let email = PromotionChannel(rawValue: "email")
    /// Advertising text messages.
    public static let sms = PromotionChannel(rawValue: "sms")
    /// A television spot.
    public static let television = PromotionChannel(rawValue: "television")
    /// A radio spot.
    public static let radio = PromotionChannel(rawValue: "radio")
    /// Social media advertising.
    public static let socialMedia = PromotionChannel(rawValue: "social_media")
    /// Anything else.
    public static let other = PromotionChannel(rawValue: "other")
}

/// One promotion of an operation: its channel, how many people it reaches and when it starts.
public struct Promotion: Sendable, Hashable, Codable {
    /// The channel.
    public var channel: PromotionChannel
    /// The number of people reached (recipients, estimated audience).
    public var audience: Int
    /// When the promotion starts, if known.
    public var startsAt: Date?

    /// A promotion; ``TrafficDeclaration``'s initialiser validates it.
    public init(channel: PromotionChannel, audience: Int, startsAt: Date? = nil) {
        self.channel = channel
        self.audience = audience
        self.startsAt = startsAt
    }

    /// Whether the contract asks for it to be communicated in any case: more than 100,000
    /// people reached (§7.3).
    public var isMassPromotion: Bool { audience > TrafficDeclaration.massPromotionAudience }
}

/// What the client communicated ahead about an operation's traffic (contract §7.3, SPEC A-5,
/// G-10): expected participants and promotions. An operation with a declaration is *declared*;
/// admission control sizes its token bucket from it and sheds it last.
public struct TrafficDeclaration: Sendable, Hashable, Codable {
    /// An audience above which a promotion must be communicated (§7.3: "au-delà des 100 000 personnes").
    public static let massPromotionAudience = 100_000
    /// Participants above which strong traffic must be communicated (§7.3: "au-delà des 50 000 participants").
    public static let strongTrafficParticipants = 50_000

    /// The client.
    public var tenant: TenantID
    /// The operation.
    public var operation: OperationID
    /// How many participants the client expects in total.
    public var expectedParticipants: Int
    /// The promotions planned.
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
        guard expectedParticipants >= 0, promotions.allSatisfy({ $0.audience >= 0 }) else {
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

    /// The largest audience of its promotions (0 without promotion).
    public var largestAudience: Int { promotions.map(\.audience).max() ?? 0 }

    /// Whether it announces a promotion to more than 100,000 people.
    public var hasMassPromotion: Bool { promotions.contains(where: \.isMassPromotion) }
}
