import Foundation
import KimpleCore
import KimpleGames

/// The checks every ``ExportSink`` must pass (G-11): the chunks published in order and only
/// by ``ExportSink/finish()``, nothing changed after it. The SDK's ``InMemoryExportSink`` and
/// ``FileExportSink`` pass them, and a host runs them against its own (an upload, a response
/// body).
///
/// ```swift
/// @Test func myUploadConforms() async throws {
///     try await ExportSinkConformance.run(
///         makeSink: { try await MyUploadSink.start(bucket: testBucket) },
///         published: { try await $0.completedObject() })  // nil while the upload is not complete
/// }
/// ```
public enum ExportSinkConformance {
    /// Runs every check. `makeSink` returns a fresh sink, once per check; `published` reads
    /// back what the sink published: the complete output once ``ExportSink/finish()``
    /// succeeded, `nil` while there is none (a file not yet renamed, an upload not completed).
    /// Throws ``ConformanceFailures`` listing every failed check.
    @discardableResult
    public static func run<Sink: ExportSink>(
        makeSink: () async throws -> Sink, published: (Sink) async throws -> [UInt8]?
    ) async throws -> ConformanceReport {
        var runner = ConformanceRunner(suite: "ExportSink")
        let r = runner
        func describe(_ bytes: [UInt8]?) -> String { bytes.map { "\($0.count) bytes" } ?? "nothing" }
        /// `body` must throw: the error is the sink's own (any error refuses the call).
        func refused(_ label: String, _ body: () async throws -> Void) async throws {
            do { try await body() } catch { return }
            throw r.failure(label, "the call was accepted")
        }

        await runner.check("chunks are published in order, byte for byte, by finish", rule: "G-11") {
            let sink = try await makeSink()
            let chunks: [[UInt8]] = [
                Array("id,name\r\n".utf8), [], Array("1,\"Zéphyrine \"\"Z\"\"\"\r\n".utf8), [0, 0xFF, 0x0D, 0x0A],
                [UInt8](repeating: 0x41, count: 70_000), Array("2,last\r\n".utf8),
            ]
            for chunk in chunks { try await sink.write(chunk) }
            try await sink.finish()
            let output = try await published(sink)
            let expected = Array(chunks.joined())
            try r.expect(
                output == expected, "order", "published \(describe(output)) instead of the \(expected.count) written")
        }

        await runner.check("an export stopped before finish publishes nothing", rule: "G-11") {
            let sink = try await makeSink()
            try await sink.write(Array("id,name\r\n".utf8))
            try await sink.write([UInt8](repeating: 0x42, count: 70_000))
            let output = try await published(sink)
            try r.expect(
                output == nil, "unfinished", "an unfinished export looks complete: published \(describe(output))")
        }

        await runner.check("an export without bytes publishes an empty output", rule: "G-11") {
            let sink = try await makeSink()
            try await sink.finish()
            let output = try await published(sink)
            try r.expect(output == [], "empty", "published \(describe(output)) instead of an empty output")
        }

        await runner.check("after finish, writes and a second finish are refused and change nothing", rule: "G-11") {
            let sink = try await makeSink()
            try await sink.write(Array("complete\n".utf8))
            try await sink.finish()
            try await refused("write after finish") { try await sink.write(Array("late\n".utf8)) }
            try await refused("second finish") { try await sink.finish() }
            let output = try await published(sink)
            try r.expect(
                output == Array("complete\n".utf8), "unchanged", "the published output changed: \(describe(output))")
        }
        return try runner.finish()
    }
}
