import KimpleCore

// MARK: - Results

/// A check of a conformance suite that an implementation failed.
public struct ConformanceFailure: Sendable, Hashable, CustomStringConvertible {
    /// The suite (`RecordLog`, `DocumentStore`...).
    public let suite: String
    /// The check that failed, as listed in ``ConformanceReport/passed`` when it passes.
    public let check: String
    /// The rule of the specification the check guards (`K-6`, `K-7`, `G-6`...).
    public let rule: String
    /// What was expected and what happened.
    public let message: String

    /// A failure of `check` of `suite`, guarding `rule`.
    public init(suite: String, check: String, rule: String, message: String) {
        self.suite = suite
        self.check = check
        self.rule = rule
        self.message = message
    }

    /// `<suite> conformance, check '<check>' (rule <rule>): <message>`, as a test failure shows it.
    public var description: String { "\(suite) conformance, check '\(check)' (rule \(rule)): \(message)" }
}

/// What a run of one conformance suite found: every check passed, failed or skipped.
///
/// A suite runs every check even after one failed (each check starts from a fresh store),
/// so one run lists every requirement an implementation breaks.
public struct ConformanceReport: Sendable, Hashable, CustomStringConvertible {
    /// The suite run.
    public let suite: String
    /// The checks passed, in order.
    public let passed: [String]
    /// The checks failed, in order, each with the rule it guards.
    public let failures: [ConformanceFailure]
    /// The checks not run, with the reason (a restart check without a `reopen` factory).
    public let skipped: [String]

    /// A report of `suite`.
    public init(suite: String, passed: [String], failures: [ConformanceFailure], skipped: [String] = []) {
        self.suite = suite
        self.passed = passed
        self.failures = failures
        self.skipped = skipped
    }

    /// Whether every check that ran passed.
    public var isPassing: Bool { failures.isEmpty }

    /// The failure of the check named `check`, if it failed.
    public func failure(_ check: String) -> ConformanceFailure? {
        failures.first { $0.check == check }
    }

    /// Throws ``ConformanceFailures`` when a check failed; does nothing otherwise.
    public func assertPassed() throws {
        if !isPassing { throw ConformanceFailures(report: self) }
    }

    /// A summary line, then one line per failed and per skipped check.
    public var description: String {
        var lines = ["\(suite) conformance: \(passed.count) passed, \(failures.count) failed, \(skipped.count) skipped"]
        lines += failures.map { "  FAILED [\($0.rule)] \($0.check): \($0.message)" }
        lines += skipped.map { "  skipped \($0)" }
        return lines.joined(separator: "\n")
    }
}

/// Thrown by a suite's `run` when at least one check failed. It lists every failed check,
/// not only the first, and carries the whole ``report``.
///
/// ```swift
/// @Test func myStoreConforms() async throws {
///     try await DocumentStoreConformance.run { try await MyStore.makeEmpty() }  // fails the test, listing every failure
/// }
/// ```
public struct ConformanceFailures: Error, Sendable, CustomStringConvertible {
    /// The run's report (``ConformanceReport/isPassing`` is `false`).
    public let report: ConformanceReport

    /// Every failed check, in the order run.
    public var failures: [ConformanceFailure] { report.failures }

    /// The report's description: a summary line and every failure with its rule.
    public var description: String { report.description }
}

// MARK: - Runner

/// A broken expectation inside a check: `label` names the step, `message` what went wrong.
struct ConformanceExpectation: Error {
    let label: String
    let message: String
}

/// Runs the named checks of one suite and collects what failed; used by every suite.
struct ConformanceRunner {
    let suite: String
    private(set) var passed: [String] = []
    private(set) var failures: [ConformanceFailure] = []
    private(set) var skipped: [String] = []

    init(suite: String) { self.suite = suite }

    /// Runs `body`; a broken expectation or any error thrown is recorded as a failure of
    /// `name`, guarding `rule`, and the suite goes on with its next check.
    mutating func check(_ name: String, rule: String, _ body: () async throws -> Void) async {
        do {
            try await body()
            passed.append(name)
        } catch let expectation as ConformanceExpectation {
            failures.append(
                ConformanceFailure(
                    suite: suite, check: name, rule: rule, message: "\(expectation.label): \(expectation.message)"))
        } catch {
            failures.append(ConformanceFailure(suite: suite, check: name, rule: rule, message: "threw \(error)"))
        }
    }

    /// Runs `body` with the factory it needs (the suite's `reopen` factory, say); without one,
    /// records `name` as skipped because of `missing`.
    mutating func check<Factory>(
        _ name: String, rule: String, needs factory: Factory?, missing: String = "no reopen factory given",
        _ body: (Factory) async throws -> Void
    ) async {
        guard let factory else {
            skip(name, because: missing)
            return
        }
        await check(name, rule: rule) { try await body(factory) }
    }

    /// Records that `name` did not run, and why.
    mutating func skip(_ name: String, because reason: String) {
        skipped.append("\(name) (\(reason))")
    }

    func expect(_ condition: Bool, _ label: String, _ message: @autoclosure () -> String) throws {
        if !condition { throw ConformanceExpectation(label: label, message: message()) }
    }

    /// A broken expectation to throw from a helper.
    func failure(_ label: String, _ message: String) -> ConformanceExpectation {
        ConformanceExpectation(label: label, message: message)
    }

    func expectError(
        _ code: KimpleError.Code, _ label: String, _ body: () async throws -> Void
    ) async throws {
        do {
            try await body()
        } catch let error as KimpleError where error.code == code {
            return
        } catch {
            throw ConformanceExpectation(label: label, message: "expected \(code), got \(error)")
        }
        throw ConformanceExpectation(label: label, message: "expected \(code), got no error")
    }

    /// Runs `count` copies of `body` at once and returns their results (in completion order).
    func concurrently<T: Sendable>(
        _ count: Int, _ body: @escaping @Sendable (Int) async throws -> T
    ) async throws -> [T] {
        try await withThrowingTaskGroup(of: T.self) { group in
            for n in 0..<count { group.addTask { try await body(n) } }
            var results: [T] = []
            for try await result in group { results.append(result) }
            return results
        }
    }

    var report: ConformanceReport {
        ConformanceReport(suite: suite, passed: passed, failures: failures, skipped: skipped)
    }

    /// The report; throws ``ConformanceFailures`` when a check failed.
    func finish() throws -> ConformanceReport {
        let report = report
        try report.assertPassed()
        return report
    }
}
