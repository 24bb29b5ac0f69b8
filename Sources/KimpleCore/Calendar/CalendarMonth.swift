/// A month of the calendar ("mars 2024"), with no time zone: the period of a monthly invoice
/// (SPEC C-3) or of an availability rate (SPEC A-1). ``FrenchCalendar/interval(of:)`` gives its
/// instants in a zone.
public struct CalendarMonth: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The year, 1...9999.
    public let year: Int
    /// The month, 1 (January) ... 12 (December).
    public let month: Int

    /// The month `year-month`; throws `core.invalid_argument` outside years 1...9999 or months 1...12.
    public init(year: Int, month: Int) throws {
        guard (1...9999).contains(year), (1...12).contains(month) else {
            throw KimpleError(
                .invalidArgument, "A calendar month has a year from 1 to 9999 and a month from 1 to 12.",
                context: ["year": String(year), "month": String(month)])
        }
        self.year = year
        self.month = month
    }

    /// The month that contains `date`.
    public init(containing date: CivilDate) {
        self.year = date.year
        self.month = date.month
    }

    /// Parses `YYYY-MM`; throws `core.invalid_argument` otherwise.
    public init(_ text: String) throws {
        let utf8 = Array(text.utf8)
        guard utf8.count == 7, utf8[4] == UInt8(ascii: "-"),
            utf8.indices.allSatisfy({ $0 == 4 || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(utf8[$0]) }),
            let year = Int(text.prefix(4)), let month = Int(text.suffix(2))
        else {
            throw KimpleError(
                .invalidArgument, "Expected a month written YYYY-MM.", context: ["value": String(text.prefix(32))])
        }
        try self.init(year: year, month: month)
    }

    /// The first day of the month.
    public var firstDay: CivilDate { CivilDate(unchecked: year, month, 1) }

    /// The last day of the month (28 to 31).
    public var lastDay: CivilDate { CivilDate(unchecked: year, month, numberOfDays) }

    /// The number of days of the month (28 to 31).
    public var numberOfDays: Int { CivilDate.daysInMonth(year: year, month: month) }

    /// The month `months` later (earlier when negative); throws `core.out_of_range` when it
    /// would leave years 1...9999.
    public func adding(months: Int) throws -> CalendarMonth {
        guard months.magnitude <= 120_000 else {
            throw KimpleError(
                .outOfRange, "The month is outside the years 1 to 9999.", context: ["months": String(months)])
        }
        let moved = firstDay.adding(months: months)
        guard (1...9999).contains(moved.year) else {
            throw KimpleError(
                .outOfRange, "The month is outside the years 1 to 9999.",
                context: ["from": description, "months": String(months)])
        }
        return CalendarMonth(containing: moved)
    }

    /// Whether `date` lies in this month.
    public func contains(_ date: CivilDate) -> Bool { date.year == year && date.month == month }

    /// `YYYY-MM`.
    public var description: String {
        let y = String(year)
        return String(repeating: "0", count: max(0, 4 - y.count)) + y + (month < 10 ? "-0" : "-") + String(month)
    }

    /// Chronological order.
    public static func < (lhs: CalendarMonth, rhs: CalendarMonth) -> Bool {
        (lhs.year, lhs.month) < (rhs.year, rhs.month)
    }

    /// Parses `"YYYY-MM"` (its JSON form); `nil` when it is not a valid month.
    public init?(codableText: String) {
        guard let month = try? CalendarMonth(codableText) else { return nil }
        self = month
    }

    /// `"YYYY-MM"`.
    public var codableText: String { description }
}
