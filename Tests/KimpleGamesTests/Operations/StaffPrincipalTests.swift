import Foundation
import KimpleCore
import KimpleGames
import Testing

/// Issue 16, item 8 (a): `.user` is a contract login everywhere; game operators are `.staff`.
@Suite("Principals of games")
struct StaffPrincipalTests {
    // SPEC K-5
    @Test("a staff member is a host principal, recorded as such in the evidence log")
    func staff() async throws {
        #expect(Principal.staff("alice") == .host("alice"))
        #expect(Principal.staff("alice").description == "host:alice")
        #expect(Principal.staff("alice") != .user("alice"))
        let h = try await Harness.make(operation: nil)
        try await h.service.create(Fixtures.operation(), by: .staff("alice"))
        let entries = try await h.evidence.entries()
        #expect(entries.last?.principal == .staff("alice"))
    }
}
