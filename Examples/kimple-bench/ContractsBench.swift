import Foundation

/// Bench suite `contracts`: KimpleContracts.
func runContractsBenchmarks() async throws {
    print("(no contracts benchmark yet)")
}
