import Foundation
import KimpleGames
import KimpleTesting
import Testing

/// The SDK's export sinks pass the suite a host runs on its own (an upload, a response body).
@Suite("Export sink conformance")
struct ExportSinkConformanceTests {
    // SPEC G-11, K-6
    @Test("InMemoryExportSink")
    func inMemory() async throws {
        let report = try await ExportSinkConformance.run(
            makeSink: { InMemoryExportSink() }, published: { $0.isFinished ? $0.bytes : nil })
        #expect(report.passed.count == 4)
    }

    // SPEC G-11, K-6
    @Test("FileExportSink: the file appears only when the export finished")
    func file() async throws {
        try await withTemporaryDirectory { directory in
            let report = try await ExportSinkConformance.run(
                makeSink: { try FileExportSink(url: directory.appendingPathComponent(UUID().uuidString + ".csv")) },
                published: { sink in FileManager.default.contents(atPath: sink.url.path).map { [UInt8]($0) } })
            #expect(report.passed.count == 4)
        }
    }

    // SPEC G-11
    @Test("a sink that publishes on every write fails the unfinished-export check")
    func eagerSinkIsCaught() async throws {
        do {
            try await ExportSinkConformance.run(makeSink: { InMemoryExportSink() }, published: { $0.bytes })
            Issue.record("the suite accepted a sink whose output looks complete before finish")
        } catch let failures as ConformanceFailures {
            #expect(failures.report.suite == "ExportSink")
            #expect(failures.report.failures.map(\.check) == ["an export stopped before finish publishes nothing"])
            #expect(failures.report.failures.first?.rule == "G-11")
        }
    }
}
