import Foundation
import KimpleCore
import KimpleGames
import Testing

/// Schedules at the ends of the 64-bit millisecond range: a schedule decoded from outside may
/// hold any instants and margins; deciding, reporting and verifying must stay exact and never
/// trap on overflow.
@Suite("Instant-win range")
struct InstantWinRangeTests {
    private let prizes = [InstantWinPrize(code: "cap", quantity: 2)]

    /// A schedule edited as JSON (what a tampered or hostile file holds).
    private func edited(
        _ schedule: InstantWinSchedule, _ change: (inout [String: Any]) throws -> Void
    ) throws -> InstantWinSchedule {
        var object = try #require(try JSONSerialization.jsonObject(with: JSONCoding.encode(schedule)) as? [String: Any])
        try change(&object)
        return try JSONCoding.decode(InstantWinSchedule.self, from: JSONSerialization.data(withJSONObject: object))
    }

    // SPEC G-6
    @Test("moments just below the last millisecond, with a win window: claims win, the report holds")
    func windowAtTheTop() throws {
        let base = try InstantWinSchedule.importing(
            operation: "top", opensAt: Date(timeIntervalSince1970: 1_780_000_000),
            closesAt: Date(timeIntervalSince1970: 1_780_086_400), prizes: prizes,
            moments: [
                (Date(timeIntervalSince1970: 1_780_000_000), "cap"),
                (Date(timeIntervalSince1970: 1_780_000_001), "cap"),
            ],
            policy: InstantWinPolicy(expiry: .winWindow(seconds: 60)))
        let top = Int64.max - 100
        let schedule = try edited(base) { object in
            object["closesAtMilliseconds"] = Int64.max
            object["moments"] = [
                ["index": 0, "atMilliseconds": top, "prize": "cap"],
                ["index": 1, "atMilliseconds": top + 1, "prize": "cap"],
            ]
        }
        try schedule.validate()
        var book = InstantWinBook(schedule: schedule)
        var claim = InstantWinClaim(operation: "top", personKey: "p", entryID: "e1", at: Date())
        claim.atMilliseconds = Int64.max - 1
        guard case .won(let award) = book.claim(claim) else {
            Issue.record("the claim after the first moment did not win")
            return
        }
        #expect(award.momentIndex == 0)
        let report = InstantWinReport(book: book, at: Date(timeIntervalSince1970: 1_780_000_000))
        #expect(report.awarded == 1)
        #expect(report.pending == 1)
    }

    // SPEC G-6
    @Test("a generated window spanning the whole range gives moments inside it, verifiable")
    func wholeRange() throws {
        let seed = try DrawSeed(bytes: Array(repeating: 3, count: 32))
        for spread in [InstantWinSpread.uniform, .even] {
            let schedule = try InstantWinSchedule.generate(
                operation: "wide", opensAt: Date(timeIntervalSince1970: -1e17),
                closesAt: Date(timeIntervalSince1970: 1e17),
                prizes: prizes, spread: spread, seed: seed)
            #expect(schedule.opensAtMilliseconds == Int64.min)
            #expect(schedule.closesAtMilliseconds == Int64.max)
            try schedule.validate()
            try schedule.verify(seed: seed)
        }
    }

    // SPEC G-6
    @Test("verifying a revealed schedule with impossible margins refuses it instead of trapping")
    func tamperedMargins() throws {
        let seed = try DrawSeed(bytes: Array(repeating: 5, count: 32))
        let schedule = try InstantWinSchedule.generate(
            operation: "margins", opensAt: Date(timeIntervalSince1970: 1_780_000_000),
            closesAt: Date(timeIntervalSince1970: 1_780_086_400), prizes: prizes, seed: seed)
        for margins in [(0, Int64.max), (Int64.max, 0), (-5, 0), (0, 86_400_001)] {
            let tampered = try edited(schedule) { object in
                var origin = try #require(object["origin"] as? [String: Any])
                var generated = try #require(origin["generated"] as? [String: Any])
                generated["marginStartMs"] = margins.0
                generated["marginEndMs"] = margins.1
                origin["generated"] = generated
                object["origin"] = origin
            }
            expectCode(.instantWinSeedMismatch) { try tampered.verify(seed: seed) }
        }
    }
}
