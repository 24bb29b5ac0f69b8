import Foundation
import KimpleCore

/// Shorthands for the calendar and money tests.
enum CalendarFixtures {
    /// `YYYY-MM-DD` as a `CivilDate`.
    static func day(_ text: String) throws -> CivilDate { try CivilDate(text) }

    /// An ISO 8601 instant with its offset (`2026-05-22T17:00:00+02:00`).
    static func at(_ text: String) throws -> Date { try ISO8601.instant(text) }

    /// `HH:mm` as a `LocalTime`.
    static func time(_ hour: Int, _ minute: Int = 0, _ second: Int = 0) throws -> LocalTime {
        try LocalTime(hour: hour, minute: minute, second: second)
    }
}
