// The Kimple SDK load bench. Run it in release mode:
//
//     swift run -c release kimple-bench            every suite
//     swift run -c release kimple-bench journal    one suite (journal, intake, games, contracts, privacy, availability)
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
