import KimpleCore

/// A requirement of a protocol that an implementation failed.
public struct ConformanceFailure: Error, Sendable, CustomStringConvertible {
    /// The suite (`RecordLog`, `DocumentStore`...).
    public let suite: String
    /// The check that failed.
    public let check: String
    /// What was expected and what happened.
    public let message: String

    /// `<suite> conformance, check '<check>': <message>`, as a test failure shows it.
    public var description: String { "\(suite) conformance, check '\(check)': \(message)" }
}

/// What a conformance run checked.
public struct ConformanceReport: Sendable {
    /// The suite run.
    public let suite: String
    /// The checks passed, in order.
    public let passed: [String]
}

/// Runs named checks and turns the first failure into a ``ConformanceFailure``.
struct ConformanceRunner {
    let suite: String
    private(set) var passed: [String] = []

    init(suite: String) { self.suite = suite }

    mutating func check(_ name: String, _ body: () async throws -> Void) async throws {
        do {
            try await body()
        } catch let failure as ConformanceFailure {
            throw ConformanceFailure(suite: suite, check: name, message: "\(failure.check): \(failure.message)")
        } catch {
            throw ConformanceFailure(suite: suite, check: name, message: "threw \(error)")
        }
        passed.append(name)
    }

    func expect(_ condition: Bool, _ check: String, _ message: @autoclosure () -> String) throws {
        if !condition { throw ConformanceFailure(suite: suite, check: check, message: message()) }
    }

    func expectError(
        _ code: KimpleError.Code, _ check: String, _ body: () async throws -> Void
    ) async throws {
        do {
            try await body()
        } catch let error as KimpleError where error.code == code {
            return
        } catch {
            throw ConformanceFailure(suite: suite, check: check, message: "expected \(code), got \(error)")
        }
        throw ConformanceFailure(suite: suite, check: check, message: "expected \(code), got no error")
    }

    var report: ConformanceReport { ConformanceReport(suite: suite, passed: passed) }
}
