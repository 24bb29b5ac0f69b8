import Foundation

/// Bench suite `privacy`: KimplePrivacy.
func runPrivacyBenchmarks() async throws {
    print("(no privacy benchmark yet)")
}
