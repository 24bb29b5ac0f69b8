import Foundation
import Kimple
import KimpleCore
import KimpleGames
import KimpleTesting
import Testing

/// Win receipts that a screenshot cannot fake (G-14, Documentation/Games.md "Win receipts").
@Suite("Win receipts")
struct WinReceiptTests {
    /// `brand`'s June instant win with one bike, its moment passed: the first participant wins.
    static func instantWin(in brand: KimpleTenant, clock: ManualClock) async throws -> GameOperation {
        var game = Fixture.operation("instant-2026", tenant: brand.id)
        game.kind = .instantWin
        try await Fixture.launch(game, in: brand)
        let schedule = try InstantWinSchedule.generate(
            operation: game.id, opensAt: game.opensAt, closesAt: game.closesAt,
            prizes: [InstantWinPrize(code: "bike", quantity: 1)], marginAtEnd: 86_400, seed: DrawSeed.random())
        _ = try await brand.instantWins.commit(schedule, by: Fixture.staff)
        clock.set(game.closesAt.addingTimeInterval(-3_600))
        return game
    }

    static func enter(
        _ email: String, _ game: GameOperation, in brand: KimpleTenant
    ) async throws
        -> AcceptedParticipation
    {
        try await brand.intake.submit(Fixture.submission(email, game.id)).get()
    }

    /// Whether `brand` refuses `text` with `receipt.malformed`.
    static func isMalformed(_ text: String, in brand: KimpleTenant) async -> Bool {
        do {
            _ = try await brand.receipts.verify(text)
            return false
        } catch {
            return (error as? KimpleError)?.code == .receiptMalformed
        }
    }

    // SPEC G-14: the winner's receipt verifies as genuine, also as typed from a screenshot (case,
    // spaces, O for 0), and after a restart on the same storage; a loser has none.
    @Test("a winner's receipt verifies, as typed and after a restart", arguments: KimpleTests.Backend.allCases)
    func aWinnersReceiptVerifies(_ backend: KimpleTests.Backend) async throws {
        try await withTemporaryDirectory { root in
            let clock = ManualClock(Fixture.setupAt)
            let opener = KimpleTests.Opener(backend: backend, root: root)
            let kimple = try await opener.open(clock)
            let brand = try await kimple.tenant("brand", identitySecret: try Fixture.secret(), instruction: "summer")
            let game = try await Self.instantWin(in: brand, clock: clock)
            let winner = try await Self.enter("ada@example.com", game, in: brand)
            let loser = try await Self.enter("alan@example.com", game, in: brand)

            let receipt = try #require(try await brand.receipts.receipt(of: winner))
            #expect(try await brand.receipts.receipt(of: loser) == nil)
            #expect(receipt.award.entryID == winner.entry.rawValue && receipt.award.prize == "bike")
            #expect(receipt.code.wholeMatch(of: /KW(-[0-9A-HJKMNP-TV-Z]{4}){4}/) != nil)
            #expect(try await brand.receipts.verify(receipt.code) == .genuine(receipt))
            let typed =
                " "
                + receipt.code.lowercased().replacingOccurrences(of: "-", with: " ")
                .replacingOccurrences(of: "0", with: "o")
            #expect(try await brand.receipts.verify(typed) == .genuine(receipt))
            try await kimple.close()

            let again = try await opener.open(clock)
            let reopened = try await again.tenant("brand", identitySecret: try Fixture.secret(), instruction: "summer")
            #expect(try await reopened.receipts.verify(receipt.code) == .genuine(receipt))
            try await again.close()
        }
    }

    // SPEC G-14: a code made without the tenant's secret, or another tenant's genuine receipt, is
    // "not ours"; every one-character typo is caught by the check character before any lookup.
    @Test func forgedOtherTenantsAndMistypedCodesAreRefused() async throws {
        let clock = ManualClock(Fixture.setupAt)
        let kimple = try await Fixture.open(.inMemory, clock: clock)
        let brand = try await kimple.tenant("brand", identitySecret: try Fixture.secret(), instruction: "summer")
        let other = try await kimple.tenant("other", identitySecret: try Fixture.secret(), instruction: "summer")
        let game = try await Self.instantWin(in: brand, clock: clock)
        clock.set(Fixture.setupAt)
        let otherGame = try await Self.instantWin(in: other, clock: clock)
        let receipt = try #require(
            try await brand.receipts.receipt(of: try await Self.enter("ada@example.com", game, in: brand)))
        let othersReceipt = try #require(
            try await other.receipts.receipt(of: try await Self.enter("ada@example.com", otherGame, in: other)))

        let forger = WinReceipts(
            tenant: "brand", secret: try Fixture.secret("a secret the forger guessed, 32 by"),
            operations: brand.operationStore, ledger: brand.instantWinLedger)
        let forged = forger.receipt(for: receipt.award)
        #expect(forged.code != receipt.code)
        #expect(try await brand.receipts.verify(forged.code) == .notOurs)
        #expect(try await brand.receipts.verify(othersReceipt.code) == .notOurs)
        #expect(try await other.receipts.verify(othersReceipt.code) == .genuine(othersReceipt))

        let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ")
        var characters = Array(receipt.code)
        var typos = 0
        for position in characters.indices where characters[position] != "-" && position >= 3 {
            let original = characters[position]
            for replacement in alphabet where replacement != original {
                characters[position] = replacement
                #expect(await Self.isMalformed(String(characters), in: brand))
                typos += 1
            }
            characters[position] = original
        }
        #expect(typos == 16 * 31)
        for text in ["", "KW-", "hello", receipt.code + "Z", "KW-UUUU-UUUU-UUUU-UUUU"] {
            #expect(await Self.isMalformed(text, in: brand), "\(text) was read as a receipt")
        }
        try await kimple.close()
    }
}
