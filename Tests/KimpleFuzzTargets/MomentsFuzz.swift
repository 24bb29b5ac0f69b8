import Foundation
import KimpleCore
import KimpleGames

/// Instant-win schedules from outside (G-6): a schedule decoded from JSON (what a ledger
/// reads back, what a host receives) or a moment list given to
/// `InstantWinSchedule.importing`.
///
/// Input: one mode byte. Even: the rest is the JSON of a schedule, decoded then validated.
/// Odd: the rest is a compact moment list (see ``MomentList``) handed to `importing`.
///
/// Invariants once a schedule is accepted:
/// - an imported schedule passes `validate()`, keeps every moment, and importing its own
///   moments again gives the same schedule (same commitment);
/// - it encodes and decodes back to itself;
/// - played through an `InstantWinBook` (a claim at every moment, by a few people), no
///   moment is awarded twice, no prize beyond its stock, no person beyond the most wins
///   allowed, no award before its moment or after its window, a repeated claim gets the
///   same award, and the report accounts for every moment.
enum MomentsFuzz {
    static func run(_ input: [UInt8]) async throws {
        guard let mode = input.first else { return }
        let body = input.dropFirst()
        let schedule: InstantWinSchedule
        if mode & 1 == 0 {
            schedule = try JSONCoding.decode(InstantWinSchedule.self, from: Data(body), key: "instant-win")
            try schedule.validate()
        } else {
            let list = MomentList(body)
            schedule = try InstantWinSchedule.importing(
                operation: "fuzz", opensAt: date(list.opens), closesAt: date(list.closes), prizes: list.prizes,
                moments: list.moments.map { (at: date($0.0), prize: $0.1) }, policy: list.policy)
            try await must("validating an imported schedule") { try schedule.validate() }
            try invariant(schedule.moments.count == list.moments.count, "importing dropped or added moments")
            let again = try await must("importing a schedule's own moments") {
                try InstantWinSchedule.importing(
                    operation: schedule.operation, opensAt: schedule.opensAt, closesAt: schedule.closesAt,
                    prizes: schedule.prizes, moments: schedule.moments.map { (at: $0.at, prize: $0.prize) },
                    policy: schedule.policy)
            }
            try invariant(again == schedule, "importing a schedule's own moments changed it")
        }
        let encoded = try await must("encoding") { try JSONCoding.encode(schedule) }
        let decoded = try await must("decoding") { try JSONCoding.decode(InstantWinSchedule.self, from: encoded) }
        try invariant(
            decoded == schedule && decoded.commitment == schedule.commitment, "the JSON round trip changed it")
        if case .generated = schedule.origin {
            // What a third party does with a revealed schedule: check it against the seed.
            do {
                try schedule.verify(seed: seed)
            } catch let error as KimpleError where error.code.domain == "instant_win" {
                // A schedule that is not this seed's: refused as such.
            } catch {
                throw InvariantViolation("verifying threw \(error)")
            }
        }
        try play(schedule)
    }

    /// The seed of the generated seed schedule.
    static let seed: DrawSeed = {
        guard let seed = try? DrawSeed(bytes: Array(repeating: 7, count: 32)) else {
            preconditionFailure("a 32-byte seed")
        }
        return seed
    }()

    static func date(_ milliseconds: Int64) -> Date { Date(timeIntervalSince1970: Double(milliseconds) / 1000) }

    /// A claim at each of the first moments (and one at the close), by three people in turn.
    static func play(_ schedule: InstantWinSchedule) throws(InvariantViolation) {
        var book = InstantWinBook(schedule: schedule)
        var instants = schedule.moments.prefix(256).map(\.atMilliseconds)
        instants.append(schedule.closesAtMilliseconds &- 1)
        let window: Int64? =
            if case .winWindow(let seconds) = schedule.policy.expiry { Int64(seconds) * 1000 } else { nil }
        var awards: [InstantWinAward] = []
        for (position, instant) in instants.enumerated() {
            var claim = InstantWinClaim(
                operation: schedule.operation, personKey: "person-\(position % 3)", entryID: "entry-\(position)",
                at: Date(timeIntervalSince1970: 0))
            claim.atMilliseconds = instant
            switch book.claim(claim) {
            case .won(let award):
                try invariant(award.momentIndex >= 0 && award.momentIndex < schedule.moments.count, "no such moment")
                let moment = schedule.moments[award.momentIndex]
                try invariant(award.moment == moment, "the award misquotes its moment")
                try invariant(moment.atMilliseconds <= instant, "won before its moment")
                if let window {
                    try invariant(
                        Int128(instant) - Int128(moment.atMilliseconds) < Int128(window), "won after the window closed")
                }
                try invariant(book.claim(claim) == .alreadyWon(award), "a repeated claim got another answer")
                awards.append(award)
            case .alreadyWon:
                throw InvariantViolation("a new entry had already won")
            case .notWon:
                break
            }
        }
        try invariant(Set(awards.map(\.momentIndex)).count == awards.count, "a moment was awarded twice")
        for prize in schedule.prizes {
            let count = awards.count { $0.prize == prize.code }
            try invariant(
                count <= prize.quantity, "prize \(prize.code) awarded \(count) times, stock \(prize.quantity)")
        }
        if let limit = schedule.policy.maxWinsPerPerson {
            for person in 0..<3 {
                let wins = awards.count { $0.personKey == "person-\(person)" }
                try invariant(wins <= limit, "a person won \(wins) times, limit \(limit)")
            }
        }
        let report = InstantWinReport(book: book, at: date(schedule.closesAtMilliseconds))
        try invariant(report.awarded == awards.count, "the report counts \(report.awarded) awards")
        try invariant(
            report.awarded + report.lost + report.pending == schedule.moments.count,
            "the report loses moments: \(report)")
    }

    /// Schedules the SDK makes: generated and imported, roll-over and win window.
    static func seeds() throws -> [String: [UInt8]] {
        let opens = Date(timeIntervalSince1970: 1_780_000_000)
        let closes = opens.addingTimeInterval(86_400)
        let prizes = [
            InstantWinPrize(code: "bike", quantity: 2, priority: 1), InstantWinPrize(code: "cap", quantity: 3),
        ]
        let generated = try InstantWinSchedule.generate(
            operation: "summer", opensAt: opens, closesAt: closes, prizes: prizes, spread: .even,
            seed: seed,
            policy: InstantWinPolicy(expiry: .winWindow(seconds: 600), maxWinsPerPerson: 1))
        let imported = try InstantWinSchedule.importing(
            operation: "summer", opensAt: opens, closesAt: closes, prizes: prizes,
            moments: [(opens.addingTimeInterval(60), "cap"), (opens.addingTimeInterval(60), "bike"), (opens, "cap")])
        var list = MomentList.Builder(opens: 1_780_000_000_000, closes: 1_780_086_400_000)
        list.prize(code: "bike", quantity: 2, priority: 1)
        list.prize(code: "cap", quantity: 1, priority: 0)
        list.policy(windowSeconds: 600, maxWins: 1)
        for (offset, prize) in [(0, 0), (60_000, 1), (60_000, 0), (3_600_000, 1)] {
            list.moment(at: 1_780_000_000_000 + Int64(offset), prize: UInt8(prize))
        }
        return [
            "generated.json": [0] + [UInt8](try JSONCoding.encode(generated)),
            "imported.json": [0] + [UInt8](try JSONCoding.encode(imported)),
            "list": [1] + list.bytes,
        ]
    }
}

/// The compact moment list of the fuzz input: every value is read from the bytes, missing
/// bytes read as zeros.
///
/// ```
/// i64 opens ms, i64 closes ms (little-endian)
/// u8 prize count (1 + n % 4), then per prize: u8 code length (n % 16), code bytes,
///    u16 quantity, i8 priority
/// u8 policy: bit 0 win window, bit 1 most wins; then i32 window seconds, u8 most wins
/// moments to the end: i64 instant ms, u8 prize index (an index past the prizes names an
///    unknown prize "?")
/// ```
struct MomentList {
    var opens: Int64 = 0
    var closes: Int64 = 0
    var prizes: [InstantWinPrize] = []
    var policy = InstantWinPolicy()
    var moments: [(Int64, String)] = []

    init(_ bytes: ArraySlice<UInt8>) {
        var reader = Reader(bytes: bytes)
        opens = Int64(bitPattern: reader.integer(8))
        closes = Int64(bitPattern: reader.integer(8))
        for _ in 0..<(1 + reader.integer(1) % 4) {
            let length = Int(reader.integer(1) % 16)
            let code = String(decoding: (0..<length).map { _ in UInt8(reader.integer(1)) }, as: UTF8.self)
            let quantity = Int(reader.integer(2))
            let priority = Int(Int8(truncatingIfNeeded: reader.integer(1)))
            prizes.append(InstantWinPrize(code: code, quantity: quantity, priority: priority))
        }
        let flags = reader.integer(1)
        let seconds = Int(Int32(truncatingIfNeeded: reader.integer(4)))
        let maxWins = Int(reader.integer(1))
        policy = InstantWinPolicy(
            expiry: flags & 1 == 1 ? .winWindow(seconds: seconds) : .rollOver,
            maxWinsPerPerson: flags & 2 == 2 ? maxWins : nil)
        while !reader.isAtEnd {
            let at = Int64(bitPattern: reader.integer(8))
            let index = Int(reader.integer(1))
            moments.append((at, index < prizes.count ? prizes[index].code : "?"))
        }
    }

    private struct Reader {
        var bytes: ArraySlice<UInt8>
        var isAtEnd: Bool { bytes.isEmpty }

        /// A little-endian unsigned integer of `size` bytes.
        mutating func integer(_ size: Int) -> UInt64 {
            var value: UInt64 = 0
            for index in 0..<size {
                guard let byte = bytes.popFirst() else { break }
                value |= UInt64(byte) << UInt64(8 * index)
            }
            return value
        }
    }

    /// Writes a moment list (for the seeds).
    struct Builder {
        private(set) var bytes: [UInt8] = []
        private var prizes: [[UInt8]] = []
        private var tail: [UInt8] = []

        init(opens: Int64, closes: Int64) {
            bytes = Self.integer(UInt64(bitPattern: opens), 8) + Self.integer(UInt64(bitPattern: closes), 8)
        }

        mutating func prize(code: String, quantity: UInt16, priority: Int8) {
            prizes.append(
                [UInt8(code.utf8.count)] + Array(code.utf8) + Self.integer(UInt64(quantity), 2)
                    + [UInt8(bitPattern: priority)])
            rebuild()
        }

        mutating func policy(windowSeconds: Int32?, maxWins: UInt8?) {
            let flags: UInt8 = (windowSeconds == nil ? 0 : 1) | (maxWins == nil ? 0 : 2)
            policyBytes =
                [flags] + Self.integer(UInt64(UInt32(bitPattern: windowSeconds ?? 0)), 4) + [maxWins ?? 0]
            rebuild()
        }

        mutating func moment(at milliseconds: Int64, prize: UInt8) {
            tail += Self.integer(UInt64(bitPattern: milliseconds), 8) + [prize]
            rebuild()
        }

        private var head: [UInt8] = []
        private var policyBytes: [UInt8] = [0, 0, 0, 0, 0, 0]

        private mutating func rebuild() {
            if head.isEmpty { head = Array(bytes.prefix(16)) }
            bytes = head + [UInt8(prizes.count - 1)] + prizes.joined() + policyBytes + tail
        }

        private static func integer(_ value: UInt64, _ size: Int) -> [UInt8] {
            (0..<size).map { UInt8(truncatingIfNeeded: value >> UInt64(8 * $0)) }
        }
    }
}
