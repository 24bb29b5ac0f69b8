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

/// SplitMix64: a small seeded generator, so that randomised tests replay identically.
struct CoreTestRandom: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
