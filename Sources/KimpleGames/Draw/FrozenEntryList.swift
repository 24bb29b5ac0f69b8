import Dispatch
import KimpleCore

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The eligible entries of a draw, frozen at closing: in canonical order and hashed (G-7).
///
/// **Canonical order**: ascending participation instant in milliseconds, then ascending entry
/// id compared byte by byte as UTF-8 (``DrawEntry/canonicallyPrecedes(_:_:)``).
///
/// **Canonical form**: UTF-8 text, one line per entry after a header line, each line ending
/// with a line feed (0x0A):
/// ```
/// kimple-draw-entries/1
/// <entry id> TAB <person key> TAB <weight> TAB <entered-at milliseconds>
/// ```
/// Numbers are in decimal without leading zeros (`-` before a negative instant). The form is
/// a file a partner can publish as is: its SHA-256 is ``sha256``, the entry-list hash printed
/// on the draw certificate, and `sha256sum` checks it. `Documentation/DrawAlgorithm.md`
/// describes it byte by byte.
///
/// The list is hashed as one SHA-256 stream over the canonical form. Building a list of
/// millions of entries takes seconds: from async code use ``freezing(_:)``, which runs the
/// work on its own threads instead of the cooperative pool.
public struct FrozenEntryList: Sendable {
    /// The first line of the canonical form, without its line feed.
    public static let header = "kimple-draw-entries/1"
    /// The largest entry id, in UTF-8 bytes.
    public static let maximumEntryIDBytes = 128
    /// The largest person key, in UTF-8 bytes.
    public static let maximumPersonKeyBytes = 256

    /// The entries in canonical order; position `i` is the entry's index in the draw.
    public let entries: [DrawEntry]
    /// SHA-256 of the canonical form: the entry-list hash.
    public let sha256: SHA256Digest
    /// Whether any entry has a weight other than 1 (the draw is then weighted).
    public let usesWeights: Bool

    /// The number of entries.
    public var count: Int { entries.count }

    /// Validates `entries`, puts them in canonical order and hashes them.
    ///
    /// Runs on the calling thread (and one more thread for large lists, which hashes on one
    /// core while the other encodes); from async code prefer ``freezing(_:)``.
    ///
    /// - Throws: `draw.invalid_entry` (context `entryID`, `index` and `reason`) when an entry
    ///   breaks a rule of ``DrawEntry`` or an entry id appears twice.
    public init(_ entries: [DrawEntry]) throws {
        let list = Self.isCanonicallyOrdered(entries) ? entries : Self.canonicallyOrdered(entries)
        let result = try EntryListHasher.run(list)
        if let position = result.duplicate {
            throw KimpleError(
                .drawInvalidEntry, "An entry id appears twice in the entry list; each participation is listed once.",
                context: ["entryID": String(list[position].entryID.prefix(64)), "index": String(position)])
        }
        self.entries = list
        self.sha256 = result.digest
        self.usesWeights = result.weighted
    }

    /// ``init(_:)`` run away from the cooperative thread pool, for large lists.
    ///
    /// - Throws: what ``init(_:)`` throws.
    public static func freezing(_ entries: [DrawEntry]) async throws -> FrozenEntryList {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global(qos: .userInitiated).async {
                continuation.resume(with: Result { try FrozenEntryList(entries) })
            }
        }
    }

    /// Calls `body` with the canonical form in chunks of about `chunkSize` bytes, in order.
    /// Memory stays flat whatever the list's size. Rethrows what `body` throws.
    public func forEachCanonicalChunk(
        chunkSize: Int = 1 << 20, _ body: (UnsafeRawBufferPointer) throws -> Void
    ) rethrows {
        let buffer = ByteBuffer(capacity: chunkSize + 512)
        buffer.append(Self.header)
        buffer.append(0x0A)
        for entry in entries {
            Self.appendLine(entry, to: buffer)
            if buffer.count >= chunkSize {
                try buffer.withUnsafeBytes { try body($0) }
                buffer.removeAll()
            }
        }
        if !buffer.isEmpty { try buffer.withUnsafeBytes { try body($0) } }
    }

    /// The whole canonical form. Loads it in memory: for small lists and tests.
    public var canonicalBytes: [UInt8] {
        var all: [UInt8] = []
        forEachCanonicalChunk { all.append(contentsOf: $0) }
        return all
    }

    // MARK: - Steps

    static func isCanonicallyOrdered(_ entries: [DrawEntry]) -> Bool {
        guard entries.count > 1 else { return true }
        for index in 1..<entries.count where !DrawEntry.canonicallyPrecedes(entries[index - 1], entries[index]) {
            return false
        }
        return true
    }

    /// `entries` in canonical order. Sorts (instant, position) pairs rather than the entries
    /// themselves, then reads the entries in that order: far fewer bytes move.
    static func canonicallyOrdered(_ entries: [DrawEntry]) -> [DrawEntry] {
        var keys = entries.indices.map { (entries[$0].enteredAtMilliseconds, $0) }
        keys.sort { lhs, rhs in
            if lhs.0 != rhs.0 { return lhs.0 < rhs.0 }
            return entries[lhs.1].entryID.utf8.lexicographicallyPrecedes(entries[rhs.1].entryID.utf8)
        }
        return keys.map { entries[$0.1] }
    }

    /// Why `entry` breaks a rule of ``DrawEntry``, or `nil` when it follows them all.
    static func problem(with entry: DrawEntry) -> String? {
        if !CanonicalText.isValid(entry.entryID, maximumBytes: maximumEntryIDBytes, allowsSpace: false) {
            return "the entry id must be 1 to 128 bytes without spaces or control characters"
        }
        if !CanonicalText.isValid(entry.personKey, maximumBytes: maximumPersonKeyBytes, allowsSpace: true) {
            return "the person key must be 1 to 256 bytes without control characters"
        }
        if entry.weight == 0 { return "the weight must be at least 1" }
        return nil
    }

    /// Appends `entry`'s line after checking its fields in the same pass and returns the
    /// fingerprint of its id; returns `nil` (the buffer then holds a partial line) when a field
    /// breaks a rule.
    @inline(__always)
    static func appendValidatedLine(_ entry: DrawEntry, to buffer: ByteBuffer) -> UInt64? {
        guard entry.weight > 0,
            let fingerprint = buffer.appendCheckedFingerprint(
                entry.entryID, maximumBytes: maximumEntryIDBytes, lowest: 0x21),
            buffer.appendChecked(entry.personKey, maximumBytes: maximumPersonKeyBytes, lowest: 0x20, prefix: 0x09)
        else { return nil }
        buffer.append(0x09)
        buffer.appendDecimal(UInt64(entry.weight))
        buffer.append(0x09)
        buffer.appendDecimal(entry.enteredAtMilliseconds)
        buffer.append(0x0A)
        return fingerprint
    }

    @inline(__always)
    static func appendLine(_ entry: DrawEntry, to buffer: ByteBuffer) {
        buffer.append(entry.entryID)
        buffer.append(0x09)
        buffer.append(entry.personKey)
        buffer.append(0x09)
        buffer.appendDecimal(UInt64(entry.weight))
        buffer.append(0x09)
        buffer.appendDecimal(entry.enteredAtMilliseconds)
        buffer.append(0x0A)
    }
}
