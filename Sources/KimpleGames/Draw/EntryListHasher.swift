import Dispatch
import KimpleCore
import Synchronization

/// Validates, hashes and checks an entry list in canonical order for ``FrozenEntryList``.
///
/// The canonical form is hashed as one SHA-256 stream, so the digest does not depend on how
/// the work is split. Large lists use both cores: a thread of its own validates and encodes
/// the lines in chunks and fingerprints the entry ids, while the calling thread hashes the
/// chunks in order as they come (a ring of buffers handed over by semaphores); at the end each
/// thread sorts half of the fingerprints to find repeated entry ids.
enum EntryListHasher {
    struct Result {
        var digest: SHA256Digest
        var weighted: Bool
        /// The position of an entry whose id appeared earlier, if any.
        var duplicate: Int?
    }

    /// Lists below this size are handled on the calling thread alone.
    static let parallelThreshold = 50_000
    static let entriesPerChunk = 32_768
    static let ringSize = 8

    /// - Throws: `draw.invalid_entry` for the first entry (in canonical order) breaking a rule.
    static func run(_ entries: [DrawEntry]) throws -> Result {
        entries.count < parallelThreshold ? try sequential(entries) : try parallel(entries)
    }

    // MARK: - One thread

    static func sequential(_ entries: [DrawEntry]) throws -> Result {
        var hasher = SHA256()
        let buffer = ByteBuffer(capacity: (1 << 20) + 512)
        buffer.append(FrozenEntryList.header)
        buffer.append(0x0A)
        var weighted = false
        for (index, entry) in entries.enumerated() {
            guard FrozenEntryList.appendValidatedLine(entry, to: buffer) != nil else { throw invalid(entry, index) }
            if entry.weight != 1 { weighted = true }
            if buffer.count >= 1 << 20 {
                buffer.withUnsafeBytes { hasher.update(bytes: $0) }
                buffer.removeAll()
            }
        }
        buffer.withUnsafeBytes { hasher.update(bytes: $0) }
        return Result(
            digest: hasher.finalize(), weighted: weighted, duplicate: EntryIDDuplicates.firstDuplicate(entries))
    }

    // MARK: - Two threads

    /// One buffer of the ring, owned in turn by the encoder and the hasher.
    private struct Slot {
        var buffer = ByteBuffer(capacity: (1 << 20) + 4096)
        /// Set on the last chunk the encoder will send (the end, or an invalid entry).
        var last = false
    }

    /// What the encoder found, handed to the hasher with the last chunk.
    private struct Encoded {
        var weighted = false
        var failure: KimpleError?
        /// Fingerprints of the entry ids whose top bit is 0 (a repeated id always lands twice
        /// in the same half); the encoder sorts the other half itself.
        var lowerHalf: [UInt64] = []
    }

    /// The state the two threads share. Every buffer is reached under its own lock, and the
    /// semaphores hand each slot over in turn, so the threads never touch the same bytes at once.
    private final class Shared: Sendable {
        let slots: [SlotBox]
        let free = DispatchSemaphore(value: EntryListHasher.ringSize)
        let filled = DispatchSemaphore(value: 0)
        let encoded = Mutex(Encoded())
        let repeated = Mutex<Set<UInt64>>([])

        init() { slots = (0..<EntryListHasher.ringSize).map { _ in SlotBox() } }
    }

    private final class SlotBox: Sendable {
        let slot = Mutex(Slot())
    }

    static func parallel(_ entries: [DrawEntry]) throws -> Result {
        let shared = Shared()
        let encoderDone = DispatchGroup()
        encoderDone.enter()
        // The encoder gets a thread of its own (a serial queue overcommits): it never waits for
        // a thread that is itself waiting for it.
        DispatchQueue(label: "kimple.draw.encode", qos: .userInitiated).async {
            encode(entries, shared)
            encoderDone.leave()
        }
        // This thread hashes the chunks in order until the last one, then sorts its half.
        var hasher = SHA256()
        var chunk = 0
        var done = false
        while !done {
            shared.filled.wait()
            shared.slots[chunk % ringSize].slot.withLock { slot in
                slot.buffer.withUnsafeBytes { hasher.update(bytes: $0) }
                done = slot.last
            }
            shared.free.signal()
            chunk += 1
        }
        let (failure, weighted, lowerHalf) = shared.encoded.withLock { state in
            defer { state.lowerHalf = [] }
            return (state.failure, state.weighted, state.lowerHalf)
        }
        var half = lowerHalf
        if failure == nil {
            EntryIDDuplicates.radixSort(&half)
            let found = EntryIDDuplicates.repeatedKeys(sorted: half)
            shared.repeated.withLock { $0.formUnion(found) }
        }
        encoderDone.wait()
        if let failure { throw failure }
        let suspects = shared.repeated.withLock { $0 }
        let duplicate = suspects.isEmpty ? nil : EntryIDDuplicates.firstDuplicate(entries, among: suspects)
        return Result(digest: hasher.finalize(), weighted: weighted, duplicate: duplicate)
    }

    /// The encoder's side: validate and encode chunk after chunk, fingerprint the ids, then
    /// sort the upper half of the fingerprints.
    private static func encode(_ entries: [DrawEntry], _ shared: Shared) {
        var lower: [UInt64] = []
        var upper: [UInt64] = []
        lower.reserveCapacity(entries.count / 2 + entries.count / 64)
        upper.reserveCapacity(entries.count / 2 + entries.count / 64)
        var weighted = false
        var failure: KimpleError?
        var start = 0
        var chunk = 0
        var finished = false
        while !finished {
            let end = min(entries.count, start + entriesPerChunk)
            shared.free.wait()
            shared.slots[chunk % ringSize].slot.withLock { slot in
                slot.buffer.removeAll()
                if chunk == 0 {
                    slot.buffer.append(FrozenEntryList.header)
                    slot.buffer.append(0x0A)
                }
                for index in start..<end {
                    let entry = entries[index]
                    guard let key = FrozenEntryList.appendValidatedLine(entry, to: slot.buffer) else {
                        failure = invalid(entry, index)
                        break
                    }
                    if entry.weight != 1 { weighted = true }
                    if key >> 63 == 0 { lower.append(key) } else { upper.append(key) }
                }
                finished = failure != nil || end == entries.count
                slot.last = finished
                if finished {
                    let result = Encoded(weighted: weighted, failure: failure, lowerHalf: lower)
                    shared.encoded.withLock { $0 = result }
                }
            }
            shared.filled.signal()
            start = end
            chunk += 1
        }
        guard failure == nil else { return }
        lower = []
        EntryIDDuplicates.radixSort(&upper)
        let found = EntryIDDuplicates.repeatedKeys(sorted: upper)
        shared.repeated.withLock { $0.formUnion(found) }
    }

    static func invalid(_ entry: DrawEntry, _ index: Int) -> KimpleError {
        let reason = FrozenEntryList.problem(with: entry) ?? "the entry cannot be written"
        return KimpleError(
            .drawInvalidEntry, "An entry of the draw is not valid: \(reason).",
            context: ["entryID": String(entry.entryID.prefix(64)), "index": String(index), "reason": reason])
    }
}
