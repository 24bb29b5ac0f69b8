// The Kimple SDK load bench. Run it in release mode:
//
//     swift run -c release kimple-bench            every suite
//     swift run -c release kimple-bench journal    one suite (journal, intake, games, contracts, privacy, availability)
//     swift run -c release kimple-bench soak --minutes 10
//                                                   the soak: a mixed workload with restarts, checking invariants
//
// It prints figures; it asserts nothing. Documentation/Performance.md keeps the figures
// of the reference machine and the command that produced them.
import Foundation

let suites: [(name: String, run: () async throws -> Void)] = [
    ("journal", runJournalBenchmarks),
    ("intake", runIntakeBenchmarks),
    ("games", runGamesBenchmarks),
    ("contracts", runContractsBenchmarks),
    ("privacy", runPrivacyBenchmarks),
    ("availability", runAvailabilityBenchmarks),
]

if CommandLine.arguments.dropFirst().first == "soak" {
    Bench.printEnvironment()
    do {
        try await Soak.run(arguments: Array(CommandLine.arguments.dropFirst(2)))
    } catch let error as Soak.SoakError {
        print(error)
        if case .usage = error { exit(2) }
        exit(1)
    } catch {
        print("soak stopped: \(error)")
        exit(1)
    }
    exit(0)
}

let requested = Set(CommandLine.arguments.dropFirst())
let unknown = requested.subtracting(suites.map(\.name))
if !unknown.isEmpty {
    print(
        "unknown suite(s): \(unknown.sorted().joined(separator: ", ")); known: \(suites.map(\.name).joined(separator: ", "))"
    )
    exit(2)
}
Bench.printEnvironment()
for suite in suites where requested.isEmpty || requested.contains(suite.name) {
    print("\n== \(suite.name)")
    try await suite.run()
}
