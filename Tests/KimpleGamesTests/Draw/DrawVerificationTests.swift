import Foundation
import KimpleCore
import KimpleGames
import KimpleTesting
import Testing

@Suite("Draw verification")
struct DrawVerificationTests {
    private static let rules = DrawRules(winners: 2, reserves: 3)

    /// A drawn certificate of 500 entries with one winner disqualified, and its entry list.
    private func drawn() throws -> (DrawCertificate, FrozenEntryList) {
        let list = try FrozenEntryList(ResultsFixtures.entries(500, persons: 450))
        let seed = ResultsFixtures.seed(7)
        let outcome = try RandomDraw.run(list, seed: seed, rules: Self.rules)
        let certificate = DrawCertificate(
            operation: ResultsFixtures.operation, rulesDocumentSHA256: SHA256.hash("règlement"),
            commitment: seed.commitment, committedAt: ResultsFixtures.opening, closesAt: ResultsFixtures.opening,
            seed: seed,
            entryList: DrawEntryListSummary(sha256: list.sha256, count: list.count, frozenAt: ResultsFixtures.opening),
            algorithm: RandomDraw.algorithm, method: outcome.method, streamKey: outcome.streamKey, rules: Self.rules,
            drawnAt: ResultsFixtures.opening, drawnBy: ResultsFixtures.organizer, winners: outcome.winners,
            reserves: outcome.reserves, replacements: [])
        let replaced = try certificate.disqualifying(
            outcome.winners[0].entryID, reason: "ineligible: employee of the brand", at: ResultsFixtures.opening,
            by: ResultsFixtures.organizer
        ).certificate
        return (replaced, list)
    }

    private func expectCode(_ code: KimpleError.Code, _ body: () throws -> Void) {
        do {
            try body()
            Issue.record("expected \(code), got no error")
        } catch let error as KimpleError {
            #expect(error.code == code, "\(error)")
        } catch {
            Issue.record("expected \(code), got \(error)")
        }
    }

    // SPEC G-7
    @Test("a published certificate and entry list verify, through JSON and the canonical file")
    func publishedDrawVerifies() throws {
        let (certificate, list) = try drawn()
        let published = try DrawCertificate.decode(json: try certificate.jsonData())
        let read = try FrozenEntryList(canonicalForm: list.canonicalBytes)
        #expect(read.sha256 == list.sha256 && read.entries == list.entries)
        // Computed outside the SDK (Python's hashlib over the canonical form of DrawAlgorithm.md
        // section 1: the header line, then "e<i>\tp<i % 450>\t1\t<ms>\n" for the 500 entries).
        #expect(read.sha256.hex == "6f58ba76a55086c8f1ddc0dec7db0bdf0265b4df2239bb9aa35fa20ca8ffe763")
        try published.verify(entries: read)
        #expect(published.standingWinners.first??.entryID == certificate.reserves[0].entryID)
    }

    // SPEC G-7
    @Test("another winner, another list, another seed or a replacement out of turn is refused")
    func tamperingIsRefused() throws {
        let (certificate, list) = try drawn()
        var winner = certificate
        winner.winners[1] = DrawPick(index: 499, entryID: "e499", personKey: "p49")
        expectCode(.drawCertificateMismatch) { try winner.verify(entries: list) }

        var replacement = certificate
        replacement.replacements[0].replacement = certificate.reserves[1]
        expectCode(.drawCertificateMismatch) { try replacement.verify(entries: list) }

        var seed = certificate
        seed.seed = ResultsFixtures.seed(8)
        expectCode(.drawSeedMismatch) { try seed.verify(entries: list) }

        let shorter = try FrozenEntryList(Array(list.entries.dropLast()))
        expectCode(.drawEntryListMismatch) { try certificate.verify(entries: shorter) }
    }

    @Test("a file that is not a canonical entry list is refused with its line")
    func malformedListsAreRefused() throws {
        let good = try FrozenEntryList(ResultsFixtures.entries(3)).canonicalBytes
        let text = String(decoding: good, as: UTF8.self)
        let cases: [(String, String)] = [
            (String(text.dropLast()), "no final line feed"),
            ("kimple-draw-entries/2\n", "another header"),
            (text.replacingOccurrences(of: "\t1\t", with: "\t01\t"), "leading zero"),
            (text.replacingOccurrences(of: "\t1\t", with: "\t0\t"), "zero weight"),
            (text + "e0\tp0\t1\t1780272000000\n", "out of order"),
            (text.replacingOccurrences(of: "e1\t", with: "e1 x\t"), "space in an id"),
        ]
        for (bytes, label) in cases {
            do {
                _ = try FrozenEntryList(canonicalForm: Array(bytes.utf8))
                Issue.record("accepted: \(label)")
            } catch let error as KimpleError {
                #expect(error.code == .drawInvalidEntry, "\(label): \(error)")
            }
        }
        #expect(try FrozenEntryList(canonicalForm: Array("kimple-draw-entries/1\n".utf8)).count == 0)
    }
}
