import Foundation
import KimpleCore
import KimpleGames
import Testing

/// Issue 16, item 2 (further): look-alike addresses are flagged as a fraud signal, not refused.
@Suite("Intake: confusable look-alike addresses")
struct ConfusableAddressTests {
    // SPEC G-15
    @Test("the skeleton maps the shipped look-alikes to their prototypes")
    func skeleton() {
        #expect(ConfusableSkeleton.skeleton("\u{0430}da") == ConfusableSkeleton.skeleton("ada"))  // Cyrillic а
        #expect(
            ConfusableSkeleton.skeleton("\u{0440}\u{0430}\u{0443}\u{0440}\u{0430}l")
                == ConfusableSkeleton.skeleton("paypal"))
        #expect(ConfusableSkeleton.skeleton("rnartin") == ConfusableSkeleton.skeleton("martin"))
        #expect(ConfusableSkeleton.skeleton("bi1l") == ConfusableSkeleton.skeleton("bill"))
        #expect(ConfusableSkeleton.skeleton("b0b") == ConfusableSkeleton.skeleton("bob"))
        #expect(ConfusableSkeleton.skeleton("\u{03BF}\u{03BD}e") == ConfusableSkeleton.skeleton("ove"))  // Greek ο ν
        #expect(ConfusableSkeleton.skeleton("jane") != ConfusableSkeleton.skeleton("june"))
    }

    // SPEC G-15
    @Test("entries whose address looks like an earlier identity's are flagged, and all are kept")
    func flagged() async throws {
        let h = try await Harness.make()
        var ids: [String: EntryID] = [:]
        for email in [
            "ada.twin@example.com", "martin@example.com", "bill@example.com", "jane@example.com",
            "\u{0430}da.twin@example.com", "rnartin@example.com", "bi1l@example.com", "june@example.com",
        ] {
            let result = try await h.submit(Fixtures.fields(email: email), source: nil)
            ids[email] = try #require(result.accepted, "\(email): \(result)").entry
        }
        #expect(try await h.participations.entryCount(of: Fixtures.operationID) == 8)
        let operation = try #require(try await h.operations.operation(Fixtures.operationID)).operation
        let flags = try await ConfusableAddresses.flagged(entriesOf: operation, in: h.participations)
        #expect(
            flags == [
                ConfusableEntry(
                    entry: try #require(ids["\u{0430}da.twin@example.com"]),
                    lookalikeOf: try #require(ids["ada.twin@example.com"])),
                ConfusableEntry(
                    entry: try #require(ids["rnartin@example.com"]),
                    lookalikeOf: try #require(ids["martin@example.com"])),
                ConfusableEntry(
                    entry: try #require(ids["bi1l@example.com"]), lookalikeOf: try #require(ids["bill@example.com"])),
            ])
    }
}
