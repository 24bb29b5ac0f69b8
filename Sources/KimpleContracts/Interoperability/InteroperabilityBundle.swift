import Foundation
import KimpleCore

/// The interoperability information delivered once paid (§5 (iii), C-14): the documents, `MANIFEST.json`
/// (their paths, sizes and SHA-256) and `SHA256SUMS` (the same digests in the format `sha256sum -c`
/// reads), so a partner checks the files without Swift.
public struct InteroperabilityBundle: Hashable, Sendable {
    /// The manifest.
    public var manifest: InteroperabilityManifest
    /// The documents, then `MANIFEST.json`, then `SHA256SUMS`.
    public var files: [BundleFile]

    /// The format name in the manifest.
    public static let format = "kimple-interoperability-bundle/1"

    /// Builds a bundle from `documents`. Throws `contract.interoperability.invalid` when there is no
    /// document, two share a path, or a path is not a plain relative path (empty, absolute, with `..`,
    /// `.` or empty components, a backslash, or one of the two names the bundle adds).
    public static func make(
        documents: [InteroperabilityDocument], tenant: TenantID, contract: ContractID,
        request: InteroperabilityRequestID, generatedAt: Date
    ) throws -> InteroperabilityBundle {
        guard !documents.isEmpty else {
            throw KimpleError(.contractInteroperabilityInvalid, "An interoperability bundle needs its documents.")
        }
        var seen = Set<String>()
        for document in documents {
            let components = document.path.split(separator: "/", omittingEmptySubsequences: false)
            guard !document.path.isEmpty, !document.path.hasPrefix("/"), !document.path.contains("\\"),
                components.allSatisfy({ !$0.isEmpty && $0 != "." && $0 != ".." }),
                document.path != "MANIFEST.json", document.path != "SHA256SUMS",
                seen.insert(document.path).inserted
            else {
                throw KimpleError(
                    .contractInteroperabilityInvalid,
                    "Bundle paths are distinct relative paths without '.', '..' or empty parts.",
                    context: ["path": String(document.path.prefix(128))])
            }
        }
        let files = documents.sorted { $0.path < $1.path }.map {
            BundleFile(path: $0.path, contents: Data($0.text.utf8))
        }
        let manifest = InteroperabilityManifest(
            format: format, tenant: tenant, contract: contract, request: request,
            generatedAt: ISO8601.string(generatedAt),
            files: files.map { .init(path: $0.path, bytes: $0.contents.count, sha256: $0.sha256.hex) })
        let manifestFile = BundleFile(path: "MANIFEST.json", contents: try JSONCoding.encode(manifest))
        let sums = (files + [manifestFile]).map { "\($0.sha256.hex)  \($0.path)\n" }.joined()
        return InteroperabilityBundle(
            manifest: manifest,
            files: files + [manifestFile, BundleFile(path: "SHA256SUMS", contents: Data(sums.utf8))])
    }

    /// The file at `path`, if the bundle has it.
    public func file(_ path: String) -> BundleFile? { files.first { $0.path == path } }

    /// Writes every file under `directory` (created if needed), each atomically. Throws `storage.io`
    /// when a file cannot be written.
    public func write(to directory: URL) throws {
        do {
            for file in files {
                let url = directory.appendingPathComponent(file.path)
                try FileManager.default.createDirectory(
                    at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                try file.contents.write(to: url, options: .atomic)
            }
        } catch {
            throw KimpleError(
                .storageIO, "The interoperability bundle could not be written: \(error)",
                context: ["directory": directory.lastPathComponent])
        }
    }
}
