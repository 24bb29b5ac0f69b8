import KimpleCore

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// What one holder found and did for a request.
public struct HolderExecution: Sendable, Hashable, Codable {
    /// The holder's name.
    public var holder: String
    /// Ids of the records found about the person.
    public var foundRecordIDs: [String]
    /// The categories of data found.
    public var categories: [DataCategory]
    /// Ids of the records changed (rectification).
    public var changedRecordIDs: [String]
    /// Ids of the records erased.
    public var erasedRecordIDs: [String]
    /// Whether erased records were removed (`true`) or pseudonymised in place.
    public var removed: Bool?
    /// Records still found about the person after an erasure (0 when it worked).
    public var remainingAfterErasure: Int
    /// When the holder was done.
    public var completedAt: Date
}

/// The raw findings of an execution: what was found, changed or erased, where, when. Its
/// JSON encoding (``JSONCoding``) is the payload of the evidence entry that records it.
public struct ExecutionFindings: Sendable, Hashable, Codable {
    /// The request.
    public var requestID: DataSubjectRequestID
    /// The controller.
    public var tenant: TenantID
    /// SHA-256 of the person's locator.
    public var subjectDigest: SHA256Digest
    /// The actions, without personal data.
    public var actions: [String]
    /// When the execution started.
    public var startedAt: Date
    /// When it ended.
    public var completedAt: Date
    /// Per holder, in registration order: every holder of the tenant appears.
    public var holders: [HolderExecution]
    /// SHA-256 of the exported package, when there was an export.
    public var exportDigest: SHA256Digest?
}

/// The proof of a request's execution (P-3): the findings, and the evidence entry that
/// recorded them. Anyone holding the evidence log checks that the entry is in the chain
/// (``EvidenceLog/verify(against:)`` with ``evidenceHead``) and that its payload digest is
/// ``findingsDigest``, the SHA-256 of the findings' JSON.
public struct ExecutionProof: Sendable, Hashable, Codable {
    /// What was found, changed or erased.
    public var findings: ExecutionFindings
    /// SHA-256 of the findings' JSON encoding.
    public var findingsDigest: SHA256Digest
    /// The evidence entry recording them: the head of the log right after it.
    public var evidenceHead: EvidenceHead

    /// Whether every holder is free of the person's records after an erasure.
    public var erasureComplete: Bool { findings.holders.allSatisfy { $0.remainingAfterErasure == 0 } }

    /// Whether `findingsDigest` matches the findings (recomputed).
    public func findingsMatch() throws -> Bool {
        SHA256.hash(try JSONCoding.encode(findings)) == findingsDigest
    }
}

/// The records gathered for an access or portability request, for the controller.
///
/// Records holding a special category are withheld (their field names kept, values
/// replaced) unless the instruction allows special categories in clear (P-6).
public struct SubjectDataPackage: Sendable, Hashable, Codable {
    /// The request.
    public var requestID: DataSubjectRequestID
    /// When it was produced.
    public var producedAt: Date
    /// The records, from every holder.
    public var records: [PersonalDataRecord]
    /// Records whose values were withheld because they hold special categories.
    public var withheldRecords: Int

    /// The package as JSON Lines (one record per line, sorted keys), for portability.
    public func jsonLines() throws -> Data {
        var data = Data()
        for record in records {
            data.append(try JSONCoding.encode(record))
            data.append(0x0A)
        }
        return data
    }

    /// The value that replaces withheld values.
    public static let withheldValue = "[withheld: special category of data]"
}

/// What ``DataSubjectRequestService/execute(_:by:)`` returns.
public struct DataSubjectExecution: Sendable {
    /// The request after execution.
    public var request: DataSubjectRequest
    /// The proof.
    public var proof: ExecutionProof
    /// The exported data, when an export was decided.
    public var package: SubjectDataPackage?
}
