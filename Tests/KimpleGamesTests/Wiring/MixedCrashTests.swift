import Foundation
import KimpleCore
import KimpleGames
import KimpleTesting
import Testing

@Suite("Wiring: mixed intake killed again and again")
struct MixedCrashTests {
    static let instantWin: OperationID = "crash-instant-win"
    static let draw: OperationID = "crash-draw"
    /// The stock the child's `mixed` mode makes of `units` (see `MixedCrash.prizes`).
    static func stock(units: Int) -> [String: Int] {
        let gift = max(1, units * 2 / 5)
        return ["gift": gift, "voucher": max(1, units - gift)]
    }

    // SPEC G-4, G-6, K-5, K-7: a process running intake on an instant-win operation and a
    // random-draw operation at once, on one file storage, is killed with SIGKILL at random
    // points (also before its first acknowledgement), then restarted on the same storage,
    // round after round. After every kill: every acknowledged participation is there, in its
    // operation; no prize unit is awarded twice or beyond its stock; every award announced to
    // a participant is in the ledger and in the evidence log; the evidence log verifies.
    // `KIMPLE_CRASH_ROUNDS=1000` runs a longer series: a series of stores of at most
    // `KIMPLE_CRASH_SEGMENT` (100) kills each, so that its cost grows linearly with its length —
    // the schedule the child decodes at each restart and the checks after each kill stay the size
    // of one store's history.
    @Test("intake on two operations killed with SIGKILL again and again loses nothing and awards no unit twice")
    func killedAgainAndAgain() async throws {
        let environment = ProcessInfo.processInfo.environment
        let rounds = environment["KIMPLE_CRASH_ROUNDS"].flatMap(Int.init) ?? 6
        let segment = max(1, environment["KIMPLE_CRASH_SEGMENT"].flatMap(Int.init) ?? 100)
        let long = environment["KIMPLE_CRASH_ROUNDS"] != nil
        var random = SeededRandom(seed: 0x4D49_5845_44)
        var totals = (participations: 0, announced: 0, units: 0, beforeFirstAck: 0, lost: 0, duplicates: 0)
        let started = Date()
        for first in stride(from: 0, to: rounds, by: segment) {
            let count = min(segment, rounds - first)
            // About 30 instant wins a round: the stock runs out a bit more than halfway, so that
            // rounds both award and refuse for want of stock.
            let units = max(100, count * 20)
            try await withTemporaryDirectory { root in
                var acknowledged: [(entry: String, value: String)] = []
                for local in 0..<count {
                    let round = first + local
                    let (durability, writers) = round % 2 == 0 ? ("grouped", 8) : ("everyWrite", 2)
                    // A store's first round, and about one round in eight, is killed before its first
                    // acknowledgement.
                    let killAfter = local == 0 || random.next() % 8 == 0 ? 0 : Int(random.next() % 150) + 1
                    let acks = try CrashTest.runAndKill(
                        CrashTest.executableNextToTests(named: "kimple-crash-child"),
                        arguments: ["mixed", root.path, durability, String(writers), String(units)],
                        killAfter: killAfter)
                    if acks.isEmpty { totals.beforeFirstAck += 1 }
                    acknowledged += acks.map { ($0.key, $0.value) }
                    let found = try await check(
                        root, acknowledged: acknowledged, stock: Self.stock(units: units), round: round)
                    totals.lost += found.lost
                    totals.duplicates += found.duplicates
                }
                totals.participations += acknowledged.count
                totals.announced += acknowledged.filter { $0.value.hasPrefix("iw:") && $0.value != "iw:-" }.count
                totals.units += units
            }
            if long {
                print(
                    "mixed crash: \(first + count) of \(rounds) kills, \(totals.participations) participations and "
                        + "\(totals.announced) awards acknowledged, \(totals.lost) lost, \(totals.duplicates) duplicates, "
                        + "\(Int(Date().timeIntervalSince(started))) s")
            }
        }
        if long {
            print(
                "mixed crash: \(rounds) kills survived (\(totals.beforeFirstAck) before the first ack) on "
                    + "\((rounds + segment - 1) / segment) stores of up to \(segment) kills, \(totals.participations) "
                    + "participations acknowledged, \(totals.announced) awards announced of \(totals.units) units, "
                    + "\(totals.lost) lost, \(totals.duplicates) duplicates, \(Int(Date().timeIntervalSince(started))) s"
            )
        }
    }

    /// Reopens the storage after a kill and checks everything acknowledged so far.
    private func check(
        _ root: URL, acknowledged: [(entry: String, value: String)], stock: [String: Int], round: Int
    ) async throws -> (lost: Int, duplicates: Int) {
        let tenant: TenantID = "crash-tenant"
        let storage = try FileStorage(root: root)
        let store = try FileParticipationStore.open(in: storage, tenant: tenant, clock: SystemClock())
        var operationOf: [String: String] = [:]
        var emails: [String] = []
        for (operation, tag) in [(Self.instantWin, "iw"), (Self.draw, "draw")] {
            for entry in try await store.entries(of: operation) {
                operationOf[entry.id.rawValue] = tag
                emails.append(entry.email ?? "")
            }
        }
        #expect(Set(emails).count == emails.count, "round \(round): a participation is stored twice")
        var duplicates = emails.count - Set(emails).count
        var lost: [String] = []
        for (entry, value) in acknowledged where operationOf[entry] != value.prefix(while: { $0 != ":" }).description {
            lost.append(entry)
        }
        #expect(lost.isEmpty, "round \(round): acknowledged participations lost: \(lost.prefix(10))")

        let ledger = try FileInstantWinLedger.open(storage, tenant: tenant)
        let awards: [InstantWinAward]
        do {
            awards = try await ledger.awards(for: Self.instantWin)
        } catch let error as KimpleError where error.code == .instantWinNotInstalled {
            // Killed before the schedule was ever committed: nothing can have been awarded.
            #expect(acknowledged.isEmpty, "round \(round): participations acknowledged without a schedule")
            storage.close()
            return (lost.count, duplicates)
        }
        var awardedByPrize: [String: Int] = [:]
        for award in awards { awardedByPrize[award.prize, default: 0] += 1 }
        for (prize, count) in awardedByPrize {
            #expect(count <= stock[prize] ?? 0, "round \(round): \(count) units of \(prize) awarded")
            duplicates += max(0, count - (stock[prize] ?? 0))
        }
        let awardOf = Dictionary(
            uniqueKeysWithValues: awards.map { ($0.entryID, "iw:\(Self.instantWin)/\($0.momentIndex)") })
        let announced = acknowledged.filter { $0.value.hasPrefix("iw:") && $0.value != "iw:-" }
        var lostAwards = 0
        for (entry, value) in announced where awardOf[entry] != value {
            Issue.record("round \(round): announced award \(value) of \(entry) lost")
            lostAwards += 1
        }
        for award in awards {
            #expect(operationOf[award.entryID] == "iw", "round \(round): award for unknown entry \(award.entryID)")
        }

        let evidence = try await EvidenceLog.open(storage.tenant(tenant), clock: SystemClock())
        let verification = try await evidence.verify()
        #expect(verification.problem == nil, "round \(round): \(String(describing: verification.problem))")
        let entries = try await evidence.entries()
        // At most one commitment: a kill between installing the schedule and recording it can
        // leave none, until the next run's commit records it; never two.
        let commits = entries.filter { $0.action == "games.instant_win.commit" }.count
        #expect(commits <= 1, "round \(round): the commitment was recorded \(commits) times")
        // A participation acknowledged means a run got past its commit: then it is recorded.
        if !acknowledged.isEmpty { #expect(commits == 1, "round \(round): the commitment is not in the evidence log") }
        let subjects = Set(entries.filter { $0.action == "host.instant_win.announce" }.map(\.subject))
        for (_, value) in announced {
            #expect(subjects.contains("award:" + value.dropFirst(3)), "round \(round): no evidence of \(value)")
        }
        storage.close()

        // The ledger's journal itself: one record per awarded moment, one award per entry.
        let records = try await awardRecords(in: root.appendingPathComponent("tenants/crash-tenant/logs/instant-win"))
        #expect(Set(records.map(\.momentIndex)).count == records.count, "round \(round): a moment awarded twice")
        #expect(Set(records.map(\.entryID)).count == records.count, "round \(round): an entry won twice")
        #expect(records.count == awards.count)
        duplicates += records.count - Set(records.map(\.momentIndex)).count
        duplicates += records.count - Set(records.map(\.entryID)).count
        return (lost.count + lostAwards, duplicates)
    }
}
