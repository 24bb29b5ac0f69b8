/// A date on the proleptic Gregorian calendar, with no time and no time zone: the
/// "day" of legal texts ("le 31 janvier 2026").
///
/// Arithmetic is exact integer arithmetic on days since 1970-01-01 (no Foundation
/// calendar involved), valid for years 1 to 9999.
public struct CivilDate: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The year, 1 to 9999.
    public let year: Int
    /// The month, 1 (January) to 12.
    public let month: Int
    /// The day of the month, 1 to 28, 29, 30 or 31.
    public let day: Int

    /// The date `year-month-day`; throws `core.invalid_argument` when it does not exist
    /// (30 February, month 13, year outside 1...9999).
    public init(year: Int, month: Int, day: Int) throws {
        guard (1...9999).contains(year), (1...12).contains(month),
            (1...CivilDate.daysInMonth(year: year, month: month)).contains(day)
        else {
            throw KimpleError(
                .invalidArgument, "This calendar date does not exist.",
                context: ["year": String(year), "month": String(month), "day": String(day)])
        }
        self.year = year
        self.month = month
        self.day = day
    }

    /// The date `daysSinceEpoch` days after 1970-01-01 (negative: before).
    public init(daysSinceEpoch: Int64) {
        // Howard Hinnant's civil_from_days.
        let z = daysSinceEpoch + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        let y = yoe + era * 400 + (m <= 2 ? 1 : 0)
        self.year = Int(y)
        self.month = Int(m)
        self.day = Int(d)
    }

    /// Parses `YYYY-MM-DD`; throws `core.invalid_argument` otherwise.
    public init(_ text: String) throws {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        // `Int(_:)` alone would accept a sign ("2026-+1-01"): every character must be a digit.
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
            parts.allSatisfy({ $0.utf8.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") } }),
            let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2])
        else {
            throw KimpleError(
                .invalidArgument, "Expected a date written YYYY-MM-DD.", context: ["value": String(text.prefix(32))])
        }
        try self.init(year: y, month: m, day: d)
    }

    /// Days since 1970-01-01 (negative before).
    public var daysSinceEpoch: Int64 {
        // Howard Hinnant's days_from_civil.
        let y = Int64(month <= 2 ? year - 1 : year)
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let m = Int64(month)
        let doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + Int64(day) - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// The day of the week.
    public var weekday: Weekday {
        // 1970-01-01 was a Thursday.
        let index = ((daysSinceEpoch % 7) + 7 + 3) % 7  // 0 = Monday
        return Weekday(rawValue: Int(index) + 1) ?? .monday
    }

    /// The date `days` calendar days later (earlier when negative).
    public func adding(days: Int) -> CivilDate {
        CivilDate(daysSinceEpoch: daysSinceEpoch + Int64(days))
    }

    /// The date `months` calendar months later (earlier when negative), clamped to the
    /// last day of the target month: 31 January + 1 month = 28 or 29 February.
    public func adding(months: Int) -> CivilDate {
        let index = year * 12 + (month - 1) + months
        let y = index >= 0 ? index / 12 : (index - 11) / 12
        let m = index - y * 12 + 1
        let d = min(day, CivilDate.daysInMonth(year: y, month: m))
        return CivilDate(unchecked: y, m, d)
    }

    /// Calendar days from `self` to `other` (positive when `other` is later).
    public func days(to other: CivilDate) -> Int {
        Int(other.daysSinceEpoch - daysSinceEpoch)
    }

    /// The first day of this date's month.
    public var firstOfMonth: CivilDate { CivilDate(unchecked: year, month, 1) }

    /// Whether `year` is a leap year of the Gregorian calendar.
    public static func isLeapYear(_ year: Int) -> Bool {
        (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
    }

    /// The number of days of `month` in `year`.
    public static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: return isLeapYear(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    package init(unchecked year: Int, _ month: Int, _ day: Int) {
        self.year = year
        self.month = month
        self.day = day
    }

    /// `YYYY-MM-DD`.
    public var description: String {
        func pad(_ v: Int, _ w: Int) -> String {
            let s = String(v)
            return String(repeating: "0", count: max(0, w - s.count)) + s
        }
        return pad(year, 4) + "-" + pad(month, 2) + "-" + pad(day, 2)
    }

    /// Chronological order.
    public static func < (lhs: CivilDate, rhs: CivilDate) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }

    /// Parses `"YYYY-MM-DD"` (its JSON form); `nil` when it is not a date that exists.
    public init?(codableText: String) {
        guard let date = try? CivilDate(codableText) else { return nil }
        self = date
    }

    /// `"YYYY-MM-DD"`, its JSON form.
    public var codableText: String { description }
}

/// A day of the week, ISO 8601 numbering (Monday = 1 ... Sunday = 7).
public enum Weekday: Int, Sendable, Codable, CaseIterable {
    /// The days, Monday = 1 to Sunday = 7 (ISO 8601), the raw values stored and compared.
    case monday = 1, tuesday, wednesday, thursday, friday, saturday, sunday
}

/// A time of day on a wall clock (hours 0-23, minutes, seconds), with no date and no zone.
public struct LocalTime: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    /// The hour, 0 to 23.
    public let hour: Int
    /// The minute, 0 to 59.
    public let minute: Int
    /// The second, 0 to 59 (no leap second).
    public let second: Int

    /// Throws `core.invalid_argument` outside 00:00:00 ... 23:59:59.
    public init(hour: Int, minute: Int = 0, second: Int = 0) throws {
        guard (0...23).contains(hour), (0...59).contains(minute), (0...59).contains(second) else {
            throw KimpleError(
                .invalidArgument, "A time of day is between 00:00:00 and 23:59:59.",
                context: ["hour": String(hour), "minute": String(minute), "second": String(second)])
        }
        self.hour = hour
        self.minute = minute
        self.second = second
    }

    package init(unchecked hour: Int, _ minute: Int, _ second: Int = 0) {
        self.hour = hour
        self.minute = minute
        self.second = second
    }

    /// Midnight, 00:00:00.
    public static let midnight = LocalTime(unchecked: 0, 0, 0)

    /// Seconds since midnight.
    public var secondOfDay: Int { hour * 3600 + minute * 60 + second }

    /// Earlier in the day first.
    public static func < (lhs: LocalTime, rhs: LocalTime) -> Bool { lhs.secondOfDay < rhs.secondOfDay }

    /// `HH:mm` or `HH:mm:ss` when seconds are not zero.
    public var description: String {
        func pad(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
        return second == 0 ? "\(pad(hour)):\(pad(minute))" : "\(pad(hour)):\(pad(minute)):\(pad(second))"
    }

    private enum CodingKeys: String, CodingKey { case hour, minute, second }

    /// Decodes `{"hour":9,"minute":0,"second":0}` and validates it like ``init(hour:minute:second:)``
    /// (the synthesised decoder would have accepted 25:61); throws `DecodingError.dataCorrupted` otherwise.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let hour = try container.decode(Int.self, forKey: .hour)
        let minute = try container.decode(Int.self, forKey: .minute)
        let second = try container.decode(Int.self, forKey: .second)
        do {
            try self.init(hour: hour, minute: minute, second: second)
        } catch {
            throw DecodingError.dataCorruptedError(
                forKey: .hour, in: container, debugDescription: "Invalid time of day \(hour):\(minute):\(second)")
        }
    }
}
