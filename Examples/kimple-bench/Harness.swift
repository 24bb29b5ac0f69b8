import Foundation
import KimpleCore
import KimpleTesting

/// Small helpers shared by the bench suites.
enum Bench {
    static func printEnvironment() {
        let info = ProcessInfo.processInfo
        print(
            "kimple-bench — \(info.activeProcessorCount) cores, \(info.physicalMemory >> 20) MiB, \(info.operatingSystemVersionString)"
        )
        #if DEBUG
            print("WARNING: debug build; run with `swift run -c release kimple-bench` for meaningful figures")
        #endif
    }

    /// Seconds taken by `body`.
    static func time(_ body: () async throws -> Void) async rethrows -> Double {
        let clock = ContinuousClock()
        let start = clock.now
        try await body()
        return seconds(clock.now - start)
    }

    static func seconds(_ duration: Duration) -> Double {
        let (s, atto) = duration.components
        return Double(s) + Double(atto) / 1e18
    }

    /// Prints `label: N ops in T s = R ops/s`.
    static func report(_ label: String, operations: Int, seconds: Double, unit: String = "ops") {
        let rate = Double(operations) / max(seconds, 1e-9)
        print(
            "\(label): \(operations) \(unit) in \(String(format: "%.3f", seconds)) s = \(format(rate)) \(unit)/s")
    }

    /// Prints a duration.
    static func report(_ label: String, seconds: Double) {
        print("\(label): \(String(format: "%.3f", seconds)) s")
    }

    static func format(_ value: Double) -> String {
        if value >= 1_000_000 { return String(format: "%.2fM", value / 1_000_000) }
        if value >= 1_000 { return String(format: "%.1fk", value / 1_000) }
        return String(format: "%.1f", value)
    }

    /// Runs `body` in a fresh temporary directory, removed afterwards.
    static func inTemporaryDirectory<T>(_ body: (URL) async throws -> T) async throws -> T {
        try await withTemporaryDirectory(body)
    }
}

/// Latency samples in nanoseconds, with percentiles.
struct Latencies {
    private(set) var samples: [UInt64] = []

    init(capacity: Int = 0) { samples.reserveCapacity(capacity) }

    mutating func add(_ duration: Duration) {
        let (s, atto) = duration.components
        samples.append(UInt64(s) * 1_000_000_000 + UInt64(atto / 1_000_000_000))
    }

    mutating func merge(_ other: Latencies) { samples.append(contentsOf: other.samples) }

    /// The p-th percentile (0...100) in microseconds.
    func percentile(_ p: Double) -> Double {
        guard !samples.isEmpty else { return 0 }
        let sorted = samples.sorted()
        let index = min(sorted.count - 1, Int((p / 100 * Double(sorted.count - 1)).rounded()))
        return Double(sorted[index]) / 1000
    }

    var summary: String {
        String(format: "p50 %.1f µs, p99 %.1f µs, max %.1f µs", percentile(50), percentile(99), percentile(100))
    }
}
