import KimpleCore

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// A participation asking the ledger whether it wins (G-6).
public struct InstantWinClaim: Sendable, Hashable, Codable {
    /// The operation.
    public var operation: OperationID
    /// The opaque key of the person (the same key the intake's per-person limit uses).
    public var personKey: String
    /// The participation's id: a second claim with the same id gets the same answer.
    public var entryID: String
    /// The participation instant, in milliseconds since 1970.
    public var atMilliseconds: Int64

    /// A claim; `at` is truncated to the millisecond.
    public init(operation: OperationID, personKey: String, entryID: String, at: Date) {
        self.operation = operation
        self.personKey = personKey
        self.entryID = entryID
        self.atMilliseconds = DrawEntry.milliseconds(of: at)
    }

    /// Checks the claim's text fields.
    ///
    /// - Throws: `instant_win.invalid_claim` when the person key is not 1 to 256 bytes without
    ///   control characters, or the entry id not 1 to 128 bytes without spaces or control
    ///   characters.
    public func validate() throws {
        guard CanonicalText.isValid(personKey, maximumBytes: FrozenEntryList.maximumPersonKeyBytes, allowsSpace: true),
            CanonicalText.isValid(entryID, maximumBytes: FrozenEntryList.maximumEntryIDBytes, allowsSpace: false)
        else {
            throw KimpleError(
                .instantWinInvalidClaim,
                "A claim names its person (1 to 256 bytes) and its entry (1 to 128 bytes, no spaces), without control characters.",
                context: ["operation": operation.rawValue])
        }
    }
}

/// A prize unit awarded to a participation (G-6): the ledger's durable record.
public struct InstantWinAward: Sendable, Hashable, Codable {
    /// The operation.
    public var operation: OperationID
    /// The moment won (its index in the schedule's canonical order).
    public var momentIndex: Int
    /// The moment's instant, in milliseconds since 1970.
    public var momentAtMilliseconds: Int64
    /// The prize code.
    public var prize: String
    /// The winning participation.
    public var entryID: String
    /// Its person.
    public var personKey: String
    /// The winning participation's instant, in milliseconds since 1970.
    public var wonAtMilliseconds: Int64

    /// An award, as a ledger records it when a claim wins a moment.
    public init(
        operation: OperationID, momentIndex: Int, momentAtMilliseconds: Int64, prize: String, entryID: String,
        personKey: String, wonAtMilliseconds: Int64
    ) {
        self.operation = operation
        self.momentIndex = momentIndex
        self.momentAtMilliseconds = momentAtMilliseconds
        self.prize = prize
        self.entryID = entryID
        self.personKey = personKey
        self.wonAtMilliseconds = wonAtMilliseconds
    }

    /// The moment won.
    public var moment: InstantWinMoment {
        InstantWinMoment(index: momentIndex, atMilliseconds: momentAtMilliseconds, prize: prize)
    }

    /// The winning participation's instant.
    public var wonAt: Date { DrawEntry.date(milliseconds: wonAtMilliseconds) }
}

/// The state of one instant-win operation and its rule (G-6), as a value: which moments are
/// awarded, to whom, and who wins the next claim. Ledgers hold one per operation under their
/// lock and persist each award; a host writing its own ledger can reuse it.
///
/// **The rule.** A claim at instant `t` (inside the operation's window) wins when some moment
/// is *due* for it: not yet awarded, at or before `t` (`m <= t`), still open (roll-over, or
/// `t < m + window`), its prize still in stock, and the person below the most wins allowed.
/// Among due moments, the highest prize priority wins, then the earliest moment, then the
/// lowest index. A claim wins at most one moment; the others stay due for the next players.
/// A moment is taken out once a claim at or after `m + window` was processed (it expired), or
/// once its prize's stock is used up. An entry that already won gets the same award again.
///
/// Claims are decided in the order the ledger processes them: "the first valid participation"
/// is the first one the ledger decides among those whose instant is at or after the moment.
public struct InstantWinBook: Sendable {
    /// The schedule.
    public let schedule: InstantWinSchedule
    /// Awards by moment index.
    public private(set) var awards: [Int: InstantWinAward] = [:]
    private var winsByPerson: [String: Int] = [:]
    private var awardByEntry: [String: Int] = [:]
    private var awardedByPrize: [String: Int] = [:]
    private let stock: [String: Int]
    private let priority: [String: Int]
    /// Moments `0 ..< released` were moved to `open` (or were awarded, expired or exhausted).
    private var released = 0
    /// Released moments still due for someone, best first: (-priority, instant, index).
    private var open: [Int] = []
    /// Moments taken out because their window passed with no player.
    public private(set) var expired = Set<Int>()

    /// What a claim got.
    public enum Decision: Sendable, Hashable {
        /// A new award, to persist before telling the participant.
        case won(InstantWinAward)
        /// The entry had already won this award (a repeated claim).
        case alreadyWon(InstantWinAward)
        /// Nothing.
        case notWon
    }

    /// The book of `schedule` with nothing awarded.
    public init(schedule: InstantWinSchedule) {
        self.schedule = schedule
        var stock: [String: Int] = [:]
        var priority: [String: Int] = [:]
        for prize in schedule.prizes {
            stock[prize.code] = prize.quantity
            priority[prize.code] = prize.priority
        }
        self.stock = stock
        self.priority = priority
    }

    /// Units of `prize` awarded so far.
    public func awarded(_ prize: String) -> Int { awardedByPrize[prize, default: 0] }

    /// Units of `prize` left: stock minus awards, never negative.
    public func remaining(_ prize: String) -> Int { max(0, stock[prize, default: 0] - awarded(prize)) }

    /// The award `entryID` won, if any.
    public func award(ofEntry entryID: String) -> InstantWinAward? {
        awardByEntry[entryID].flatMap { awards[$0] }
    }

    /// Decides `claim` and records the award it gets (``advance(to:)``, ``decide(_:)``, ``record(_:)``).
    public mutating func claim(_ claim: InstantWinClaim) -> Decision {
        advance(to: claim.atMilliseconds)
        let decision = decide(claim)
        if case .won(let award) = decision { record(award) }
        return decision
    }

    /// Moves every moment at or before `instant` into the due set and takes out moments that
    /// expired by `instant` or whose prize ran out. Idempotent; never awards anything.
    public mutating func advance(to instant: Int64) {
        let moments = schedule.moments
        while released < moments.count, moments[released].atMilliseconds <= instant {
            let index = released
            released += 1
            if awards[index] == nil { insertOpen(index) }
        }
        let policy = schedule.policy
        guard !open.isEmpty else { return }
        var kept: [Int] = []
        kept.reserveCapacity(open.count)
        for index in open {
            let moment = moments[index]
            if remaining(moment.prize) == 0 { continue }
            if policy.hasExpired(momentAt: moment.atMilliseconds, at: instant) {
                expired.insert(index)
                continue
            }
            kept.append(index)
        }
        if kept.count != open.count { open = kept }
    }

    /// What `claim` gets now, without changing the book (call ``advance(to:)`` first).
    public func decide(_ claim: InstantWinClaim) -> Decision {
        if let previous = award(ofEntry: claim.entryID) { return .alreadyWon(previous) }
        let t = claim.atMilliseconds
        guard t >= schedule.opensAtMilliseconds, t < schedule.closesAtMilliseconds else { return .notWon }
        if let limit = schedule.policy.maxWinsPerPerson, winsByPerson[claim.personKey, default: 0] >= limit {
            return .notWon
        }
        for index in open {
            let moment = schedule.moments[index]
            guard moment.atMilliseconds <= t, remaining(moment.prize) > 0 else { continue }
            if schedule.policy.hasExpired(momentAt: moment.atMilliseconds, at: t) { continue }
            return .won(
                InstantWinAward(
                    operation: schedule.operation, momentIndex: index, momentAtMilliseconds: moment.atMilliseconds,
                    prize: moment.prize, entryID: claim.entryID, personKey: claim.personKey, wonAtMilliseconds: t))
        }
        return .notWon
    }

    /// Records `award` (a decision's, or one read back from storage). Recording a moment
    /// already awarded, or an award whose moment is not in the schedule, changes nothing and
    /// returns `false`.
    @discardableResult
    public mutating func record(_ award: InstantWinAward) -> Bool {
        guard award.momentIndex >= 0, award.momentIndex < schedule.moments.count, awards[award.momentIndex] == nil,
            awardByEntry[award.entryID] == nil
        else { return false }
        awards[award.momentIndex] = award
        awardByEntry[award.entryID] = award.momentIndex
        winsByPerson[award.personKey, default: 0] += 1
        awardedByPrize[award.prize, default: 0] += 1
        if let position = open.firstIndex(of: award.momentIndex) { open.remove(at: position) }
        return true
    }

    /// Takes back `award` (recorded, but its write failed): the moment is due again, and the
    /// person's and the prize's counts go back. Changes nothing for an award not recorded.
    mutating func withdraw(_ award: InstantWinAward) {
        guard awards[award.momentIndex] == award else { return }
        awards[award.momentIndex] = nil
        awardByEntry[award.entryID] = nil
        winsByPerson[award.personKey, default: 1] -= 1
        if winsByPerson[award.personKey] == 0 { winsByPerson[award.personKey] = nil }
        awardedByPrize[award.prize, default: 1] -= 1
        if award.momentIndex < released { insertOpen(award.momentIndex) }
    }

    private mutating func insertOpen(_ index: Int) {
        let moments = schedule.moments
        func before(_ a: Int, _ b: Int) -> Bool {
            let pa = priority[moments[a].prize, default: 0]
            let pb = priority[moments[b].prize, default: 0]
            if pa != pb { return pa > pb }
            if moments[a].atMilliseconds != moments[b].atMilliseconds {
                return moments[a].atMilliseconds < moments[b].atMilliseconds
            }
            return a < b
        }
        var low = 0
        var high = open.count
        while low < high {
            let mid = (low + high) / 2
            if before(open[mid], index) { low = mid + 1 } else { high = mid }
        }
        open.insert(index, at: low)
    }
}

/// What became of an instant-win operation's moments at some instant: a breakdown a person can
/// check against the published schedule.
public struct InstantWinReport: Sendable, Hashable, Codable {
    /// Per prize: stock, awarded, remaining.
    public struct PrizeLine: Sendable, Hashable, Codable {
        /// The prize's code.
        public var prize: String
        /// The units in stock (``InstantWinPrize/quantity``).
        public var stock: Int
        /// The units awarded so far.
        public var awarded: Int
        /// The units not yet awarded: stock minus awarded, never below 0.
        public var remaining: Int

        /// A line of the report.
        public init(prize: String, stock: Int, awarded: Int, remaining: Int) {
            self.prize = prize
            self.stock = stock
            self.awarded = awarded
            self.remaining = remaining
        }
    }

    /// The operation.
    public var operation: OperationID
    /// The schedule's commitment.
    public var commitment: SHA256Digest
    /// Moments in the schedule.
    public var moments: Int
    /// Moments awarded.
    public var awarded: Int
    /// Moments lost: their win window passed with no player, or their prize ran out.
    public var lost: Int
    /// Moments still to come or still due.
    public var pending: Int
    /// The prizes.
    public var prizes: [PrizeLine]

    /// The report of `book` at `instant`.
    public init(book: InstantWinBook, at instant: Date) {
        let now = DrawEntry.milliseconds(of: instant)
        let schedule = book.schedule
        var lost = 0
        var pending = 0
        for moment in schedule.moments where book.awards[moment.index] == nil {
            let expired =
                book.expired.contains(moment.index)
                || schedule.policy.hasExpired(momentAt: moment.atMilliseconds, at: now)
                || now >= schedule.closesAtMilliseconds
            if expired || book.remaining(moment.prize) == 0 { lost += 1 } else { pending += 1 }
        }
        self.operation = schedule.operation
        self.commitment = schedule.commitment
        self.moments = schedule.moments.count
        self.awarded = book.awards.count
        self.lost = lost
        self.pending = pending
        self.prizes = schedule.prizes.map {
            PrizeLine(
                prize: $0.code, stock: $0.quantity, awarded: book.awarded($0.code), remaining: book.remaining($0.code))
        }
    }
}
