import KimpleCore

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Reads of personal data by a login or an SDK path, each asked of the gate and traced in
/// the evidence log with its purpose (P-5, §11.2.6 "conserver les traces des accès").
public struct PersonalDataReader: Sendable {
    private let gate: any ProcessingGate
    private let holders: PersonalDataHolders
    private let evidence: EvidenceLog

    /// A reader over `holders`, asking `gate` and writing to `evidence`.
    public init(gate: any ProcessingGate, holders: PersonalDataHolders, evidence: EvidenceLog) {
        self.gate = gate
        self.holders = holders
        self.evidence = evidence
    }

    /// Every record about `subject` in every holder, for `purpose` under `instruction`.
    ///
    /// The records are gathered, then the gate is asked with the categories they hold (so an
    /// instruction that does not cover a category, or a special category, refuses the read);
    /// the read is written to the evidence log (`privacy.access.read`: principal, purpose,
    /// subject digest, number of records) before the records are returned.
    ///
    /// Throws the gate's `privacy.*` error (nothing is returned), or what the holders and the
    /// evidence log throw.
    public func records(
        of subject: SubjectLocator, purpose: ProcessingPurpose, instruction: InstructionID, by principal: Principal
    ) async throws -> [PersonalDataRecord] {
        var found: [PersonalDataRecord] = []
        for registered in holders.all {
            found += try await registered.holder.records(of: subject)
        }
        let digest = SubjectDigest.of(subject)
        _ = try await gate.authorize(
            ProcessingRequest(
                tenant: holders.tenant, instruction: instruction, purpose: purpose,
                categories: found.reduce(into: Set<DataCategory>()) { $0.formUnion($1.categories) },
                principal: principal, subject: "personal-data-read"))
        try await traceRead(
            by: principal, purpose: purpose, subject: "subject:\(digest.hex)", records: found.count,
            holders: Set(found.map(\.holder)).sorted())
        return found
    }

    /// Writes a `privacy.access.read` entry for a read the host performed itself (a login
    /// viewing a participant in a dashboard). `subject` names what was read by id, never in
    /// clear. Throws what the evidence log throws.
    public func traceRead(
        by principal: Principal, purpose: ProcessingPurpose, subject: String, records: Int, holders: [String] = []
    ) async throws {
        try await evidence.record(
            principal, action: PrivacyEvidence.accessRead, subject: subject,
            details: "purpose \(purpose), \(records) records"
                + (holders.isEmpty ? "" : " in " + holders.joined(separator: ", ")))
    }
}
