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
