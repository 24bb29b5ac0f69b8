import Foundation

/// Bench suite `availability`: KimpleAvailability.
func runAvailabilityBenchmarks() async throws {
    print("(no availability benchmark yet)")
}
