import Foundation
import KimpleCore
import KimpleGames
import Synchronization

/// A processing gate double for the tests of draws, instant wins, votes and exports: it
/// records every request and grants it (special categories in clear only when told), or
/// refuses everything.
final class ResultsGate: ProcessingGate {
    private let state: Mutex<(requests: [ProcessingRequest], refuse: Bool, specialInClear: Bool)>

    init(refuse: Bool = false, specialInClear: Bool = false) {
        state = Mutex(([], refuse, specialInClear))
    }

    var requests: [ProcessingRequest] { state.withLock { $0.requests } }

    func authorize(_ request: ProcessingRequest) async throws -> ProcessingGrant {
        try state.withLock { state in
            state.requests.append(request)
            if state.refuse {
                throw KimpleError("privacy.processing_refused", "No instruction covers this processing.")
            }
            return ProcessingGrant(
                instruction: request.instruction, instructionVersion: 3, purpose: request.purpose,
                allowsSpecialCategoriesInClear: state.specialInClear, grantedAt: Date(timeIntervalSince1970: 0))
        }
    }
}

/// Fixed values shared by the tests of part 2.
enum ResultsFixtures {
    static let tenant: TenantID = "brand-1"
    static let operation: OperationID = "summer-2026"
    static let instruction: InstructionID = "games-v1"
    static let organizer = Principal.user("alice")
    /// 2026-06-01T00:00:00Z.
    static let opening = Date(timeIntervalSince1970: 1_780_272_000)

    /// The repository's root directory, found from this file's path.
    static var repositoryRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
    }

    /// `count` entries e0..., one second apart from `start`, person `p(i % persons)`.
    static func entries(_ count: Int, persons: Int? = nil, weight: (Int) -> UInt32 = { _ in 1 }) -> [DrawEntry] {
        (0..<count).map { index in
            DrawEntry(
                entryID: "e\(index)", personKey: "p\(index % (persons ?? count))", weight: weight(index),
                enteredAtMilliseconds: 1_780_272_000_000 + Int64(index) * 1000)
        }
    }

    /// A seed from a number (8 little-endian bytes), for many reproducible draws.
    static func seed(_ number: Int) -> DrawSeed {
        let value = UInt64(number)
        // 8 bytes are always a valid seed.
        return (try? DrawSeed(bytes: (0..<8).map { UInt8(truncatingIfNeeded: value >> ($0 * 8)) }))
            ?? DrawSeed.random()
    }

    /// An evidence log in memory.
    static func evidence(clock: any Clock) -> EvidenceLog {
        EvidenceLog(log: InMemoryRecordLog(), tenant: tenant, clock: clock)
    }

    /// The path of `python3` when it can be run, else `nil`.
    static let python3: String? = {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for directory in path.split(separator: ":") {
            let candidate = String(directory) + "/python3"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }()

    /// Runs `python3` with `arguments`; returns the exit status and the output. Throws when
    /// python3 is missing: it is a test dependency (`.ci/run` installs it), and without it
    /// G-7's independent check would go unchecked, so the test fails rather than skips.
    static func runPython(_ arguments: [String]) async throws -> (status: Int32, output: String) {
        guard let python3 else {
            throw KimpleError(
                "test.python3_missing",
                "python3 is a test dependency (the independent draw verifier): install it, as .ci/run does.")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python3)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        let status: Int32 = try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { finished in continuation.resume(returning: finished.terminationStatus) }
            do {
                try process.run()
            } catch {
                process.terminationHandler = nil
                continuation.resume(throwing: error)
            }
        }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        return (status, String(decoding: data, as: UTF8.self))
    }
}
