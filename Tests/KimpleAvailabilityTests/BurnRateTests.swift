import Foundation
import KimpleAvailability
import KimpleCore
import Testing

private let at = Fixtures.at

@Suite("Burn-rate alerting")
struct BurnRateTests {
    func status(_ outages: [Outage], _ now: String, maintenance: [MaintenanceWindow] = []) throws -> BurnRateStatus {
        BurnRateAlerting.evaluate(outages: outages, maintenance: maintenance, at: try at(now))
    }

    func firing(_ status: BurnRateStatus) -> [String] { status.firing.map(\.rule.name) }

    // SPEC A-1: on a synthetic 3-minute total outage from 10:00, the 1 h/5 min rule (14.4×) fires
    // once 14.4 × 0.1 % of an hour (51.84 s) is down, and stops when its 5-minute window holds
    // less than 14.4 × 0.1 % × 300 s = 4.32 s of the outage (10:07:56); the 6 h/30 min rule (6×)
    // needs 6 × 0.1 % × 360 min = 2.16 minutes and stops when its 30-minute window holds less
    // than 10.8 s (10:32:50); the 1 d/2 h rule (3×) needs 4.32 minutes and never fires.
    @Test func alertsFireAndStopOnTime() throws {
        let ongoing = try Fixtures.outage("o", "2026-06-10T10:00:00+02:00", nil)
        #expect(firing(try status([ongoing], "2026-06-10T10:00:51+02:00")).isEmpty)
        let page = try status([ongoing], "2026-06-10T10:00:52+02:00")
        #expect(firing(page) == ["1h/5m 14.4x"])
        #expect(page.shouldPage)
        #expect(firing(try status([ongoing], "2026-06-10T10:02:09+02:00")) == ["1h/5m 14.4x"])
        #expect(firing(try status([ongoing], "2026-06-10T10:02:10+02:00")) == ["1h/5m 14.4x", "6h/30m 6x"])

        let ended = try Fixtures.outage("o", "2026-06-10T10:00:00+02:00", "2026-06-10T10:03:00+02:00")
        #expect(firing(try status([ended], "2026-06-10T10:07:55+02:00")) == ["1h/5m 14.4x", "6h/30m 6x"])
        #expect(firing(try status([ended], "2026-06-10T10:07:56+02:00")) == ["6h/30m 6x"])
        #expect(firing(try status([ended], "2026-06-10T10:32:49+02:00")) == ["6h/30m 6x"])
        #expect(firing(try status([ended], "2026-06-10T10:32:50+02:00")).isEmpty)

        let evaluation = try #require(try status([ended], "2026-06-10T10:05:00+02:00").evaluations.first)
        #expect(evaluation.longUnavailableSeconds == 180)
        #expect(evaluation.longBurnRate == 50)  // 3 / 60 / 0.001
        #expect(evaluation.shortBurnRate == 600)  // 3 / 5 / 0.001
    }

    // SPEC A-1: a slow burn, one bad minute in every hour (a burn rate of 1/60 / 0.1 % = 16.7×
    // over any window of hours), fires the 6 h/30 min page and both tickets, but not the 1 h/5 min
    // page once the last bad minute has left the 5-minute window. 30 bad minutes use 30 / 43.2 =
    // 69.44 % of June's budget.
    @Test func slowBurnOpensTickets() throws {
        var outages: [Outage] = []
        let start = try at("2026-06-10T00:00:00+02:00")
        for hour in 0..<30 {
            let t = start.addingTimeInterval(Double(hour) * 3600 + 1800)
            outages.append(try Outage(id: OutageID("h\(hour)"), start: t, end: t.addingTimeInterval(60)))
        }
        let result = try status(outages, "2026-06-11T05:45:00+02:00")
        #expect(firing(result) == ["6h/30m 6x", "1d/2h 3x", "3d/6h 1x"])
        #expect(result.month.unavailableMinutes == 30)
        #expect(AvailabilityFormat.truncated(result.budgetConsumedPercent, places: 4) == "69.4444")
    }

    // SPEC A-1: maintenance is not counted in the windows.
    @Test func maintenanceIsExcludedFromWindows() throws {
        let outage = try Fixtures.outage("o", "2026-06-10T10:00:00+02:00", "2026-06-10T10:30:00+02:00")
        let window = try Fixtures.maintenance("m", .emergency, "2026-06-10T09:00:00+02:00", "2026-06-10T11:00:00+02:00")
        #expect(firing(try status([outage], "2026-06-10T10:31:00+02:00", maintenance: [window])).isEmpty)
    }
}
