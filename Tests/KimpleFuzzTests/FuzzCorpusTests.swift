import Foundation
import KimpleCore
import KimpleFuzzTargets
import Testing

/// Replays every input of the committed fuzz corpus (`Corpus/<target>/`): the seeds made by
/// the SDK's encoders and every input fuzzing ever found crashing, breaking an invariant or
/// hanging. Each must be accepted or refused with a typed error of the target's domain, with
/// the target's invariants holding (`FuzzTarget`).
@Suite("Fuzz corpus")
struct FuzzCorpusTests {
    static let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Corpus")

    static func inputs(_ target: FuzzTarget) -> [URL] {
        let directory = corpus.appendingPathComponent(target.rawValue)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.filter { !$0.hasPrefix(".") }.sorted().map { directory.appendingPathComponent($0) }
    }

    // SPEC G-4, K-7
    @Test(
        "every committed input is accepted or refused with a typed error, invariants holding",
        arguments: FuzzTarget.allCases)
    func replay(_ target: FuzzTarget) async throws {
        let inputs = Self.inputs(target)
        #expect(inputs.contains { $0.lastPathComponent.hasPrefix("seed-") }, "no seed for \(target)")
        for file in inputs {
            let bytes = try [UInt8](Data(contentsOf: file))
            // Tests never time anything (K-2): a hang shows as a run that does not finish; the
            // speed of the targets is the fuzzer's and the bench's business.
            do {
                _ = try await target.run(bytes)
            } catch {
                Issue.record("\(target) \(file.lastPathComponent): \(error)")
            }
        }
    }

    @Test("the seeds are what the SDK's encoders write today, and are accepted", arguments: FuzzTarget.allCases)
    func seeds(_ target: FuzzTarget) async throws {
        for (name, bytes) in try await target.seeds() {
            if target != .journal {
                // Journal segments carry their creation time: only their acceptance is stable.
                let stored = try? Data(
                    contentsOf: Self.corpus.appendingPathComponent("\(target.rawValue)/seed-\(name)"))
                #expect(stored.map([UInt8].init) == bytes, "seed-\(name) of \(target) is stale: run kimple-fuzz seed")
            }
            let outcome = try await target.run(bytes)
            if !(target == .submission && name == "empty") {
                #expect(outcome == .accepted, "seed \(name) of \(target): \(outcome)")
            }
        }
    }
}
