import Foundation
import KimpleCore
import KimpleGames
import Testing

/// Issue 16, item 8 (b): a birth date in year 0001 is not a participant.
@Suite("Intake: plausible birth dates")
struct BirthDateBoundTests {
    // SPEC G-4
    @Test(
        "a birth date giving an age above 120 is refused with its code, and nothing is stored",
        arguments: ["0001-01-01", "1000-06-15", "1905-06-15"])
    func implausible(_ birthDate: String) async throws {
        let h = try await Harness.make()
        let result = try await h.submit(Fixtures.fields(birthDate: birthDate), source: nil)
        #expect(result.rejection?.code == .participationImplausibleAge, "\(birthDate): \(result)")
        #expect(result.rejection?.context["maximumAge"] == "120")
        #expect(result.rejection?.context["field"] == "birth_date")
        #expect(try await h.participations.entryCount(of: Fixtures.operationID) == 0)
    }

    // SPEC G-4
    @Test("120 completed years on the operation's local date is still accepted")
    func boundary() async throws {
        // Fixtures.during is 15 June 2026 in Paris: born 16 June 1905, the person is 120.
        let h = try await Harness.make()
        #expect(try await h.submit(Fixtures.fields(birthDate: "1905-06-16"), source: nil).isAccepted)
        #expect(EntryValidation.maximumAge == 120)
        // Without a minimum age the bound still applies.
        let open = try await Harness.make(operation: Fixtures.operation { $0.minimumAge = nil })
        expectRejected(
            try await open.submit(Fixtures.fields(birthDate: "0001-01-01"), source: nil), .participationImplausibleAge)
    }
}
