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
            let store = try FileParticipationStore.open(tenant: "crash-tenant", at: directory)
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

/// Runs the crash child, reads its acknowledgements, kills it with SIGKILL once it has
/// acknowledged `killAfterAcks` participations, and returns what it acknowledged
/// (entry id -> e-mail).
func runAndKillChild(arguments: [String], killAfterAcks: Int) throws -> [(String, String)] {
    let executable = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        .appendingPathComponent("kimple-crash-child")
    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    let pipe = Pipe()
    process.standardOutput = pipe
    try process.run()
    var acknowledged: [(String, String)] = []
    var buffer = Data()
    let reader = pipe.fileHandleForReading
    func parse(_ line: Substring) {
        let parts = line.split(separator: " ")
        if parts.count == 3, parts[0] == "ack" { acknowledged.append((String(parts[1]), String(parts[2]))) }
    }
    while acknowledged.count < killAfterAcks {
        let chunk = reader.availableData
        if chunk.isEmpty { break }
        buffer.append(chunk)
        while let newline = buffer.firstIndex(of: 0x0A) {
            parse(Substring(String(decoding: buffer[buffer.startIndex..<newline], as: UTF8.self)))
            buffer.removeSubrange(buffer.startIndex...newline)
        }
    }
    kill(process.processIdentifier, SIGKILL)
    process.waitUntilExit()
    // Lines already written to the pipe before the kill were acknowledged too.
    buffer.append(reader.readDataToEndOfFile())
    for line in String(decoding: buffer, as: UTF8.self).split(separator: "\n") { parse(line) }
    return acknowledged
}
