import Foundation
import KimpleCore

/// A decoder of outside data, as a fuzz target: one input in, "accepted" or "refused with a
/// typed error" out, and every invariant of the decoder checked on the way.
///
/// The same bodies run under libFuzzer (`kimple-fuzz` built with `-sanitize=fuzzer`) and in
/// the regression tests that replay the committed corpus (`KimpleFuzzTests`).
public enum FuzzTarget: String, CaseIterable, Sendable {
    /// The file journal's recovery over arbitrary segment bytes, then reads, reopen and append.
    case journal
    /// The file outbox reading a stored message.
    case outbox
    /// An instant-win schedule decoded from outside (JSON) or imported from a moment list.
    case moments
    /// A raw JSON form submission: decoding, validation and normalisation.
    case submission
    /// A participation record the file participation store did not write.
    case participations

    /// The error codes a refusal of this target may carry: anything else is a broken contract.
    public var refusalDomains: Set<String> {
        switch self {
        case .journal: ["storage"]
        case .outbox: ["storage", "core"]
        case .moments: ["storage", "instant_win"]
        case .submission: ["participation"]
        case .participations: ["storage"]
        }
    }

    /// Runs `input` through the target.
    ///
    /// Returns what the decoder made of it; throws ``InvariantViolation`` when the decoder
    /// crashed its contract: an untyped error, a refusal outside ``refusalDomains``, or an
    /// invariant that does not hold (a round trip that changes the value, a recovery that
    /// loses or invents records...).
    public func run(_ input: [UInt8]) async throws(InvariantViolation) -> FuzzOutcome {
        do {
            switch self {
            case .journal: try await JournalFuzz.run(input)
            case .outbox: try await OutboxFuzz.run(input)
            case .moments: try await MomentsFuzz.run(input)
            case .submission: try SubmissionFuzz.run(input)
            case .participations: try await ParticipationsFuzz.run(input)
            }
            return .accepted
        } catch let violation as InvariantViolation {
            throw violation
        } catch let error as KimpleError {
            guard refusalDomains.contains(String(error.code.domain)) else {
                throw InvariantViolation("refused with an unexpected code: \(error)")
            }
            return .refused(error.code)
        } catch {
            throw InvariantViolation("an untyped error escaped: \(type(of: error)) \(error)")
        }
    }

    /// Valid inputs made with the SDK's own encoders: the seeds of the corpus.
    public func seeds() async throws -> [String: [UInt8]] {
        switch self {
        case .journal: try await JournalFuzz.seeds()
        case .outbox: try OutboxFuzz.seeds()
        case .moments: try MomentsFuzz.seeds()
        case .submission: SubmissionFuzz.seeds()
        case .participations: try await ParticipationsFuzz.seeds()
        }
    }
}

/// What a target made of an input.
public enum FuzzOutcome: Sendable, Hashable {
    /// The input decoded and every invariant held.
    case accepted
    /// The decoder refused the input with this code, changing nothing.
    case refused(KimpleError.Code)
}

/// A decoder broke its contract on an input.
public struct InvariantViolation: Error, CustomStringConvertible {
    /// What went wrong.
    public let description: String

    /// A violation described by `description`.
    public init(_ description: String) { self.description = description }
}

/// Throws ``InvariantViolation`` with `message` unless `condition` holds.
func invariant(_ condition: Bool, _ message: @autoclosure () -> String) throws(InvariantViolation) {
    guard condition else { throw InvariantViolation(message()) }
}

/// Runs `body`, a step that must succeed once the input was accepted: any error it throws
/// is a violation.
func must<T>(_ what: String, _ body: () async throws -> T) async throws(InvariantViolation) -> T {
    do {
        return try await body()
    } catch {
        throw InvariantViolation("\(what) failed after the input was accepted: \(error)")
    }
}

/// A fresh directory for one run, on a memory file system when there is one (fsyncs cost
/// nothing there), removed by the caller.
func scratchDirectory() throws -> URL {
    let shared = URL(fileURLWithPath: "/dev/shm", isDirectory: true)
    let base = FileManager.default.isWritableFile(atPath: shared.path) ? shared : FileManager.default.temporaryDirectory
    let directory = base.appendingPathComponent("kimple-fuzz-\(UUID().uuidString)", isDirectory: true)
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    return directory
}
