import Foundation

/// Bench suite `intake`: KimpleGames part 1 (intake).
func runIntakeBenchmarks() async throws {
    print("(no intake benchmark yet)")
}
