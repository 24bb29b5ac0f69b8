import Foundation
import KimpleCore
import KimplePrivacy

/// The checks every ``PersonalDataReturnSink`` must pass: chunks kept in order, nothing
/// appended after ``PersonalDataReturnSink/finish()``, a second `finish` harmless.
public enum PersonalDataReturnSinkConformance {
    /// Runs every check. `makeSink` returns a fresh sink; `contents` reads back what a
    /// finished sink holds (the file's bytes, the recorder's data).
    @discardableResult
    public static func run<Sink: PersonalDataReturnSink>(
        makeSink: () async throws -> Sink, contents: (Sink) async throws -> Data
    ) async throws -> ConformanceReport {
        var runner = ConformanceRunner(suite: "PersonalDataReturnSink")
        let r = runner

        await runner.check("chunks are kept in order", rule: "P-10") {
            let sink = try await makeSink()
            let chunks = [
                Data("{\"a\":1}\n".utf8), Data("{\"b\":2}\n{\"c\":3}\n".utf8), Data(repeating: 65, count: 70_000),
            ]
            for chunk in chunks { try await sink.append(chunk) }
            try await sink.finish()
            let read = try await contents(sink)
            try r.expect(read == chunks.reduce(Data(), +), "order", "read \(read.count) bytes that differ")
        }

        await runner.check("an append after finish is refused and changes nothing", rule: "P-10") {
            let sink = try await makeSink()
            try await sink.append(Data("x\n".utf8))
            try await sink.finish()
            try await r.expectError(.storageClosed, "closed") { try await sink.append(Data("y\n".utf8)) }
            try await sink.finish()
            try r.expect(try await contents(sink) == Data("x\n".utf8), "unchanged", "the finished return changed")
        }

        await runner.check("an empty return finishes", rule: "P-10") {
            let sink = try await makeSink()
            try await sink.finish()
            try r.expect(try await contents(sink).isEmpty, "empty", "an empty return has bytes")
        }
        return try runner.finish()
    }
}
