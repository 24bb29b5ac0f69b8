/// How many times one person may take part in an operation (G-4).
///
/// Periods are calendar periods on the operation's wall clock (its ``Operation/timeZone``):
/// a day runs from local midnight to local midnight (23 or 25 hours across a
/// daylight-saving change), a week from Monday 00:00 to the next Monday 00:00 (ISO weeks).
public struct ParticipationLimit: Sendable, Codable, Hashable {
    /// The period a limit counts over.
    public enum Period: String, Sendable, Codable, Hashable, CaseIterable {
        /// The whole operation.
        case operation
        /// A calendar day in the operation's time zone.
        case day
        /// An ISO week (Monday to Sunday) in the operation's time zone.
        case week
    }

    /// The most participations of one person in one period (at least 1).
    public var maximum: Int
    /// The period the maximum counts over.
    public var period: Period

    /// At most `maximum` participations per `period` (checked `>= 1` when the operation is defined).
    public init(maximum: Int, per period: Period) {
        self.maximum = maximum
        self.period = period
    }

    /// Once per operation.
    public static let oncePerOperation = ParticipationLimit(maximum: 1, per: .operation)
    /// Once per day in the operation's time zone.
    public static let oncePerDay = ParticipationLimit(maximum: 1, per: .day)
    /// Once per ISO week in the operation's time zone.
    public static let oncePerWeek = ParticipationLimit(maximum: 1, per: .week)

    /// At most `maximum` participations per `period`.
    public static func atMost(_ maximum: Int, per period: Period) -> ParticipationLimit {
        ParticipationLimit(maximum: maximum, per: period)
    }
}

/// What identifies a person for the participation limit (G-4). The value is kept as a
/// keyed hash (see ``IdentityHasher``), so limits work without a second clear copy.
public enum IdentitySource: String, Sendable, Codable, Hashable, CaseIterable {
    /// The normalised e-mail address (the form's e-mail field).
    case email
    /// The normalised phone number (the form's phone field).
    case phone
    /// A key the host gives with each submission (an account id, a loyalty card number).
    case hostKey = "host_key"
}

/// How e-mail addresses are folded before they identify a person (G-4). The address
/// stored with the entry is the one given (trimmed, NFC, lower case); folding only
/// changes the identity used for the limit.
public struct EmailFolding: Sendable, Codable, Hashable {
    /// Drops a sub-address: `jane+promo@example.com` identifies as `jane@example.com`.
    public var subAddresses: Bool
    /// Drops dots in Gmail local parts and maps `googlemail.com` to `gmail.com`:
    /// `j.ane@googlemail.com` identifies as `jane@gmail.com`. Only gmail.com and
    /// googlemail.com, whose dots are not significant; other providers keep them.
    public var gmailDots: Bool

    /// A policy; no folding by default.
    public init(subAddresses: Bool = false, gmailDots: Bool = false) {
        self.subAddresses = subAddresses
        self.gmailDots = gmailDots
    }

    /// Both foldings.
    public static let all = EmailFolding(subAddresses: true, gmailDots: true)
}
