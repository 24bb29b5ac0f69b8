import KimpleCore

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif
#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// What a draw picks: how many winners, how many ordered reserves, and whether one person may
/// win more than once (G-7).
public struct DrawRules: Sendable, Hashable, Codable {
    /// The number of winners, at least 1.
    public var winners: Int
    /// The number of reserve winners, in order, promoted when a winner is disqualified.
    public var reserves: Int
    /// Whether a person (a ``DrawEntry/personKey``) is picked at most once among winners and
    /// reserves. `true` unless the operation's rules allow several wins.
    public var oneWinPerPerson: Bool

    /// Rules; call ``validate()`` (the draw does) before relying on them.
    public init(winners: Int, reserves: Int = 0, oneWinPerPerson: Bool = true) {
        self.winners = winners
        self.reserves = reserves
        self.oneWinPerPerson = oneWinPerPerson
    }

    /// The largest number of winners plus reserves.
    public static let maximumPicks = 1_000_000

    /// Checks the rules.
    ///
    /// - Throws: `draw.invalid_rules` when `winners < 1`, `reserves < 0` or the total exceeds
    ///   ``maximumPicks``.
    public func validate() throws {
        guard winners >= 1, reserves >= 0, winners <= Self.maximumPicks - reserves else {
            throw KimpleError(
                .drawInvalidRules, "A draw picks at least one winner, zero or more reserves, at most 1,000,000 in all.",
                context: ["winners": String(winners), "reserves": String(reserves)])
        }
    }
}

/// How the draw picks: by the entry list's weights.
public enum DrawMethod: String, Sendable, Hashable, Codable {
    /// Every entry has weight 1: partial Fisher–Yates shuffle with rejection sampling.
    case uniform
    /// Some entry has another weight: Efraimidis–Spirakis A-Res keys.
    case weighted
}

/// One entry picked by a draw.
public struct DrawPick: Sendable, Hashable, Codable {
    /// The entry's position in the canonical entry list, from 0.
    public var index: Int
    /// The entry's id.
    public var entryID: String
    /// The person behind it.
    public var personKey: String

    /// A pick; the draw builds these from the frozen list.
    public init(index: Int, entryID: String, personKey: String) {
        self.index = index
        self.entryID = entryID
        self.personKey = personKey
    }
}

/// What ``RandomDraw/run(_:seed:rules:)`` picked.
public struct DrawOutcome: Sendable, Hashable {
    /// The method the list's weights called for.
    public var method: DrawMethod
    /// The ChaCha20 key derived from the seed and the entry-list hash.
    public var streamKey: SHA256Digest
    /// The winners, in the order drawn.
    public var winners: [DrawPick]
    /// The reserves, in promotion order.
    public var reserves: [DrawPick]
}

/// The verifiable random draw (G-7): a pure function of the frozen entry list, the seed and
/// the rules. `Documentation/DrawAlgorithm.md` specifies every step so that anyone can
/// reproduce the winners; `Documentation/verify_draw.py` is an independent implementation.
///
/// 1. **Stream key**: `SHA-256("kimple-draw/1" || 0x00 || entry-list hash (32 bytes) || seed)`.
///    The generator is ``ChaCha20Random`` with that key and a nonce of twelve zero bytes.
/// 2. **Uniform** (every weight is 1): a partial Fisher–Yates shuffle of positions
///    `0 ..< n`: for `i = 0, 1, ...`, `j = i + uniform(below: n - i)`, swap positions `i` and
///    `j`, the entry now at `i` is the candidate. `uniform(below:)` is rejection sampling
///    (no modulo bias).
/// 3. **Weighted**: Efraimidis–Spirakis A-Res: for each entry in canonical order, one draw
///    `u = unitInterval()` and the key `ln(u) / weight`; candidates in decreasing key order,
///    equal keys by ascending position.
/// 4. Candidates are taken in order; with ``DrawRules/oneWinPerPerson`` a candidate whose
///    person was already picked is passed over. The first `winners` picks are the winners,
///    the next `reserves` the reserves. When candidates run out, fewer are picked.
public enum RandomDraw {
    /// The algorithm's name and version, printed on certificates.
    public static let algorithm = "kimple-draw/1"

    /// The ChaCha20 key of a draw: `SHA-256("kimple-draw/1" || 0x00 || entryListHash || seed)`.
    public static func streamKey(entryListHash: SHA256Digest, seed: DrawSeed) -> SHA256Digest {
        var hasher = SHA256()
        hasher.update(algorithm)
        hasher.update([0])
        entryListHash.withUnsafeBytes { hasher.update(bytes: $0) }
        hasher.update(seed.bytes)
        return hasher.finalize()
    }

    /// Draws winners and reserves from `list` with `seed` under `rules`.
    ///
    /// - Throws: `draw.invalid_rules` when the rules are not valid. An empty list gives no
    ///   winner.
    public static func run(_ list: FrozenEntryList, seed: DrawSeed, rules: DrawRules) throws -> DrawOutcome {
        try rules.validate()
        let key = streamKey(entryListHash: list.sha256, seed: seed)
        var generator = try ChaCha20Random(key: key)
        let wanted = rules.winners + rules.reserves
        let method: DrawMethod = list.usesWeights ? .weighted : .uniform
        let picked: [Int]
        switch method {
        case .uniform:
            picked = uniformPicks(list.entries, wanted: wanted, distinct: rules.oneWinPerPerson, using: &generator)
        case .weighted:
            picked = weightedPicks(list.entries, wanted: wanted, distinct: rules.oneWinPerPerson, using: &generator)
        }
        let picks = picked.map {
            DrawPick(index: $0, entryID: list.entries[$0].entryID, personKey: list.entries[$0].personKey)
        }
        let winnerCount = min(rules.winners, picks.count)
        return DrawOutcome(
            method: method, streamKey: key, winners: Array(picks[..<winnerCount]),
            reserves: Array(picks[winnerCount...]))
    }

    // MARK: - Uniform: partial Fisher–Yates

    /// Positions picked by a partial Fisher–Yates shuffle. The permutation is kept sparse
    /// (only displaced positions are stored), so memory depends on the picks, not on `n`.
    static func uniformPicks(
        _ entries: [DrawEntry], wanted: Int, distinct: Bool, using generator: inout ChaCha20Random
    ) -> [Int] {
        let n = entries.count
        var displaced: [Int: Int] = [:]
        var persons = Set<String>()
        var picks: [Int] = []
        picks.reserveCapacity(min(wanted, n))
        var i = 0
        while i < n, picks.count < wanted {
            let j = i + Int(generator.uniform(below: UInt64(n - i)))
            let atI = displaced[i] ?? i
            let atJ = displaced[j] ?? j
            displaced[j] = atI
            displaced[i] = nil
            i += 1
            if distinct, !persons.insert(entries[atJ].personKey).inserted { continue }
            picks.append(atJ)
        }
        return picks
    }

    // MARK: - Weighted: Efraimidis–Spirakis A-Res

    /// The A-Res key of a draw `u` in (0, 1) for `weight`: `ln(u) / weight`. A larger key wins.
    @inline(__always)
    static func aResKey(_ u: Double, weight: UInt32) -> Double {
        log(u) / Double(weight)
    }

    /// Positions in decreasing A-Res key order (equal keys: ascending position), passing over
    /// repeated persons when `distinct`, until `wanted` are picked.
    static func weightedPicks(
        _ entries: [DrawEntry], wanted: Int, distinct: Bool, using generator: inout ChaCha20Random
    ) -> [Int] {
        let n = entries.count
        guard n > 0, wanted > 0 else { return [] }
        var keys = [Double](repeating: 0, count: n)
        for index in 0..<n {
            keys[index] = aResKey(generator.unitInterval(), weight: entries[index].weight)
        }
        // The best `window` positions by key; widened when repeated persons leave too few.
        var window = min(n, wanted)
        while true {
            let best = topPositions(keys, count: window)
            var persons = Set<String>()
            var picks: [Int] = []
            for position in best {
                if distinct, !persons.insert(entries[position].personKey).inserted { continue }
                picks.append(position)
                if picks.count == wanted { return picks }
            }
            if window == n { return picks }
            window = min(n, window * 4)
        }
    }

    /// Whether position `a` (key `ka`) ranks before position `b` (key `kb`).
    @inline(__always)
    private static func ranksBefore(_ ka: Double, _ a: Int, _ kb: Double, _ b: Int) -> Bool {
        ka > kb || (ka == kb && a < b)
    }

    /// The `count` best positions by key, best first, with a bounded heap (O(n log count)).
    static func topPositions(_ keys: [Double], count: Int) -> [Int] {
        // Min-heap on rank: the root is the worst of the best kept so far.
        var heap: [Int] = []
        heap.reserveCapacity(count)
        func worse(_ x: Int, _ y: Int) -> Bool { ranksBefore(keys[y], y, keys[x], x) }
        func siftUp(_ start: Int) {
            var child = start
            while child > 0 {
                let parent = (child - 1) / 2
                guard worse(heap[child], heap[parent]) else { return }
                heap.swapAt(child, parent)
                child = parent
            }
        }
        func siftDown() {
            var parent = 0
            while true {
                let left = 2 * parent + 1
                guard left < heap.count else { return }
                var worst = left
                if left + 1 < heap.count, worse(heap[left + 1], heap[left]) { worst = left + 1 }
                guard worse(heap[worst], heap[parent]) else { return }
                heap.swapAt(worst, parent)
                parent = worst
            }
        }
        for position in keys.indices {
            if heap.count < count {
                heap.append(position)
                siftUp(heap.count - 1)
            } else if let root = heap.first, ranksBefore(keys[position], position, keys[root], root) {
                heap[0] = position
                siftDown()
            }
        }
        return heap.sorted { ranksBefore(keys[$0], $0, keys[$1], $1) }
    }
}
