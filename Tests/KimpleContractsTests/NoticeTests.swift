import Foundation
import KimpleContracts
import KimpleCore
import Testing

/// Notices, non-renewal, breach and force majeure as pure rules (C-5, C-6, C-10, C-11).
@Suite("Notices and their delays")
struct NoticeTests {
    let calendarYear: ContractSchedule

    init() throws {
        calendarYear = try ContractSchedule(start: try day("2026-01-01"), periodMonths: 12)
    }

    private func letter(
        _ kind: NoticeKind, from: PartyRole = .client, channel: NoticeChannel = .registeredLetter, sent: String,
        presented: String?, received: String? = nil
    ) throws -> Notice {
        Notice(
            kind: kind, from: from, channel: channel, sentOn: try day(sent),
            firstPresentedOn: try presented.map(day), receivedOn: try received.map(day))
    }

    // SPEC C-5: a letter presented exactly three months before the expiration date of the period stops the
    // renewal. §6.1 counts the notice "avant la date d'expiration de la période contractuelle": the period's
    // last day, 31 December 2026; three months before, on the same day of the month clamped to September's
    // end: 30 September 2026. Presented on 30 September (received on 2 October): in time, the contract ends
    // on 31 December 2026.
    @Test func nonRenewalExactlyThreeMonthsBefore() throws {
        let decision = try NonRenewalRule.evaluate(
            try letter(.nonRenewal, sent: "2026-09-28", presented: "2026-09-30", received: "2026-10-02"),
            schedule: calendarYear)
        #expect(decision.presentedOn == (try day("2026-09-30")))
        #expect(decision.deadline == (try day("2026-09-30")))
        #expect(decision.inTime)
        #expect(decision.lastDay == (try day("2026-12-31")))
    }

    // SPEC C-5: one day late (1 October, three months before the renewal date but not before the expiration
    // date), the letter takes effect at the end of the next period.
    @Test func nonRenewalOneDayLate() throws {
        let decision = try NonRenewalRule.evaluate(
            try letter(.nonRenewal, sent: "2026-09-29", presented: "2026-10-01"), schedule: calendarYear)
        #expect(decision.deadline == (try day("2026-09-30")))
        #expect(!decision.inTime)
        #expect(decision.currentPeriod.index == 0)
        #expect(decision.endingPeriod.index == 1)
        #expect(decision.lastDay == (try day("2027-12-31")))
    }

    // SPEC C-5: the non-renewal deadline is the day of the same number three months before the period's
    // last day, clamped to a shorter month's end; the price-change deadline (§4) stays counted from the
    // renewal date.
    @Test func nonRenewalDeadlineCountedFromTheExpirationDate() throws {
        for (start, lastDay, deadline) in [
            ("2026-01-01", "2026-12-31", "2026-09-30"),  // 31 December → 30 September (clamped)
            ("2026-06-01", "2027-05-31", "2027-02-28"),  // 31 May → 28 February (clamped)
            ("2026-03-01", "2027-02-28", "2026-11-28"),  // 28 February → 28 November (not 1 December)
            ("2026-05-01", "2027-04-30", "2027-01-30"),  // 30 April → 30 January (not 31 January)
            ("2026-07-16", "2027-07-15", "2027-04-15"),  // 15 July → 15 April
        ] {
            let schedule = try ContractSchedule(start: try day(start), periodMonths: 12)
            #expect(schedule.period(0).last == (try day(lastDay)))
            let onDeadline = try NonRenewalRule.evaluate(
                try letter(.nonRenewal, sent: deadline, presented: deadline), schedule: schedule)
            #expect(onDeadline.deadline == (try day(deadline)), "period ending \(lastDay)")
            #expect(onDeadline.inTime, "period ending \(lastDay)")
            let dayAfter = try day(deadline).adding(days: 1).description
            let late = try NonRenewalRule.evaluate(
                try letter(.nonRenewal, sent: deadline, presented: dayAfter), schedule: schedule)
            #expect(!late.inTime, "period ending \(lastDay)")
        }
        // §4's price notice: three months before the renewal date 1 January 2027 is 1 October 2026.
        #expect(NoticePeriod.latestPresentation(months: 3, before: try day("2027-01-01")) == (try day("2026-10-01")))
    }

    // SPEC C-5, C-11: the delay counts from the first presentation, not from the (later) reception.
    @Test func nonRenewalCountsFromFirstPresentation() throws {
        let decision = try NonRenewalRule.evaluate(
            try letter(.nonRenewal, sent: "2026-09-25", presented: "2026-09-28", received: "2026-10-12"),
            schedule: calendarYear)
        #expect(decision.presentedOn == (try day("2026-09-28")))
        #expect(decision.inTime)
        // Only the reception known: the reception counts (later, never against the addressee).
        let receivedOnly = try NonRenewalRule.evaluate(
            try letter(.nonRenewal, sent: "2026-09-25", presented: nil, received: "2026-10-12"), schedule: calendarYear)
        #expect(!receivedOnly.inTime)
    }

    // SPEC C-5: e-mail and phone notices are refused with a clear error; so is a hand delivery.
    @Test func nonRenewalByEmailOrPhoneIsRefused() async throws {
        for channel in [NoticeChannel.email, .phone, .handDelivery] {
            await expectError(.contractNoticeChannelNotAllowed) {
                try NonRenewalRule.evaluate(
                    try letter(.nonRenewal, channel: channel, sent: "2026-06-01", presented: "2026-06-01"),
                    schedule: calendarYear)
            }
        }
        await expectError(.contractNoticeInvalid) {
            try NonRenewalRule.evaluate(
                try letter(.nonRenewal, sent: "2026-06-01", presented: nil), schedule: calendarYear)
        }
    }

    // SPEC C-5: the deadline is counted backwards from a fixed date, month ends clamped, no weekend extension.
    @Test func noticeDeadlinesCountedBackwards() throws {
        // A period from 31 January 2026 expires on 30 January 2027: deadline 30 October 2026.
        let fromJanuary31 = try ContractSchedule(start: try day("2026-01-31"), periodMonths: 12)
        let decision = try NonRenewalRule.evaluate(
            try letter(.nonRenewal, sent: "2026-10-29", presented: "2026-10-30"), schedule: fromJanuary31)
        #expect(decision.deadline == (try day("2026-10-30")))
        #expect(decision.inTime)
        // Renewal on 31 May: three months before is 28 February (no 31 February), in 2027 a Sunday: not moved.
        #expect(NoticePeriod.latestPresentation(months: 3, before: try day("2027-05-31")) == (try day("2027-02-28")))
        #expect(try day("2027-02-28").weekday == .sunday)
    }

    // SPEC C-6: 30 working days (jours ouvrables) from the first presentation, across May's public holidays.
    @Test func cureSpanningMayHolidays() async throws {
        // Presented Thursday 30 April 2026. Working days are Monday–Saturday minus public holidays; in May 2026
        // Friday 1 May, Friday 8 May, Thursday 14 May (Ascension) and Monday 25 May (Whit Monday) do not count:
        //  1 Sat 2 | 2–7 Mon 4 .. Thu 7 | 6 Sat 9 | 7–9 Mon 11 .. Wed 13 | 10–11 Fri 15, Sat 16 |
        //  12–17 Mon 18 .. Sat 23 | 18–22 Tue 26 .. Sat 30 | 23–28 Mon 1 .. Sat 6 June | 29–30 Mon 8, Tue 9 June.
        // Cure period ends on Tuesday 9 June 2026 (without the holidays it would be Thursday 4 June).
        let notice = try letter(.breach, from: .provider, sent: "2026-04-28", presented: "2026-04-30")
        var breach = try BreachCure.open(notice: notice, description: "Invoices F-000003 and F-000004 unpaid")
        #expect(breach.cureDeadline == (try day("2026-06-09")))
        #expect(breach.defaultingParty == .client)
        #expect(FrenchCalendar.paris.workingDays(after: try day("2026-04-30"), through: breach.cureDeadline) == 30)
        await expectError(.contractTerminationNotAllowed) { try breach.checkTermination(on: try day("2026-06-09")) }
        try breach.checkTermination(on: try day("2026-06-10"))
        breach.curedOn = try day("2026-06-09")
        await expectError(.contractTerminationNotAllowed) { try breach.checkTermination(on: try day("2026-06-20")) }
        breach.curedOn = try day("2026-06-10")  // too late: the right to terminate stays
        try breach.checkTermination(on: try day("2026-06-20"))
    }

    // SPEC C-6: the notice of breach is a registered letter.
    @Test func breachNoticeMustBeARegisteredLetter() async throws {
        await expectError(.contractNoticeChannelNotAllowed) {
            try BreachCure.open(
                notice: try letter(.breach, channel: .email, sent: "2026-04-28", presented: "2026-04-28"),
                description: "x")
        }
    }

    // SPEC C-10: termination once the force majeure has lasted more than one month, while it goes on.
    @Test func forceMajeureTermination() async throws {
        var event = try ForceMajeureEvent(
            declaredBy: .provider, description: "Hosting region flooded", startedOn: try day("2026-03-10"),
            declaredAt: try noon("2026-03-10"))
        // One month from 10 March ends on 10 April; more than one month from 11 April.
        #expect(event.terminationOpensOn == (try day("2026-04-11")))
        await expectError(.contractTerminationNotAllowed) { try event.checkTermination(on: try day("2026-04-10")) }
        try event.checkTermination(on: try day("2026-04-11"))
        event.endedOn = try day("2026-05-01")
        try event.checkTermination(on: try day("2026-04-20"))
        await expectError(.contractTerminationNotAllowed) { try event.checkTermination(on: try day("2026-05-02")) }
        #expect(event.isOngoing(on: try day("2026-05-01")))
        #expect(!event.isOngoing(on: try day("2026-05-02")))
        await expectError(.contractForceMajeureInvalid) {
            try ForceMajeureEvent(
                declaredBy: .client, description: "x", startedOn: try day("2026-03-10"), endedOn: try day("2026-03-09"),
                declaredAt: try noon("2026-03-10"))
        }
    }

    // SPEC C-11: delays run from the first presentation; e-mail and phone are not notifications; dates in order.
    @Test func noticeDelayStart() async throws {
        #expect(
            try letter(.other, sent: "2026-01-02", presented: "2026-01-05", received: "2026-01-09").delayStart()
                == (try day("2026-01-05")))
        #expect(
            try letter(.other, channel: .handDelivery, sent: "2026-01-05", presented: "2026-01-05").delayStart()
                == (try day("2026-01-05")))
        await expectError(.contractNoticeChannelNotAllowed) {
            try letter(.other, channel: .email, sent: "2026-01-02", presented: "2026-01-02").delayStart()
        }
        await expectError(.contractNoticeInvalid) {
            try letter(.other, sent: "2026-01-05", presented: "2026-01-04").validate()
        }
        await expectError(.contractNoticeInvalid) {
            try letter(.other, sent: "2026-01-02", presented: "2026-01-05", received: "2026-01-04").validate()
        }
    }

    // SPEC C-9: the claim window is twelve months from the breach.
    @Test func claimWindow() throws {
        #expect(
            ClaimWindow.evaluate(breachOccurredOn: try day("2025-03-15"), claimMadeOn: try day("2026-03-15")).admissible
        )
        let late = ClaimWindow.evaluate(breachOccurredOn: try day("2025-03-15"), claimMadeOn: try day("2026-03-16"))
        #expect(!late.admissible)
        #expect(late.deadline == (try day("2026-03-15")))
        #expect(
            ClaimWindow.evaluate(breachOccurredOn: try day("2024-02-29"), claimMadeOn: try day("2025-03-01")).deadline
                == (try day("2025-02-28")))
    }

    // SPEC C-9: the cap is what was received in the twelve months before the last damaging event.
    @Test func liabilityCap() throws {
        let receipts = [
            Receipt(
                invoice: InvoiceNumber(sequence: 1, prefix: "F-"), receivedOn: try day("2025-03-14"),
                amount: try eur("1200.00")),
            Receipt(
                invoice: InvoiceNumber(sequence: 2, prefix: "F-"), receivedOn: try day("2025-03-15"),
                amount: try eur("1200.00")),
            Receipt(
                invoice: InvoiceNumber(sequence: 3, prefix: "F-"), receivedOn: try day("2025-09-01"),
                amount: try eur("600.00")),
            Receipt(
                invoice: InvoiceNumber(sequence: 3, prefix: "F-"), receivedOn: try day("2025-09-20"),
                amount: try eur("47.75")),
            Receipt(
                invoice: InvoiceNumber(sequence: 4, prefix: "F-"), receivedOn: try day("2026-03-14"),
                amount: try eur("1200.00")),
            Receipt(
                invoice: InvoiceNumber(sequence: 5, prefix: "F-"), receivedOn: try day("2026-03-15"),
                amount: try eur("1200.00")),
        ]
        // Event on 15 March 2026: window 15 March 2025 .. 14 March 2026: 1,200 + 600 + 47.75 + 1,200 = 3,047.75.
        let cap = try LiabilityCap.compute(receipts: receipts, lastDamagingEvent: try day("2026-03-15"))
        #expect(cap.windowFrom == (try day("2025-03-15")))
        #expect(cap.windowThrough == (try day("2026-03-14")))
        #expect(cap.receipts.count == 4)
        #expect(cap.cap == (try eur("3047.75")))
    }
}
