import KimpleCore

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

// MARK: - Error codes of votes (G-21)

extension KimpleError.Code {
    /// A ballot or the vote's rules are not valid (overlapping phases, unknown time zone, bad
    /// person key, unknown candidate).
    public static let voteInvalid: Self = "vote.invalid"
    /// The vote is cast outside the voting phase.
    public static let voteClosed: Self = "vote.closed"
}

/// The entry phase and the voting phase of a vote, kept apart (G-21): entries come in first,
/// votes only once the entry phase is over.
public struct VotePhases: Sendable, Hashable, Codable {
    /// Entries are accepted in `[entryOpensAt, entryClosesAt)`.
    public var entryOpensAt: Date
    /// The end of the entry phase, excluded.
    public var entryClosesAt: Date
    /// Votes are accepted in `[votingOpensAt, votingClosesAt)`, starting at or after the end of
    /// the entry phase.
    public var votingOpensAt: Date
    /// The end of the voting phase, excluded.
    public var votingClosesAt: Date

    /// The phases; their order is checked when a vote is cast (`vote.invalid`).
    public init(entryOpensAt: Date, entryClosesAt: Date, votingOpensAt: Date, votingClosesAt: Date) {
        self.entryOpensAt = entryOpensAt
        self.entryClosesAt = entryClosesAt
        self.votingOpensAt = votingOpensAt
        self.votingClosesAt = votingClosesAt
    }

    /// Checks the phases.
    ///
    /// - Throws: `vote.invalid` when a phase is empty or voting opens before entries close.
    public func validate() throws {
        guard entryOpensAt < entryClosesAt, votingOpensAt < votingClosesAt, votingOpensAt >= entryClosesAt else {
            throw KimpleError(
                .voteInvalid, "Each phase lasts some time and voting opens only once the entry phase has closed.")
        }
    }

    /// Whether an entry made at `instant` falls in the entry phase.
    public func acceptsEntry(at instant: Date) -> Bool { instant >= entryOpensAt && instant < entryClosesAt }

    /// Whether a vote cast at `instant` falls in the voting phase.
    public func acceptsVote(at instant: Date) -> Bool { instant >= votingOpensAt && instant < votingClosesAt }
}

/// The period within which a person votes at most once per candidate (G-21).
public enum VotePeriod: Sendable, Hashable, Codable {
    /// Once per candidate for the whole voting phase.
    case wholeVote
    /// Once per candidate per calendar day in the time zone named (an IANA identifier such as
    /// `Europe/Paris`, the operation's time zone).
    case calendarDay(timeZone: String)

    /// The key of the period holding `instant`: `all`, or the day as `yyyy-MM-dd`.
    ///
    /// - Throws: `vote.invalid` for an unknown time zone.
    public func key(for instant: Date) throws -> String {
        switch self {
        case .wholeVote:
            return "all"
        case .calendarDay(let identifier):
            guard let zone = TimeZone(identifier: identifier) else {
                throw KimpleError(.voteInvalid, "The vote's time zone is unknown.", context: ["timeZone": identifier])
            }
            let local = DrawEntry.milliseconds(of: instant) / 1000 + Int64(zone.secondsFromGMT(for: instant))
            return CivilDate(daysSinceEpoch: GamesTime.floorDivide(local, 86_400)).description
        }
    }
}

/// One counted vote: a person's vote for a candidate in a period (G-21).
public struct Ballot: Sendable, Hashable, Codable {
    /// The operation.
    public var operation: OperationID
    /// The candidate: the id of the entry voted for.
    public var candidate: String
    /// The opaque key of the person voting.
    public var personKey: String
    /// The period key (``VotePeriod/key(for:)``).
    public var period: String
    /// When the vote was cast, in milliseconds since 1970.
    public var castAtMilliseconds: Int64

    /// A ballot; `castAt` is kept to the millisecond.
    public init(operation: OperationID, candidate: String, personKey: String, period: String, castAt: Date) {
        self.operation = operation
        self.candidate = candidate
        self.personKey = personKey
        self.period = period
        self.castAtMilliseconds = DrawEntry.milliseconds(of: castAt)
    }

    /// The "one vote per person per candidate per period" key.
    struct Key: Hashable {
        var operation: OperationID
        var candidate: String
        var personKey: String
        var period: String
    }

    var key: Key { Key(operation: operation, candidate: candidate, personKey: personKey, period: period) }

    /// Checks the text fields.
    ///
    /// - Throws: `vote.invalid` when the candidate is not 1 to 128 bytes without spaces or
    ///   control characters, or the person key or period not 1 to 256 bytes without control
    ///   characters.
    public func validate() throws {
        guard CanonicalText.isValid(candidate, maximumBytes: FrozenEntryList.maximumEntryIDBytes, allowsSpace: false),
            CanonicalText.isValid(personKey, maximumBytes: FrozenEntryList.maximumPersonKeyBytes, allowsSpace: true),
            CanonicalText.isValid(period, maximumBytes: 256, allowsSpace: true)
        else {
            throw KimpleError(
                .voteInvalid, "A ballot names its candidate, person and period, without control characters.",
                context: ["operation": operation.rawValue])
        }
    }
}
