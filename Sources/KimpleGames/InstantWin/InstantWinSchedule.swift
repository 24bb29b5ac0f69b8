import KimpleCore

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// A prize of an instant-win operation: its code, its stock and its priority (G-6).
public struct InstantWinPrize: Sendable, Hashable, Codable {
    /// The prize's code: 1 to 128 characters from `A-Z a-z 0-9 . _ -`, not starting with a dot.
    public var code: String
    /// The units in stock: at most this many are ever awarded, whatever the schedule says.
    public var quantity: Int
    /// When several moments are due at once, the next player wins the one whose prize has the
    /// highest priority (then the earliest moment). 0 by default.
    public var priority: Int

    /// A prize; checked with the schedule (``InstantWinSchedule/validate()``).
    public init(code: String, quantity: Int, priority: Int = 0) {
        self.code = code
        self.quantity = quantity
        self.priority = priority
    }
}

/// A winning moment: the first valid participation at or after it wins its prize (G-6).
public struct InstantWinMoment: Sendable, Hashable, Codable {
    /// The moment's position in the schedule's canonical order, from 0.
    public var index: Int
    /// The instant, in milliseconds since 1970-01-01T00:00:00Z.
    public var atMilliseconds: Int64
    /// The code of the prize it awards.
    public var prize: String

    /// A moment; `index` is its position in the schedule's canonical order.
    public init(index: Int, atMilliseconds: Int64, prize: String) {
        self.index = index
        self.atMilliseconds = atMilliseconds
        self.prize = prize
    }

    /// The instant.
    public var at: Date { DrawEntry.date(milliseconds: atMilliseconds) }
}

/// How an operation awards moments nobody played at (G-6). The tenant chooses (§2.3).
public struct InstantWinPolicy: Sendable, Hashable, Codable {
    /// What happens to a moment with no player.
    public enum Expiry: Sendable, Hashable, Codable {
        /// The moment stays due until a player comes: the next valid participation wins it (the
        /// default).
        case rollOver
        /// The moment is lost when no participation comes within `seconds` after it: a
        /// participation at instant `t` can win a moment at `m` only when `m <= t < m + seconds`.
        case winWindow(seconds: Int)
    }

    /// Roll-over or win window.
    public var expiry: Expiry
    /// The most prizes one person (one person key) wins in the operation; `nil`: no limit.
    public var maxWinsPerPerson: Int?

    /// A policy: roll-over and no per-person limit by default.
    public init(expiry: Expiry = .rollOver, maxWinsPerPerson: Int? = nil) {
        self.expiry = expiry
        self.maxWinsPerPerson = maxWinsPerPerson
    }

    /// The win window in milliseconds, or `nil` for roll-over. Saturates: a policy decoded
    /// from outside may hold any number of seconds.
    var windowMilliseconds: Int64? {
        guard case .winWindow(let seconds) = expiry else { return nil }
        let (milliseconds, overflow) = Int64(seconds).multipliedReportingOverflow(by: 1000)
        return overflow ? (seconds < 0 ? .min : .max) : milliseconds
    }

    /// Whether a moment at `moment` has expired at `instant` (`instant >= moment + window`),
    /// without overflowing near the ends of the 64-bit range: a window ending past the last
    /// representable millisecond never ends.
    func hasExpired(momentAt moment: Int64, at instant: Int64) -> Bool {
        guard let window = windowMilliseconds else { return false }
        let (end, overflow) = moment.addingReportingOverflow(window)
        guard !overflow else { return window < 0 }
        return instant >= end
    }
}

/// How generated moments are spread over the window.
public enum InstantWinSpread: String, Sendable, Hashable, Codable {
    /// Each moment uniformly at random in the window, independently.
    case uniform
    /// The window cut in as many equal slots as moments, one moment uniformly at random in each
    /// slot: evenly spread yet unpredictable.
    case even
}

/// The winning moments of an instant-win operation, fixed before it goes live (G-6).
///
/// Built by ``generate(operation:opensAt:closesAt:prizes:spread:marginAtStart:marginAtEnd:seed:policy:)``
/// from a secret seed with ``ChaCha20Random``, or ``importing(operation:opensAt:closesAt:prizes:moments:policy:)``
/// from a list. Its ``commitment`` (SHA-256 of ``canonicalText``) is published before the
/// operation goes live; after closing, the schedule and the seed are revealed and anyone can
/// check both the hash and, for a generated schedule, that the seed gives these moments
/// (`Documentation/DrawAlgorithm.md`, "Instant-win schedules").
public struct InstantWinSchedule: Sendable, Hashable, Codable {
    /// How the moments were made.
    public enum Origin: Sendable, Hashable, Codable {
        /// Generated from a seed whose SHA-256 is `seedSHA256`, with the margins in milliseconds.
        case generated(spread: InstantWinSpread, marginStartMs: Int64, marginEndMs: Int64, seedSHA256: SHA256Digest)
        /// Imported from a list.
        case imported
    }

    /// The header line of the canonical text.
    public static let header = "kimple-instant-win-schedule/1"
    /// The generator's name, used in the stream key.
    public static let algorithm = "kimple-instant-win/1"
    /// The most moments a schedule holds.
    public static let maximumMoments = 1_000_000

    /// The operation.
    public let operation: OperationID
    /// When the operation opens, in milliseconds since 1970.
    public let opensAtMilliseconds: Int64
    /// When it closes, in milliseconds since 1970 (exclusive).
    public let closesAtMilliseconds: Int64
    /// The prizes, in canonical order (by code, as UTF-8 bytes).
    public let prizes: [InstantWinPrize]
    /// The moments, in canonical order (by instant, then prize code).
    public let moments: [InstantWinMoment]
    /// How unplayed moments and repeat winners are handled.
    public let policy: InstantWinPolicy
    /// Generated or imported.
    public let origin: Origin

    /// When the operation opens.
    public var opensAt: Date { DrawEntry.date(milliseconds: opensAtMilliseconds) }
    /// When it closes.
    public var closesAt: Date { DrawEntry.date(milliseconds: closesAtMilliseconds) }

    // MARK: - Building

    /// Generates one moment per prize unit from `seed` across the operation's window, minus
    /// the safety margins.
    ///
    /// - Parameters:
    ///   - operation: the instant-win operation.
    ///   - opensAt: its opening instant (kept to the millisecond).
    ///   - closesAt: its closing instant, excluded.
    ///   - prizes: the prizes and their quantities: one moment per unit.
    ///   - spread: uniform over the window (the default) or one moment per equal slice.
    ///   - marginAtStart: seconds after opening with no moment.
    ///   - marginAtEnd: seconds before closing with no moment.
    ///   - seed: the secret seed; its SHA-256 is part of the canonical text, the seed is revealed
    ///     after closing.
    ///   - policy: roll-over or win window, and the most wins per person.
    /// - Throws: `instant_win.invalid_schedule` when the window is empty once the margins are
    ///   taken, a prize is invalid or repeated, there is no prize unit, more than 1,000,000
    ///   units, or (with ``InstantWinSpread/even``) fewer milliseconds than units; the
    ///   policy's errors (``InstantWinPolicy``).
    public static func generate(
        operation: OperationID, opensAt: Date, closesAt: Date, prizes: [InstantWinPrize],
        spread: InstantWinSpread = .uniform, marginAtStart: TimeInterval = 0, marginAtEnd: TimeInterval = 0,
        seed: DrawSeed, policy: InstantWinPolicy = InstantWinPolicy()
    ) throws -> InstantWinSchedule {
        let opens = DrawEntry.milliseconds(of: opensAt)
        let closes = DrawEntry.milliseconds(of: closesAt)
        guard marginAtStart >= 0, marginAtEnd >= 0, marginAtStart < 1e12, marginAtEnd < 1e12 else {
            throw invalid("Safety margins are zero or more seconds.")
        }
        let marginStart = Int64((marginAtStart * 1000).rounded())
        let marginEnd = Int64((marginAtEnd * 1000).rounded())
        let ordered = try validated(prizes, policy: policy)
        let units = ordered.flatMap { Array(repeating: $0.code, count: $0.quantity) }
        guard !units.isEmpty else { throw invalid("A generated schedule needs at least one prize unit.") }
        guard
            let (start, span) = generationWindow(
                opens: opens, closes: closes, marginStart: marginStart, marginEnd: marginEnd)
        else {
            throw invalid("The window left once the safety margins are taken is empty.")
        }
        guard spread == .uniform || span >= UInt64(units.count) else {
            throw invalid("An evenly spread schedule needs at least one millisecond per moment.")
        }
        let moments = generatedMoments(units: units, start: start, span: span, spread: spread, seed: seed)
        return InstantWinSchedule(
            operation: operation, opensAtMilliseconds: opens, closesAtMilliseconds: closes, prizes: ordered,
            moments: moments, policy: policy,
            origin: .generated(
                spread: spread, marginStartMs: marginStart, marginEndMs: marginEnd, seedSHA256: seed.sha256))
    }

    /// A schedule made of the moments given (an instant and a prize code each).
    ///
    /// Several moments may name one prize; at most the prize's quantity is ever awarded.
    ///
    /// - Throws: `instant_win.invalid_schedule` when the window is empty, a prize is invalid or
    ///   repeated, a moment names an unknown prize or lies outside `[opensAt, closesAt)`, there
    ///   is no moment or more than 1,000,000; the policy's errors.
    public static func importing(
        operation: OperationID, opensAt: Date, closesAt: Date, prizes: [InstantWinPrize],
        moments: [(at: Date, prize: String)], policy: InstantWinPolicy = InstantWinPolicy()
    ) throws -> InstantWinSchedule {
        let opens = DrawEntry.milliseconds(of: opensAt)
        let closes = DrawEntry.milliseconds(of: closesAt)
        guard opens < closes else { throw invalid("The operation's window is empty.") }
        let ordered = try validated(prizes, policy: policy)
        let codes = Set(ordered.map(\.code))
        guard !moments.isEmpty, moments.count <= maximumMoments else {
            throw invalid("A schedule holds 1 to 1,000,000 moments.")
        }
        var pairs: [(Int64, String)] = []
        pairs.reserveCapacity(moments.count)
        for moment in moments {
            let at = DrawEntry.milliseconds(of: moment.at)
            guard codes.contains(moment.prize) else {
                throw invalid("A moment names a prize the operation does not declare.", ["prize": moment.prize])
            }
            guard at >= opens, at < closes else {
                throw invalid("A moment lies outside the operation's window.", ["at": GamesTime.iso8601(moment.at)])
            }
            pairs.append((at, moment.prize))
        }
        return InstantWinSchedule(
            operation: operation, opensAtMilliseconds: opens, closesAtMilliseconds: closes, prizes: ordered,
            moments: canonicalMoments(pairs), policy: policy, origin: .imported)
    }

    private init(
        operation: OperationID, opensAtMilliseconds: Int64, closesAtMilliseconds: Int64, prizes: [InstantWinPrize],
        moments: [InstantWinMoment], policy: InstantWinPolicy, origin: Origin
    ) {
        self.operation = operation
        self.opensAtMilliseconds = opensAtMilliseconds
        self.closesAtMilliseconds = closesAtMilliseconds
        self.prizes = prizes
        self.moments = moments
        self.policy = policy
        self.origin = origin
    }

    // MARK: - Commitment

    /// The schedule as canonical UTF-8 text, every line ending with a line feed
    /// (`Documentation/DrawAlgorithm.md`, "Instant-win schedules"):
    /// ```
    /// kimple-instant-win-schedule/1
    /// operation TAB <id>
    /// window TAB <opens ms> TAB <closes ms>
    /// expiry TAB roll-over            (or: expiry TAB window TAB <seconds>)
    /// max-wins-per-person TAB <n>     (or: unlimited)
    /// origin TAB generated TAB <uniform|even> TAB <margin start ms> TAB <margin end ms> TAB <seed SHA-256>
    ///                                 (or: origin TAB imported)
    /// prize TAB <code> TAB <quantity> TAB <priority>      one per prize, canonical order
    /// moment TAB <ms> TAB <prize code>                    one per moment, canonical order
    /// ```
    public var canonicalText: String {
        var lines = [
            Self.header, "operation\t\(operation.rawValue)", "window\t\(opensAtMilliseconds)\t\(closesAtMilliseconds)",
        ]
        switch policy.expiry {
        case .rollOver: lines.append("expiry\troll-over")
        case .winWindow(let seconds): lines.append("expiry\twindow\t\(seconds)")
        }
        lines.append("max-wins-per-person\t\(policy.maxWinsPerPerson.map(String.init) ?? "unlimited")")
        switch origin {
        case .generated(let spread, let marginStart, let marginEnd, let seedDigest):
            lines.append("origin\tgenerated\t\(spread.rawValue)\t\(marginStart)\t\(marginEnd)\t\(seedDigest.hex)")
        case .imported:
            lines.append("origin\timported")
        }
        for prize in prizes { lines.append("prize\t\(prize.code)\t\(prize.quantity)\t\(prize.priority)") }
        for moment in moments { lines.append("moment\t\(moment.atMilliseconds)\t\(moment.prize)") }
        return lines.joined(separator: "\n") + "\n"
    }

    /// SHA-256 of ``canonicalText``: the commitment published before the operation goes live.
    public var commitment: SHA256Digest { SHA256.hash(canonicalText) }

    /// Checks that `seed` is the one a generated schedule committed to and regenerates the
    /// same moments from it.
    ///
    /// - Throws: `instant_win.seed_mismatch` when the schedule was imported, the seed's
    ///   SHA-256 differs from the committed one, or the seed does not give these moments;
    ///   `instant_win.invalid_schedule` when the schedule breaks its rules (``validate()``;
    ///   a schedule decoded from outside may).
    public func verify(seed: DrawSeed) throws {
        guard case .generated(let spread, let marginStart, let marginEnd, let digest) = origin else {
            throw KimpleError(.instantWinSeedMismatch, "An imported schedule has no seed to check.")
        }
        guard constantTimeEquals(seed.sha256, digest) else {
            throw KimpleError(
                .instantWinSeedMismatch, "The seed revealed is not the one the schedule committed to.",
                context: ["committed": digest.hex])
        }
        try validate()
        let units = prizes.flatMap { Array(repeating: $0.code, count: $0.quantity) }
        guard
            let (start, span) = Self.generationWindow(
                opens: opensAtMilliseconds, closes: closesAtMilliseconds, marginStart: marginStart,
                marginEnd: marginEnd),
            spread == .uniform || span >= UInt64(units.count)
        else {
            throw KimpleError(.instantWinSeedMismatch, "The schedule's margins leave no window to generate moments in.")
        }
        let regenerated = Self.generatedMoments(units: units, start: start, span: span, spread: spread, seed: seed)
        guard regenerated == moments else {
            throw KimpleError(.instantWinSeedMismatch, "The seed does not give this schedule's moments.")
        }
    }

    /// Checks the invariants a schedule built by
    /// ``generate(operation:opensAt:closesAt:prizes:spread:marginAtStart:marginAtEnd:seed:policy:)``
    /// or ``importing(operation:opensAt:closesAt:prizes:moments:policy:)`` always has: useful
    /// for one decoded from outside. Ledgers check it before installing.
    ///
    /// - Throws: `instant_win.invalid_schedule` when the window is empty, the prizes or policy
    ///   break their rules or are out of order, or a moment is out of order, misnumbered,
    ///   outside the window or names an unknown prize.
    public func validate() throws {
        guard opensAtMilliseconds < closesAtMilliseconds else { throw Self.invalid("The operation's window is empty.") }
        let ordered = try Self.validated(prizes, policy: policy)
        guard ordered == prizes else { throw Self.invalid("The prizes are not in canonical order.") }
        guard !moments.isEmpty, moments.count <= Self.maximumMoments else {
            throw Self.invalid("A schedule holds 1 to 1,000,000 moments.")
        }
        let codes = Set(prizes.map(\.code))
        for (position, moment) in moments.enumerated() {
            guard moment.index == position, codes.contains(moment.prize),
                moment.atMilliseconds >= opensAtMilliseconds, moment.atMilliseconds < closesAtMilliseconds
            else {
                throw Self.invalid(
                    "A moment is misnumbered, outside the window or names an unknown prize.",
                    ["index": String(position)])
            }
            if position > 0 {
                let previous = moments[position - 1]
                guard
                    previous.atMilliseconds < moment.atMilliseconds
                        || (previous.atMilliseconds == moment.atMilliseconds
                            && !moment.prize.utf8.lexicographicallyPrecedes(previous.prize.utf8))
                else { throw Self.invalid("The moments are not in canonical order.", ["index": String(position)]) }
            }
        }
    }

    // MARK: - Rules

    /// Where generated moments may fall: from `opens + marginStart` for `span` milliseconds
    /// up to `closes - marginEnd` (exclusive); `nil` when the margins are negative or leave
    /// nothing. Exact over the whole 64-bit range (a schedule decoded from outside may hold
    /// any values).
    static func generationWindow(
        opens: Int64, closes: Int64, marginStart: Int64, marginEnd: Int64
    ) -> (start: Int64, span: UInt64)? {
        guard marginStart >= 0, marginEnd >= 0 else { return nil }
        let (start, startOverflow) = opens.addingReportingOverflow(marginStart)
        let (end, endOverflow) = closes.subtractingReportingOverflow(marginEnd)
        guard !startOverflow, !endOverflow, start < end else { return nil }
        // end > start: the difference fits in 64 unsigned bits even when it does not fit in Int64.
        return (start, UInt64(bitPattern: end &- start))
    }

    /// The generator's moments (see `Documentation/DrawAlgorithm.md`, "Instant-win schedules").
    /// Every instant lies in `start ..< start + span`, which the caller checked fits in Int64:
    /// the wrapping additions below are exact.
    static func generatedMoments(
        units: [String], start: Int64, span: UInt64, spread: InstantWinSpread, seed: DrawSeed
    ) -> [InstantWinMoment] {
        var hasher = SHA256()
        hasher.update(algorithm)
        hasher.update([0])
        hasher.update(seed.bytes)
        // A 32-byte key and the default nonce cannot fail.
        guard var generator = try? ChaCha20Random(key: hasher.finalize()) else { return [] }
        let n = UInt64(units.count)
        var times: [Int64] = []
        times.reserveCapacity(units.count)
        for i in 0..<n {
            switch spread {
            case .uniform:
                times.append(start &+ Int64(bitPattern: generator.uniform(below: span)))
            case .even:
                let low = n.dividingFullWidth(i.multipliedFullWidth(by: span)).quotient
                let high = n.dividingFullWidth((i + 1).multipliedFullWidth(by: span)).quotient
                times.append(start &+ Int64(bitPattern: low + generator.uniform(below: high - low)))
            }
        }
        var shuffled = units
        if shuffled.count > 1 {
            for i in 0..<(shuffled.count - 1) {
                let j = i + Int(generator.uniform(below: UInt64(shuffled.count - i)))
                shuffled.swapAt(i, j)
            }
        }
        return canonicalMoments(Array(zip(times, shuffled)))
    }

    static func canonicalMoments(_ pairs: [(Int64, String)]) -> [InstantWinMoment] {
        let sorted = pairs.sorted { lhs, rhs in
            lhs.0 != rhs.0 ? lhs.0 < rhs.0 : lhs.1.utf8.lexicographicallyPrecedes(rhs.1.utf8)
        }
        return sorted.enumerated().map {
            InstantWinMoment(index: $0.offset, atMilliseconds: $0.element.0, prize: $0.element.1)
        }
    }

    /// The prizes in canonical order, validated with the policy.
    private static func validated(_ prizes: [InstantWinPrize], policy: InstantWinPolicy) throws -> [InstantWinPrize] {
        guard !prizes.isEmpty else { throw invalid("An instant-win operation declares at least one prize.") }
        var seen = Set<String>()
        var total = 0
        for prize in prizes {
            guard Identifier<InstantWinPrizeTag>.isValid(prize.code) else {
                throw invalid(
                    "A prize code is 1 to 128 characters from A-Z, a-z, 0-9, '.', '_' or '-'.",
                    ["prize": String(prize.code.prefix(64))])
            }
            guard seen.insert(prize.code).inserted else {
                throw invalid("A prize code appears twice.", ["prize": prize.code])
            }
            guard prize.quantity >= 0, prize.quantity <= maximumMoments else {
                throw invalid("A prize's quantity is 0 to 1,000,000.", ["prize": prize.code])
            }
            total += prize.quantity
        }
        guard total <= maximumMoments else { throw invalid("A schedule holds at most 1,000,000 prize units.") }
        if case .winWindow(let seconds) = policy.expiry, seconds < 1 || seconds > 31_622_400 {
            throw invalid("A win window lasts 1 second to 366 days.")
        }
        if let max = policy.maxWinsPerPerson, max < 1 {
            throw invalid("The most wins per person is at least 1 (or no limit).")
        }
        return prizes.sorted { $0.code.utf8.lexicographicallyPrecedes($1.code.utf8) }
    }

    private static func invalid(_ message: String, _ context: [String: String] = [:]) -> KimpleError {
        KimpleError(.instantWinInvalidSchedule, message, context: context)
    }
}

/// The tag of instant-win prize codes (they follow the identifier rules).
public enum InstantWinPrizeTag {}
