import Foundation
import KimpleCore
import KimpleGames
import KimpleTesting
import Testing

/// Whole milliseconds survive a trip through `Date`: the instants the games module hands out
/// (a moment's `at`, a schedule's window) mean the same millisecond when given back.
@Suite("Millisecond round trip")
struct MillisecondRoundTripTests {
    // SPEC G-6
    @Test("every millisecond of a sample spread over 1970-2100 comes back from its Date")
    func roundTrip() {
        var generator = SeededRandom(seed: 0x4D53)
        var failures: [Int64] = []
        // 2 and 2_189_322_953_634 were off by one before: the double product rounds below.
        var samples: [Int64] = [0, 1, 2, -1, 2_189_322_953_634, 1_780_000_000_291]
        for _ in 0..<20_000 { samples.append(Int64(generator.next() % 4_102_444_800_000)) }
        for milliseconds in samples {
            let date = DrawEntry.date(milliseconds: milliseconds)
            if DrawEntry.milliseconds(of: date) != milliseconds { failures.append(milliseconds) }
            // Rounded down: a hair before the instant is the millisecond before.
            #expect(DrawEntry.milliseconds(of: date.addingTimeInterval(-1e-6)) == milliseconds - 1)
        }
        #expect(failures.isEmpty, "\(failures.prefix(5))")
    }

    // SPEC G-6
    @Test("a schedule imported from its own moments' instants is the same schedule")
    func reimport() throws {
        let opens = DrawEntry.date(milliseconds: 2_189_322_953_000)
        let moments = (0..<50).map {
            (at: DrawEntry.date(milliseconds: 2_189_322_953_634 + Int64($0) * 7), prize: "cap")
        }
        let schedule = try InstantWinSchedule.importing(
            operation: "again", opensAt: opens, closesAt: opens.addingTimeInterval(3_600),
            prizes: [InstantWinPrize(code: "cap", quantity: 50)], moments: moments)
        #expect(schedule.moments.first?.atMilliseconds == 2_189_322_953_634)
        let again = try InstantWinSchedule.importing(
            operation: "again", opensAt: schedule.opensAt, closesAt: schedule.closesAt, prizes: schedule.prizes,
            moments: schedule.moments.map { (at: $0.at, prize: $0.prize) })
        #expect(again == schedule)
        #expect(again.commitment == schedule.commitment)
    }
}
