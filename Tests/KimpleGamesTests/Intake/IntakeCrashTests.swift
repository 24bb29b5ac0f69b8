import Foundation
import KimpleCore
import KimpleGames
import KimpleTesting
import Testing

@Suite("Intake durability")
struct IntakeCrashTests {
    // SPEC G-4, K-7: durability for real, with the intake's process killed mid-write.
    @Test(
        "an intake killed with SIGKILL loses no acknowledged participation",
        arguments: [("everyWrite", 2), ("grouped", 8)])
    func killedIntake(durability: String, writers: Int) async throws {
        try await withTemporaryDirectory { directory in
            let acknowledged = try runAndKillChild(
                arguments: ["intake", directory.path, durability, String(writers)], killAfterAcks: 300)
            #expect(acknowledged.count >= 300)
            let store = try FileParticipationStore.open(tenant: "crash-tenant", at: directory, clock: SystemClock())
            defer { store.close() }
            let entries = try await store.entries(of: "crash-operation")
            let stored = Dictionary(uniqueKeysWithValues: entries.map { ($0.id.rawValue, $0.email) })
            for (id, email) in acknowledged {
                #expect(stored[id] == email, "acknowledged entry \(id) (\(email)) lost")
            }
            #expect(Set(entries.compactMap(\.email)).count == entries.count)
        }
    }
}

/// Runs the crash child and kills it once it acknowledged `killAfterAcks` writes; returns
/// what it acknowledged (key -> value, as the child's mode prints them).
func runAndKillChild(arguments: [String], killAfterAcks: Int) throws -> [(String, String)] {
    try CrashTest.runAndKill(
        CrashTest.executableNextToTests(named: "kimple-crash-child"), arguments: arguments, killAfter: killAfterAcks
    ).map { ($0.key, $0.value) }
}
