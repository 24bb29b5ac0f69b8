import KimpleCore

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The entry list of a random draw (G-7) read from the participations the intake stored.
///
/// Each stored entry of the operation becomes one ``DrawEntry``:
/// - `entryID`: the entry's id (`e<sequence>` in the SDK's stores);
/// - `personKey`: the entry's **identity key** in hexadecimal (32 digits): the keyed hash the
///   per-person limit uses, pseudonymous, the same for every entry of one person in the
///   operation, never an e-mail or a phone in clear (it is printed on the certificate);
/// - `weight`: 1, or what the caller's `weight` gives (extra chances);
/// - `enteredAt`: the instant the intake accepted the entry.
///
/// The store is streamed (``ParticipationStore/forEachEntry(of:_:)``): only the compact
/// ``DrawEntry`` values are kept, never the entries' form values. Freeze the result with
/// ``FrozenEntryList/freezing(_:)`` for ``DrawService/freeze(operation:entries:by:instruction:)``
/// and ``DrawService/draw(operation:seed:entries:by:instruction:)``; reading the same store
/// again gives the same list and the same entry-list hash.
public enum DrawEntries {
    /// The draw entry of `entry`, with `weight` chances.
    public static func entry(_ entry: ParticipationEntry, weight: UInt32 = 1) -> DrawEntry {
        DrawEntry(
            entryID: entry.id.rawValue, personKey: entry.identity.description, weight: weight,
            enteredAt: entry.receivedAt)
    }

    /// The draw entries of `operation`'s stored participations, in the store's order, keeping
    /// those `isEligible` accepts (all by default), each with the chances `weight` gives
    /// (1 by default; 0 leaves the entry out).
    ///
    /// - Throws: the store's read errors; what `isEligible` and `weight` throw.
    nonisolated(nonsending) public static func list(
        of operation: OperationID, in store: any ParticipationStore,
        where isEligible: (ParticipationEntry) throws -> Bool = { _ in true },
        weight: (ParticipationEntry) throws -> UInt32 = { _ in 1 }
    ) async throws -> [DrawEntry] {
        var entries: [DrawEntry] = []
        entries.reserveCapacity(try await store.entryCount(of: operation))
        try await store.forEachEntry(of: operation) { (stored: ParticipationEntry) -> Bool in
            guard try isEligible(stored) else { return true }
            let chances = try weight(stored)
            if chances > 0 { entries.append(entry(stored, weight: chances)) }
            return true
        }
        return entries
    }
}
