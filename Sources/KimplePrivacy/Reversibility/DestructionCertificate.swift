import KimpleCore

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// What the destruction did in one holder.
public struct HolderDestruction: Sendable, Hashable, Codable {
    /// The holder's name.
    public var holder: String
    /// Records held before.
    public var recordsBefore: Int
    /// Records erased.
    public var recordsErased: Int
    /// Whether they were removed (`true`) or pseudonymised in place.
    public var removed: Bool
    /// Records held after (0 when the destruction worked).
    public var recordsAfter: Int
    /// When the holder was done.
    public var completedAt: Date
}

/// The facts of a destruction, as recorded in the evidence log (its JSON is the entry's payload).
public struct DestructionFindings: Sendable, Hashable, Codable {
    /// The controller.
    public var tenant: TenantID
    /// The contract that ended.
    public var contract: String
    /// When it ended.
    public var contractEnd: Date
    /// When the reversibility window ended.
    public var reversibilityEnd: Date
    /// The controller's choice (`nil`: none given; destruction after the window, §12).
    public var choice: EndOfContractChoice?
    /// When the data was returned, for a return.
    public var returnedAt: Date?
    /// SHA-256 of what was returned.
    public var returnDigest: SHA256Digest?
    /// Per holder, in registration order: every holder of the tenant.
    public var holders: [HolderDestruction]
    /// Records held before, in all.
    public var totalRecordsBefore: Int
    /// Records erased, in all.
    public var totalRecordsErased: Int
    /// Requests of data subjects whose locators were dropped.
    public var requestLocatorsDropped: Int
    /// Titles of the anonymous statistics kept.
    public var statisticsKept: [String]
    /// SHA-256 of their JSON, when some were kept.
    public var statisticsDigest: SHA256Digest?
    /// The process that destroyed (`KimplePrivacy.ReversibilityService.finalise`) and its version.
    public var process: String
    /// Who ran it.
    public var principal: Principal
    /// When it started.
    public var startedAt: Date
    /// When it ended.
    public var completedAt: Date
}

/// The destruction certificate (procès-verbal de destruction, §11.2.11; P-9): what was
/// destroyed, how much, when, by which process, sealed by the evidence entry that records it
/// (its head is the hash anyone checks the log against).
public struct DestructionCertificate: Sendable, Hashable, Codable {
    /// The facts.
    public var findings: DestructionFindings
    /// SHA-256 of the findings' JSON (``JSONCoding``): the evidence entry's payload digest.
    public var findingsDigest: SHA256Digest
    /// The evidence entry recording the destruction: the log's head right after it.
    public var evidenceHead: EvidenceHead

    /// Whether every holder is empty after the destruction.
    public var isComplete: Bool { findings.holders.allSatisfy { $0.recordsAfter == 0 } }

    /// Whether `findingsDigest` matches the findings (recomputed).
    public func findingsMatch() throws -> Bool {
        SHA256.hash(try JSONCoding.encode(findings)) == findingsDigest
    }

    /// The certificate as Markdown, for the controller.
    public var markdown: String {
        let f = findings
        var text = """
            # Destruction certificate — procès-verbal de destruction

            - Controller (tenant): \(f.tenant)
            - Contract: \(f.contract), ended \(ISO8601.string(f.contractEnd))
            - Reversibility window ended: \(ISO8601.string(f.reversibilityEnd))
            - Controller's choice: \(f.choice?.rawValue ?? "none given (destruction after the window, contract §12)")

            """
        if let returnedAt = f.returnedAt {
            text += "- Returned to the controller: \(ISO8601.string(returnedAt))"
            if let digest = f.returnDigest { text += ", SHA-256 \(digest.hex)" }
            text += "\n"
        }
        text += """
            - Process: \(f.process), run by \(f.principal)
            - Started: \(ISO8601.string(f.startedAt)); completed: \(ISO8601.string(f.completedAt))

            | Store | Records before | Erased | Removed | Records after | Completed |
            |---|---:|---:|---|---:|---|

            """
        for holder in f.holders {
            text +=
                "| \(holder.holder) | \(holder.recordsBefore) | \(holder.recordsErased) | "
                + "\(holder.removed ? "yes" : "pseudonymised") | \(holder.recordsAfter) | "
                + "\(ISO8601.string(holder.completedAt)) |\n"
        }
        text += """

            Total: \(f.totalRecordsErased) of \(f.totalRecordsBefore) records erased. \
            Locators of \(f.requestLocatorsDropped) data subject requests dropped.
            Anonymous statistics kept: \(f.statisticsKept.isEmpty ? "none" : f.statisticsKept.joined(separator: "; ")).

            Sealed by evidence entry \(evidenceHead.index), hash \(evidenceHead.hash.hex); \
            findings SHA-256 \(findingsDigest.hex).
            """
        return text + "\n"
    }
}
