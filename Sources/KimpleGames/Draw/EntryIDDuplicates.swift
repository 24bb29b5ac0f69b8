/// Finds an entry id listed twice among millions, fast and with flat, predictable memory:
/// 64-bit fingerprints of the ids are sorted by an LSD radix sort and neighbours compared;
/// equal fingerprints are then checked on the ids themselves, so a fingerprint collision never
/// reports a false duplicate.
enum EntryIDDuplicates {
    /// The position of an entry whose id appeared at an earlier position, or `nil`. When
    /// several ids repeat, the smallest such position is returned.
    static func firstDuplicate(_ entries: [DrawEntry]) -> Int? {
        let count = entries.count
        guard count > 1 else { return nil }
        var keys = [UInt64](repeating: 0, count: count)
        keys.withUnsafeMutableBufferPointer { output in
            for index in 0..<count { output[index] = fingerprint(entries[index].entryID) }
        }
        radixSort(&keys)
        let repeated = repeatedKeys(sorted: keys)
        // Rare: check the ids behind each repeated fingerprint exactly.
        return repeated.isEmpty ? nil : firstDuplicate(entries, among: repeated)
    }

    /// The keys appearing more than once in `sorted` (ascending).
    static func repeatedKeys(sorted: [UInt64]) -> Set<UInt64> {
        var repeated = Set<UInt64>()
        if sorted.count > 1 {
            for index in 1..<sorted.count where sorted[index] == sorted[index - 1] { repeated.insert(sorted[index]) }
        }
        return repeated
    }

    /// The smallest position of an entry whose id appeared earlier, checking exactly only the
    /// ids whose fingerprint is in `suspects`.
    static func firstDuplicate(_ entries: [DrawEntry], among suspects: Set<UInt64>) -> Int? {
        var seen: [UInt64: [String]] = [:]
        for index in entries.indices {
            let id = entries[index].entryID
            let key = fingerprint(id)
            guard suspects.contains(key) else { continue }
            if seen[key, default: []].contains(id) { return index }
            seen[key, default: []].append(id)
        }
        return nil
    }

    /// FNV-1a over the UTF-8 bytes, then the SplitMix64 finaliser to spread the bits.
    @inline(__always)
    static func fingerprint(_ id: String) -> UInt64 {
        var id = id
        return id.withUTF8 { fingerprint(bytes: $0) }
    }

    /// ``fingerprint(_:)`` of UTF-8 bytes.
    @inline(__always)
    static func fingerprint(bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
        hash ^= hash >> 30
        hash = hash &* 0xbf58_476d_1ce4_e5b9
        hash ^= hash >> 27
        hash = hash &* 0x94d0_49bb_1331_11eb
        return hash ^ (hash >> 31)
    }

    /// Sorts `keys` ascending: least significant digits first, six stable counting passes of
    /// 11 bits (a pass where every key has the same digit is skipped).
    static func radixSort(_ keys: inout [UInt64]) {
        let count = keys.count
        guard count > 1 else { return }
        var scratch = [UInt64](repeating: 0, count: count)
        var counts = [Int](repeating: 0, count: 2048)
        for pass in 0..<6 {
            let shift = UInt64(pass * 11)
            var sorted = false
            keys.withUnsafeBufferPointer { source in
                scratch.withUnsafeMutableBufferPointer { target in
                    counts.withUnsafeMutableBufferPointer { buckets in
                        for index in 0..<2048 { buckets[index] = 0 }
                        for key in source { buckets[Int(truncatingIfNeeded: key >> shift) & 0x7FF] += 1 }
                        if buckets.contains(count) { return }
                        var total = 0
                        for index in 0..<2048 {
                            let size = buckets[index]
                            buckets[index] = total
                            total += size
                        }
                        for key in source {
                            let bucket = Int(truncatingIfNeeded: key >> shift) & 0x7FF
                            target[buckets[bucket]] = key
                            buckets[bucket] += 1
                        }
                        sorted = true
                    }
                }
            }
            if sorted { swap(&keys, &scratch) }
        }
    }
}
