import Foundation
import KimpleCore
import KimpleDemo
import KimpleTesting
import Testing

/// Issue 16, item 8 (d): the demo's command line says what it does with its options.
@Suite("Demo command line")
struct DemoCommandLineTests {
    static func manifest(participants: Int) throws -> DemoManifest {
        let json = """
            {"format":1,"participants":\(participants),"finishedAt":"2026-07-01T00:00:00Z","entries":{},
             "awards":0,"certificateSHA256":"","evidenceEntries":0,"evidenceHead":""}
            """
        return try JSONDecoder().decode(DemoManifest.self, from: Data(json.utf8))
    }

    @Test("--participants without --fresh on a stored campaign is refused, not silently ignored")
    func participantsOnStoredCampaign() throws {
        #expect(try DemoCommandLine.explicitParticipants(["--participants", "5000"]) == 5_000)
        #expect(try DemoCommandLine.explicitParticipants(["--participants=2_000", "--fresh"]) == 2_000)
        #expect(try DemoCommandLine.explicitParticipants(["--fresh"]) == nil)
        let stored = DemoCampaign.DirectoryState.completed(try Self.manifest(participants: 100_000))
        let conflict = try #require(DemoCommandLine.conflict(participants: 5_000, fresh: false, state: stored))
        #expect(conflict.message.contains("--fresh") && conflict.message.contains("100000"))
        #expect(DemoCommandLine.conflict(participants: 5_000, fresh: true, state: stored) == nil)
        // The stored campaign's own number is not ignored: the run reopens what was asked.
        #expect(DemoCommandLine.conflict(participants: 100_000, fresh: false, state: stored) == nil)
        #expect(DemoCommandLine.conflict(participants: nil, fresh: false, state: stored) == nil)
        #expect(DemoCommandLine.conflict(participants: 5_000, fresh: false, state: .empty) == nil)
    }

    @Test("--data naming a file gets a typed message, not the file system's error")
    func dataIsAFile() async throws {
        try await withTemporaryDirectory { root in
            let file = root.appendingPathComponent("notes.txt")
            try Data("not a directory".utf8).write(to: file)
            let problem = try #require(DemoCommandLine.directoryProblem(file.path))
            #expect(problem.code == .demoNotADirectory)
            #expect(problem.message.contains("is a file"))
            let through = try #require(DemoCommandLine.directoryProblem(file.appendingPathComponent("data").path))
            #expect(through.code == .demoNotADirectory && through.message.contains("goes through"))
            #expect(DemoCommandLine.directoryProblem(root.path) == nil)
            #expect(DemoCommandLine.directoryProblem(root.appendingPathComponent("new/data").path) == nil)
        }
    }

    @Test("without a terminal, progress prints a line per tenth only; on a terminal it rewrites one line")
    func progressLines() {
        let file = DemoProgressLines(interactive: false)
        var printed: [String] = []
        // Batches of 256 and a few short ones, as the campaign makes them.
        var submitted = 0
        while submitted < 100_000 {
            submitted = min(100_000, submitted + (submitted % 7 == 0 ? 100 : 256))
            if let text = file.text(submitted: submitted, total: 100_000) { printed.append(text) }
        }
        #expect(printed.count == 11)
        #expect(printed.last == "participants: 100000 / 100000 submissions\n")
        #expect(printed.allSatisfy { !$0.hasPrefix("\r") })
        // A small run: still no more than a line per tenth.
        let small = DemoProgressLines(interactive: false)
        let lines = stride(from: 256, through: 1_024, by: 256).compactMap {
            small.text(submitted: min($0, 1_000), total: 1_000)
        }
        #expect(lines.count == 4)
        let terminal = DemoProgressLines(interactive: true)
        #expect(
            terminal.text(submitted: 256, total: 1_000) == "\rparticipants: 256 / 1000 submissions")
        #expect(terminal.text(submitted: 1_000, total: 1_000)?.hasSuffix("\n") == true)
    }
}
