import Foundation
import KimpleCore

/// A document of the interoperability information (§5 (iii), C-14): a path relative to the bundle's
/// root and its text.
public struct InteroperabilityDocument: Hashable, Sendable, Codable {
    /// The relative path (`Interoperability.md`, `schemas/participants.schema.json`).
    public var path: String
    /// The UTF-8 text.
    public var text: String

    /// A document.
    public init(path: String, text: String) {
        self.path = path
        self.text = text
    }
}

/// The documentation embedded in the SDK: `Documentation/Interoperability.md` of the SDK's repository and
/// the files it links to, copied into the module at build time (the SDK cannot read its repository at
/// run time). A test of the SDK fails when the copy differs from the repository's files.
public enum InteroperabilityDocumentation {
    /// The embedded documents, `Interoperability.md` first.
    public static var embedded: [InteroperabilityDocument] { files }
}

/// A file of an interoperability bundle, with its SHA-256.
public struct BundleFile: Hashable, Sendable, Codable {
    /// The relative path.
    public var path: String
    /// The bytes.
    public var contents: Data
    /// SHA-256 of `contents`.
    public var sha256: SHA256Digest

    /// A file; its digest is computed.
    public init(path: String, contents: Data) {
        self.path = path
        self.contents = contents
        self.sha256 = SHA256.hash(contents)
    }
}

/// The manifest of an interoperability bundle (`MANIFEST.json`).
public struct InteroperabilityManifest: Hashable, Sendable, Codable {
    /// One file listed.
    public struct Entry: Hashable, Sendable, Codable {
        /// The relative path.
        public var path: String
        /// Its size in bytes.
        public var bytes: Int
        /// Its SHA-256, lowercase hexadecimal.
        public var sha256: String
    }

    /// `kimple-interoperability-bundle/1`.
    public var format: String
    /// The tenant (client) it was produced for.
    public var tenant: TenantID
    /// The contract.
    public var contract: ContractID
    /// The request it answers.
    public var request: InteroperabilityRequestID
    /// When it was produced, ISO 8601 in UTC.
    public var generatedAt: String
    /// The documents, in path order.
    public var files: [Entry]
}

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

/// A client's request for interoperability information (§5 (iii), C-14): recorded, quoted, and delivered
/// once the quote is paid.
public struct InteroperabilityRequest: Hashable, Sendable, Codable, Identifiable {
    /// Where a request stands.
    public enum State: String, Hashable, Sendable, Codable {
        /// Recorded, not quoted yet.
        case requested
        /// Quoted: waiting for the quote's acceptance and payment.
        case quoted
        /// The bundle was delivered.
        case delivered
    }

    /// The request's id.
    public var id: InteroperabilityRequestID
    /// The contract.
    public var contractID: ContractID
    /// What the client wants to interoperate with, in the client's words.
    public var scope: String
    /// When it was received.
    public var requestedAt: Date
    /// The supplementary quote of its cost, once quoted.
    public var quoteID: QuoteID?
    /// The quote line that prices it.
    public var quoteLine: ServiceLineID?
    /// When the bundle was first delivered.
    public var deliveredAt: Date?
    /// SHA-256 of the manifest delivered first.
    public var manifestDigest: SHA256Digest?

    /// Where it stands.
    public var state: State { deliveredAt != nil ? .delivered : (quoteID != nil ? .quoted : .requested) }
}
