import Foundation

/// Bench suite `games`: KimpleGames part 2 (draws, instant win, exports).
func runGamesBenchmarks() async throws {
    print("(no games benchmark yet)")
}
