import KimpleCore

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// A prize unit awarded to an entry by an instant win (G-6).
public struct PrizeAward: Sendable, Hashable, Codable {
    /// The prize.
    public var prize: PrizeID
    /// The prize's name, for the participant.
    public var prizeName: String
    /// Which unit of the prize (1...quantity): a unit is never awarded twice.
    public var unit: Int
    /// The award's id in the decider's store (for the winner's claim, exports, proofs).
    public var awardID: String
    /// When the award was made durable.
    public var awardedAt: Date
    /// Decider-specific facts (the winning moment, the seed commitment...).
    public var details: [String: String]

    /// An award with the given values.
    public init(
        prize: PrizeID, prizeName: String, unit: Int, awardID: String, awardedAt: Date,
        details: [String: String] = [:]
    ) {
        self.prize = prize
        self.prizeName = prizeName
        self.unit = unit
        self.awardID = awardID
        self.awardedAt = awardedAt
        self.details = details
    }
}

/// What an accepted participation got, as decided by the operation's
/// ``ParticipationOutcomeDecider``.
public enum ParticipationOutcome: Sendable, Hashable, Codable {
    /// The operation decides nothing at entry (no instant win: draws come later).
    case noInstantWin
    /// An instant win operation: this entry did not win.
    case notWon
    /// An instant win operation: this entry won `award`, durable before intake returned.
    case won(PrizeAward)
    /// The decider failed (its error code is given): the entry is kept, and the decision
    /// can be asked again with the same entry (deciders are idempotent per entry id).
    case undecided(KimpleError.Code)

    /// Whether the entry won a prize.
    public var isWin: Bool {
        if case .won = self { return true }
        return false
    }
}

/// The hook through which an instant win (part of KimpleGames, G-6) decides the outcome
/// of each accepted participation.
///
/// ## Implementation requirements
/// - Called by the intake once per accepted entry, after the entry is durable, and before
///   `submit` returns; ``decide(for:in:)`` returns ``ParticipationOutcome/won(_:)`` only
///   once the award is durable in the decider's own store.
/// - **Idempotent per entry id**: called again for the same entry (after a failure or a
///   restart), it returns the same outcome and never awards a second unit.
/// - Atomic across concurrent entries: a prize unit is never awarded twice.
/// - Throws a `KimpleError` when it cannot decide; the intake then reports
///   ``ParticipationOutcome/undecided(_:)`` and the entry stays accepted.
public protocol ParticipationOutcomeDecider: Sendable {
    /// The outcome of `entry`, accepted for `operation`.
    func decide(for entry: ParticipationEntry, in operation: Operation) async throws -> ParticipationOutcome
}

/// The default decider: no operation decides anything at entry.
public struct NoInstantWin: ParticipationOutcomeDecider {
    /// The default decider.
    public init() {}

    /// Always ``ParticipationOutcome/noInstantWin``.
    public func decide(for entry: ParticipationEntry, in operation: Operation) async throws -> ParticipationOutcome {
        .noInstantWin
    }
}
