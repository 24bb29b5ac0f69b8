import KimpleCore

/// The in-memory index shared by the reference participation stores: entries per
/// (operation, identity, period) for the limit, and entries per operation. A value held
/// under the store's lock.
///
/// The limit table is split in 64 shards so that growing it rehashes 1/64 of the entries
/// at a time: no long pause of the intake when a large operation crosses a size step.
struct ParticipationIndex {
    struct LimitKey: Hashable {
        var high: UInt64
        var low: UInt64
        var period: Int32
        var operation: UInt32

        /// The identity key's bits are already uniform (an HMAC): hashing one word of them
        /// mixed with the rest is enough and cheaper than hashing all 24 bytes.
        func hash(into hasher: inout Hasher) {
            hasher.combine(high ^ (UInt64(UInt32(bitPattern: period)) << 32 | UInt64(operation)))
        }
    }

    private static let shardCount = 64
    private var limits: [[LimitKey: UInt32]] = Array(repeating: [:], count: shardCount)
    private var operationNumbers: [OperationID: UInt32] = [:]
    private(set) var operationIDs: [OperationID] = []
    private var operationCounts: [Int] = []
    /// Live (not erased) entries.
    private(set) var liveCount = 0
    var fingerprint: SHA256Digest?

    /// The small number standing for `operation` in this index, created on first use.
    mutating func number(of operation: OperationID) -> UInt32 {
        if let number = operationNumbers[operation] { return number }
        let number = UInt32(operationIDs.count)
        operationNumbers[operation] = number
        operationIDs.append(operation)
        operationCounts.append(0)
        return number
    }

    /// The number of `operation`, or `nil` when it has no entry yet.
    func existingNumber(of operation: OperationID) -> UInt32? { operationNumbers[operation] }

    static func key(_ identity: IdentityKey, period: Int64, operation: UInt32) throws -> LimitKey {
        guard let period32 = Int32(exactly: period) else {
            throw KimpleError(
                .invalidArgument, "This store keeps periods of 32 bits; a period is a day or week number.",
                context: ["period": String(period)])
        }
        return LimitKey(high: identity.high, low: identity.low, period: period32, operation: operation)
    }

    func count(_ key: LimitKey) -> Int {
        Int(limits[Int(key.low & 63)][key] ?? 0)
    }

    /// Counts one more entry for `key` if it has fewer than `maximum`; returns the count
    /// found (the insert happened when it is below `maximum`).
    mutating func claim(_ key: LimitKey, maximum: Int) -> Int {
        // One hash lookup: the count is read and bumped in place (a new key starts at 0 and
        // is always bumped, since `maximum >= 1`: no zero is left behind).
        let existing = Self.bump(&limits[Int(key.low & 63)][key, default: 0], below: maximum)
        guard existing < maximum else { return existing }
        operationCounts[Int(key.operation)] += 1
        liveCount += 1
        return existing
    }

    private static func bump(_ count: inout UInt32, below maximum: Int) -> Int {
        let existing = Int(count)
        if existing < maximum { count += 1 }
        return existing
    }

    /// Counts an entry read back from storage (no limit applies: it was accepted).
    mutating func add(_ identity: IdentityKey, period: Int64, operation: OperationID) throws {
        let key = try Self.key(identity, period: period, operation: number(of: operation))
        limits[Int(key.low & 63)][key, default: 0] += 1
        operationCounts[Int(key.operation)] += 1
        liveCount += 1
    }

    /// Forgets one entry of `key` (erased, or a write that failed).
    mutating func release(_ key: LimitKey) {
        let shard = Int(key.low & 63)
        if let count = limits[shard][key] {
            limits[shard][key] = count > 1 ? count - 1 : nil
        }
        operationCounts[Int(key.operation)] -= 1
        liveCount -= 1
    }

    func entryCount(of operation: OperationID) -> Int {
        operationNumbers[operation].map { operationCounts[Int($0)] } ?? 0
    }

    /// Forgets every entry (the fingerprint and operation numbers stay).
    mutating func removeAllEntries() {
        limits = Array(repeating: [:], count: Self.shardCount)
        operationCounts = Array(repeating: 0, count: operationCounts.count)
        liveCount = 0
    }
}
