// Foundation, not only FoundationEssentials: Unicode normalisation (NFD) comes from it.
import Foundation
import KimpleCore

/// The confusable skeleton of an identity (Unicode UTS #39, section 4), on a small shipped
/// subset of the confusables data (G-15).
///
/// `skeleton(x)`: NFD of `x`, each scalar replaced by its prototype from ``prototypes``
/// (scalars without one kept), NFD again. Two strings with the same skeleton look alike.
///
/// Differences from UTS #39, on purpose: the input is an e-mail's identity form (already
/// NFKC and case-folded, see ``EmailAddress/identityFolded(_:)``), so prototypes are the
/// lower-case ones (`0` → `o` where UTS #39 says `O`); and only the ``prototypes`` listed,
/// the look-alikes of Latin letters and digits that turn up in e-mail local parts, not the
/// 6,000-odd lines of `confusables.txt`.
public enum ConfusableSkeleton {
    /// The shipped subset of UTS #39 confusables, source scalar → prototype:
    /// Cyrillic `а е о р с у х ѕ і ј ԁ һ ӏ ԛ ԝ` → `a e o p c y x s i j d h l q w`; Greek
    /// `α ο ρ ν ι` → `a o p v i`; Latin dotless `ı` → `i`; the digits `0` → `o`, `1` → `l`;
    /// `|` → `l`; and the letters that UTS #39 spells with two (`m` → `rn`, `w` → `vv`,
    /// `d` → `cl`).
    public static let prototypes: [Unicode.Scalar: String] = [
        // Cyrillic
        "\u{0430}": "a", "\u{0435}": "e", "\u{043E}": "o", "\u{0440}": "p", "\u{0441}": "c", "\u{0443}": "y",
        "\u{0445}": "x", "\u{0455}": "s", "\u{0456}": "i", "\u{0458}": "j", "\u{0501}": "d", "\u{04BB}": "h",
        "\u{04CF}": "l", "\u{051B}": "q", "\u{051D}": "w",
        // Greek
        "\u{03B1}": "a", "\u{03BF}": "o", "\u{03C1}": "p", "\u{03BD}": "v", "\u{03B9}": "i",
        // Latin and ASCII
        "\u{0131}": "i", "0": "o", "1": "l", "|": "l", "m": "rn", "w": "vv", "d": "cl",
    ]

    /// The skeleton of `text` (see the type's documentation).
    public static func skeleton(_ text: String) -> String {
        var mapped = String.UnicodeScalarView()
        for scalar in text.decomposedStringWithCanonicalMapping.unicodeScalars {
            if let prototype = prototypes[scalar] {
                mapped.append(contentsOf: prototype.unicodeScalars)
            } else {
                mapped.append(scalar)
            }
        }
        return String(mapped).decomposedStringWithCanonicalMapping
    }
}

/// An entry whose e-mail looks like another person's (G-15): a fraud signal, not a refusal.
public struct ConfusableEntry: Sendable, Hashable {
    /// The entry flagged.
    public var entry: EntryID
    /// The earliest entry of the operation whose address has the same skeleton but is
    /// another identity.
    public var lookalikeOf: EntryID

    /// A flag on `entry`, a look-alike of `lookalikeOf`.
    public init(entry: EntryID, lookalikeOf: EntryID) {
        self.entry = entry
        self.lookalikeOf = lookalikeOf
    }
}

/// Finds the entries of an operation whose e-mail address has the same confusable skeleton
/// (``ConfusableSkeleton``) as an earlier entry's of another identity (G-15): `ada@x` then
/// `аda@x` with a Cyrillic `а`, `martin@x` then `rnartin@x`, `bill@x` then `bi1l@x`.
public enum ConfusableAddresses {
    /// The look-alike entries of `operation` in `store`, in entry order.
    ///
    /// Each entry's identity is its e-mail as the intake identifies it
    /// (``EmailAddress/identity(of:folding:)`` under the operation's folding); the first
    /// entry of each skeleton is the reference, and every later entry with the same skeleton
    /// and another identity is flagged once. Entries of the same identity are never flagged
    /// (the participation limit handles them), nor is anything refused or changed: flagged
    /// entries are excluded from a draw only by an explicit decision of the host.
    ///
    /// Reads the operation's entries in clear: a host calls it under its fraud-prevention
    /// processing. Holds one skeleton per distinct identity in memory.
    ///
    /// - Throws: `core.invalid_argument` when `store` is not the operation's tenant's; the
    ///   store's read errors.
    public static func flagged(
        entriesOf operation: Operation, in store: some ParticipationStore
    ) async throws -> [ConfusableEntry] {
        guard store.tenant == operation.tenant else {
            throw KimpleError(
                .invalidArgument, "The participation store belongs to another tenant than the operation (K-1).",
                context: ["store": store.tenant.rawValue, "operation": operation.tenant.rawValue])
        }
        var first: [String: (identity: String, entry: EntryID)] = [:]
        var flagged: [ConfusableEntry] = []
        let folding = operation.emailFolding
        try await store.forEachEntry(of: operation.id) { (entry: ParticipationEntry) -> Void in
            guard let email = entry.email else { return }
            let identity = EmailAddress.identity(of: email, folding: folding)
            // SPEC G-15: a look-alike of another identity is flagged, never refused.
            let skeleton = ConfusableSkeleton.skeleton(identity)
            if let reference = first[skeleton] {
                if reference.identity != identity {
                    flagged.append(ConfusableEntry(entry: entry.id, lookalikeOf: reference.entry))
                }
            } else {
                first[skeleton] = (identity, entry.id)
            }
        }
        return flagged
    }
}
