import Foundation
import KimpleContracts
import Testing

/// The documentation the SDK embeds for the interoperability bundle stays the repository's (C-14).
///
/// When `Documentation/Interoperability.md` (or a file it links to) changes, this test fails until the
/// embedded copy is regenerated:
///
///     KIMPLE_REGENERATE_EMBEDDED_DOCUMENTATION=1 swift test --filter EmbeddedDocumentationTests
@Suite("Embedded interoperability documentation")
struct EmbeddedDocumentationTests {
    static let repository = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let documentation = repository.appendingPathComponent("Documentation")
    static let generated = repository.appendingPathComponent(
        "Sources/KimpleContracts/Interoperability/InteroperabilityDocumentation+Embedded.swift")

    // SPEC C-14
    @Test func embeddedCopyMatchesTheRepository() throws {
        let expected = try Self.repositoryDocuments()
        let embedded = InteroperabilityDocumentation.embedded
        if embedded != expected, ProcessInfo.processInfo.environment["KIMPLE_REGENERATE_EMBEDDED_DOCUMENTATION"] == "1"
        {
            try Self.source(for: expected).write(to: Self.generated, atomically: true, encoding: .utf8)
            Issue.record("Regenerated \(Self.generated.lastPathComponent); rebuild and run the tests again.")
            return
        }
        #expect(embedded.map(\.path) == expected.map(\.path))
        // The generated file is exactly what the generator writes, so regenerating changes only the text.
        if embedded == expected {
            #expect(try String(contentsOf: Self.generated, encoding: .utf8) == Self.source(for: expected))
        }
        #expect(
            embedded == expected,
            "The embedded documentation differs from Documentation/: run KIMPLE_REGENERATE_EMBEDDED_DOCUMENTATION=1 swift test --filter EmbeddedDocumentationTests"
        )
    }

    /// `Interoperability.md` and every file of `Documentation/` it links to, in order of first link.
    static func repositoryDocuments() throws -> [InteroperabilityDocument] {
        let main = try String(contentsOf: documentation.appendingPathComponent("Interoperability.md"), encoding: .utf8)
        var documents = [InteroperabilityDocument(path: "Interoperability.md", text: main)]
        for target in links(in: main) where !documents.contains(where: { $0.path == target }) {
            let url = documentation.appendingPathComponent(target)
            #expect(
                FileManager.default.fileExists(atPath: url.path),
                "Interoperability.md links to a missing file \(target)")
            documents.append(InteroperabilityDocument(path: target, text: try String(contentsOf: url, encoding: .utf8)))
        }
        return documents
    }

    /// Relative file links `[text](path)` of a Markdown text (not URLs, anchors or paths leaving the folder).
    static func links(in markdown: String) -> [String] {
        var result: [String] = []
        var rest = Substring(markdown)
        while let open = rest.range(of: "](") {
            rest = rest[open.upperBound...]
            guard let close = rest.firstIndex(of: ")") else { break }
            // `[text](path "title")`: the path is the first word.
            var target = String(rest[..<close].split(separator: " ").first ?? "")
            rest = rest[close...]
            if let hash = target.firstIndex(of: "#") { target = String(target[..<hash]) }
            guard !target.isEmpty, !target.contains(":"), !target.hasPrefix("/"), !target.contains("..") else {
                continue
            }
            if target.hasPrefix("./") { target.removeFirst(2) }
            result.append(target)
        }
        return result
    }

    /// The Swift source that embeds `documents`, laid out as `swift format` lays it out (several elements:
    /// a trailing comma).
    static func source(for documents: [InteroperabilityDocument]) -> String {
        func literal(_ text: String) -> String {
            var hashes = 1
            while text.contains("\"" + String(repeating: "#", count: hashes))
                || text.contains("\\" + String(repeating: "#", count: hashes))
            {
                hashes += 1
            }
            let delimiter = String(repeating: "#", count: hashes)
            // Indented as `swift format` indents it (the indentation is not part of the value).
            let indent = String(repeating: " ", count: 16)
            let body = text.split(separator: "\n", omittingEmptySubsequences: false).map {
                $0.isEmpty ? "" : indent + $0
            }
            return delimiter + "\"\"\"\n" + body.joined(separator: "\n") + "\n" + indent + "\"\"\"" + delimiter
        }
        let entries = documents.map { document in
            """
                    InteroperabilityDocument(
                        path: "\(document.path)",
                        text: \(literal(document.text))
                    )
            """
        }
        return """
            // Generated from Documentation/Interoperability.md and the files it links to: do not edit by hand.
            // To update it after changing the documentation, run
            //     KIMPLE_REGENERATE_EMBEDDED_DOCUMENTATION=1 swift test --filter EmbeddedDocumentationTests
            // (the test fails while this copy differs from the repository's files).

            extension InteroperabilityDocumentation {
                static let files: [InteroperabilityDocument] = [

            """ + entries.joined(separator: ",\n") + (entries.count > 1 ? "," : "") + "\n    ]\n}\n"
    }
}
