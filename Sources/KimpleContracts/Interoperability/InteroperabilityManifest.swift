import Foundation
import KimpleCore

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
