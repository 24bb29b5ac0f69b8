import KimpleCore

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// One eligible entry of a random draw (G-7), as the frozen entry list holds it.
///
/// The participation store (or any other source) turns each eligible participation into a
/// `DrawEntry`; ``FrozenEntryList`` puts them in canonical order and hashes them. The rules an
/// entry must follow are checked when the list is frozen (not here, so that building ten
/// million entries stays cheap):
/// - ``entryID``: 1 to 128 bytes of UTF-8, no space, no control character (U+0000–U+001F,
///   U+007F); unique within the list.
/// - ``personKey``: 1 to 256 bytes of UTF-8, no control character. An opaque key naming the
///   person behind the entry (for example a keyed hash of the normalised e-mail address):
///   two entries with the same key belong to the same person, who never wins twice unless
///   the rules allow it. Never put personal data in clear here: the key is printed on the
///   draw certificate.
/// - ``weight``: at least 1; the number of chances of the entry (extra chances, referrals).
/// - ``enteredAtMilliseconds``: the participation instant in whole milliseconds since
///   1970-01-01T00:00:00Z (negative before).
public struct DrawEntry: Sendable, Hashable, Codable {
    /// The participation's id, unique within the list.
    public var entryID: String
    /// The opaque key of the person behind the entry.
    public var personKey: String
    /// The entry's number of chances, at least 1.
    public var weight: UInt32
    /// The participation instant, in milliseconds since 1970-01-01T00:00:00Z.
    public var enteredAtMilliseconds: Int64

    /// An entry; `enteredAt` is truncated to the millisecond (``DrawEntry/milliseconds(of:)``).
    public init(entryID: String, personKey: String, weight: UInt32 = 1, enteredAt: Date) {
        self.init(
            entryID: entryID, personKey: personKey, weight: weight,
            enteredAtMilliseconds: DrawEntry.milliseconds(of: enteredAt))
    }

    /// An entry whose instant is already in milliseconds since 1970-01-01T00:00:00Z.
    public init(entryID: String, personKey: String, weight: UInt32 = 1, enteredAtMilliseconds: Int64) {
        self.entryID = entryID
        self.personKey = personKey
        self.weight = weight
        self.enteredAtMilliseconds = enteredAtMilliseconds
    }

    /// The participation instant.
    public var enteredAt: Date { DrawEntry.date(milliseconds: enteredAtMilliseconds) }

    /// Whole milliseconds since 1970-01-01T00:00:00Z, rounded down: the rule every export and
    /// canonical form of the games module uses, and the one `ISO8601.string` prints.
    ///
    /// Rounded down in `Date`'s own terms: the largest `m` whose instant
    /// (``date(milliseconds:)``) is at or before `date`. So the instant of a whole
    /// millisecond gives that millisecond back; the floating-point product alone is off by
    /// one for about 0.6% of the milliseconds of this century (`Date` counts seconds from
    /// 2001, and converting to 1970 and to milliseconds rounds twice).
    public static func milliseconds(of date: Date) -> Int64 {
        let value = (date.timeIntervalSince1970 * 1000).rounded(.down)
        guard value > -9.2e18, value < 9.2e18 else { return value < 0 ? Int64.min : Int64.max }
        var milliseconds = Int64(value)
        if Self.date(milliseconds: milliseconds) > date {
            milliseconds -= 1
        } else if Self.date(milliseconds: milliseconds + 1) <= date {
            milliseconds += 1
        }
        return milliseconds
    }

    /// The instant `milliseconds` after 1970-01-01T00:00:00Z: the `Date` every millisecond
    /// value of the games module stands for.
    public static func date(milliseconds: Int64) -> Date {
        Date(timeIntervalSince1970: Double(milliseconds) / 1000)
    }

    private enum CodingKeys: String, CodingKey {
        case entryID, personKey, weight
        case enteredAtMilliseconds = "enteredAtMs"
    }

    // MARK: - Canonical order

    /// Whether `lhs` comes before `rhs` in the canonical order: ascending
    /// ``enteredAtMilliseconds``, then ascending ``entryID`` compared byte by byte as UTF-8.
    @inlinable
    public static func canonicallyPrecedes(_ lhs: DrawEntry, _ rhs: DrawEntry) -> Bool {
        if lhs.enteredAtMilliseconds != rhs.enteredAtMilliseconds {
            return lhs.enteredAtMilliseconds < rhs.enteredAtMilliseconds
        }
        return lhs.entryID.utf8.lexicographicallyPrecedes(rhs.entryID.utf8)
    }
}

// MARK: - Text rules shared by the games' canonical forms

/// Checks of the text fields that go into canonical, hashed forms (entry lists, schedules).
enum CanonicalText {
    /// Whether `string` is 1 to `maximumBytes` bytes of UTF-8 without control characters
    /// (and without spaces when `allowsSpace` is false).
    static func isValid(_ string: String, maximumBytes: Int, allowsSpace: Bool) -> Bool {
        let utf8 = string.utf8
        let count = utf8.count
        guard count > 0, count <= maximumBytes else { return false }
        let lowest: UInt8 = allowsSpace ? 0x20 : 0x21
        for byte in utf8 where byte < lowest || byte == 0x7F { return false }
        return true
    }
}
