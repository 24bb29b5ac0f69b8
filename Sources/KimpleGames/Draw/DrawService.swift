import KimpleCore

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Where a committed draw stands: what was published, frozen and drawn (G-7).
public struct DrawRecord: Sendable, Hashable, Codable {
    /// The lifecycle of a draw: committed before closing, frozen at closing, drawn.
    public enum Stage: String, Sendable, Hashable, Codable {
        /// `committed`: the seed's commitment is published, entries still arrive; `frozen`: the entry
        /// list is frozen and hashed at closing; `drawn`: winners and reserves are picked.
        case committed, frozen, drawn
    }

    /// The operation.
    public var operation: OperationID
    /// SHA-256 of the rules document.
    public var rulesDocumentSHA256: SHA256Digest
    /// The rules of the draw.
    public var rules: DrawRules
    /// The commitment published.
    public var commitment: DrawCommitment
    /// When it was recorded.
    public var committedAt: Date
    /// Who recorded it.
    public var committedBy: Principal
    /// The operation's closing instant; the list is frozen at or after it.
    public var closesAt: Date
    /// The frozen entry list, once frozen.
    public var entryList: DrawEntryListSummary?
    /// Who froze it.
    public var frozenBy: Principal?
    /// The certificate, once drawn (with every replacement since).
    public var certificate: DrawCertificate?

    /// The current stage.
    public var stage: Stage {
        if certificate != nil { return .drawn }
        return entryList == nil ? .committed : .frozen
    }
}

/// Runs verifiable draws (G-7) step by step, each step stored and written to the evidence log:
///
/// 1. ``commit(operation:rules:rulesDocumentSHA256:commitment:closesAt:by:)`` before the
///    operation closes: the commitment (SHA-256 of a secret seed, or a beacon round) is fixed.
/// 2. ``freeze(operation:entries:by:instruction:)`` at or after closing: the entry list's
///    hash and size are fixed.
/// 3. ``draw(operation:seed:entries:by:instruction:)``: the seed is checked against the
///    commitment, winners and reserves are drawn, the certificate is stored. Never twice.
/// 4. ``disqualify(operation:entryID:reason:by:)``: a winner set aside, the next reserve
///    promoted; the draw is not run again.
///
/// State lives in a ``DocumentStore`` (one document per operation, updated by
/// compare-and-set), so two concurrent calls for one operation never both succeed. Steps 2
/// and 3 process participants' data: they pass the ``ProcessingGate`` first (purpose
/// `winner_selection`).
public struct DrawService: Sendable {
    /// The name of the document store the service uses in a tenant's storage.
    public static let storeName: StoreName = "draws"

    /// The tenant whose draws these are.
    public let tenant: TenantID
    private let documents: CodableDocuments<DrawRecord>
    private let evidence: EvidenceLog
    private let gate: any ProcessingGate
    private let clock: any Clock

    /// A service over `documents` (the tenant's `draws` store), recording to `evidence`.
    public init(
        tenant: TenantID, documents: any DocumentStore, evidence: EvidenceLog, gate: any ProcessingGate,
        clock: any Clock
    ) {
        self.tenant = tenant
        self.documents = CodableDocuments(documents)
        self.evidence = evidence
        self.gate = gate
        self.clock = clock
    }

    /// A service on `storage`'s `draws` store.
    ///
    /// - Throws: what opening the store throws (`storage.locked`, `storage.io`).
    public static func open(
        _ storage: TenantStorage, evidence: EvidenceLog, gate: any ProcessingGate, clock: any Clock
    ) async throws -> DrawService {
        DrawService(
            tenant: storage.tenant, documents: try await storage.documentStore(storeName), evidence: evidence,
            gate: gate, clock: clock)
    }

    private func key(_ operation: OperationID) -> String { "draw/" + operation.rawValue }

    /// The draw of `operation`, or `nil` when none was committed.
    ///
    /// - Throws: `storage.corrupted` when the stored document does not decode, or the store's errors.
    public func record(_ operation: OperationID) async throws -> DrawRecord? {
        try await documents.get(key(operation))?.value
    }

    /// The certificate of `operation`, or `nil` before the draw.
    ///
    /// - Throws: what ``record(_:)`` throws.
    public func certificate(_ operation: OperationID) async throws -> DrawCertificate? {
        try await record(operation)?.certificate
    }

    /// Records the commitment of `operation`'s draw before it closes.
    ///
    /// - Throws: `draw.invalid_rules` for invalid rules; `draw.invalid_seed` for a malformed
    ///   beacon commitment; `draw.out_of_order` when the clock is at or after `closesAt`;
    ///   `draw.already_committed` when a commitment exists (it is never replaced). Nothing is
    ///   written then.
    @discardableResult
    public func commit(
        operation: OperationID, rules: DrawRules, rulesDocumentSHA256: SHA256Digest, commitment: DrawCommitment,
        closesAt: Date, by principal: Principal
    ) async throws -> DrawRecord {
        try rules.validate()
        try commitment.validate()
        let now = GamesTime.truncatedToMillisecond(clock.now)
        guard now < closesAt else {
            throw KimpleError(
                .drawOutOfOrder, "A draw's commitment is published before the operation closes.",
                context: ["operation": operation.rawValue, "closesAt": GamesTime.iso8601(closesAt)])
        }
        let record = DrawRecord(
            operation: operation, rulesDocumentSHA256: rulesDocumentSHA256, rules: rules, commitment: commitment,
            committedAt: now, committedBy: principal, closesAt: closesAt, entryList: nil, frozenBy: nil,
            certificate: nil)
        do {
            try await documents.insert(key(operation), record)
        } catch let error as KimpleError where error.code == .storageConflict {
            throw KimpleError(
                .drawAlreadyCommitted, "This operation's draw is already committed; a commitment is never replaced.",
                context: ["operation": operation.rawValue])
        }
        try await evidence.record(
            principal, action: "games.draw.commit", subject: "operation:\(operation.rawValue)",
            details: "\(commitment.kind) \(commitment.text); \(rules.winners) winner(s), \(rules.reserves) reserve(s)",
            payload: try JSONCoding.encode(record))
        return record
    }

    /// Records the commitment of `operation`'s draw before it closes, with the operation's rules
    /// document and closing instant (see ``commit(operation:rules:rulesDocumentSHA256:commitment:closesAt:by:)``).
    ///
    /// - Throws: `draw.invalid_rules` when the operation has no rules document (a draw is run
    ///   under published rules, G-1); what the other `commit` throws.
    @discardableResult
    public func commit(
        _ operation: Operation, rules: DrawRules, commitment: DrawCommitment, by principal: Principal
    ) async throws -> DrawRecord {
        guard let document = operation.rules else {
            throw KimpleError(
                .drawInvalidRules, "A draw is committed under the operation's rules document; give it one.",
                context: ["operation": operation.id.rawValue])
        }
        return try await commit(
            operation: operation.id, rules: rules, rulesDocumentSHA256: document.sha256, commitment: commitment,
            closesAt: operation.closesAt, by: principal)
    }

    /// Freezes the entry list of `operation` at or after closing: its hash and size are
    /// recorded and can no longer change.
    ///
    /// - Throws: `draw.not_found` without a commitment; `draw.out_of_order` before closing or
    ///   when already frozen; the gate's `privacy.` errors; `storage.conflict` when another
    ///   call changed the draw at the same time. Nothing is written then.
    @discardableResult
    public func freeze(
        operation: OperationID, entries: FrozenEntryList, by principal: Principal, instruction: InstructionID
    ) async throws -> DrawRecord {
        guard let current = try await documents.get(key(operation)) else { throw notFound(operation) }
        let now = GamesTime.truncatedToMillisecond(clock.now)
        guard now >= current.value.closesAt else {
            throw KimpleError(
                .drawOutOfOrder, "The entry list is frozen once the operation has closed.",
                context: ["operation": operation.rawValue, "closesAt": GamesTime.iso8601(current.value.closesAt)])
        }
        guard current.value.stage == .committed else {
            throw KimpleError(
                .drawOutOfOrder, "The entry list of this draw is already frozen.",
                context: ["operation": operation.rawValue])
        }
        _ = try await authorize(operation, principal, instruction)
        var record = current.value
        record.entryList = DrawEntryListSummary(sha256: entries.sha256, count: entries.count, frozenAt: now)
        record.frozenBy = principal
        try await documents.replace(key(operation), expectedVersion: current.version, with: record)
        try await evidence.record(
            principal, action: "games.draw.freeze", subject: "operation:\(operation.rawValue)",
            details: "entry list \(entries.sha256.hex), \(entries.count) entries")
        return record
    }

    /// Reveals `seed` and draws `operation`'s winners and reserves from `entries`, the list
    /// frozen at closing. Returns the certificate, stored and written to the evidence log.
    ///
    /// - Throws: `draw.not_found` without a commitment; `draw.out_of_order` before the list is
    ///   frozen; `draw.already_drawn` when the draw already ran; `draw.entry_list_mismatch`
    ///   when `entries` is not the list frozen; `draw.seed_mismatch` when `seed` is not the
    ///   committed one; the gate's `privacy.` errors; `storage.conflict` when another call
    ///   drew at the same time. Nothing is written then.
    public func draw(
        operation: OperationID, seed: DrawSeed, entries: FrozenEntryList, by principal: Principal,
        instruction: InstructionID
    ) async throws -> DrawCertificate {
        guard let current = try await documents.get(key(operation)) else { throw notFound(operation) }
        let record = current.value
        guard record.certificate == nil else {
            throw KimpleError(
                .drawAlreadyDrawn,
                "This draw already ran and is never run again; disqualify a winner to promote a reserve.",
                context: ["operation": operation.rawValue])
        }
        guard let frozen = record.entryList else {
            throw KimpleError(
                .drawOutOfOrder, "Freeze the entry list at closing before drawing.",
                context: ["operation": operation.rawValue])
        }
        guard frozen.sha256 == entries.sha256, frozen.count == entries.count else {
            throw KimpleError(
                .drawEntryListMismatch, "These entries are not the list frozen at closing; draw from the frozen list.",
                context: ["frozen": frozen.sha256.hex, "given": entries.sha256.hex])
        }
        try record.commitment.check(seed)
        _ = try await authorize(operation, principal, instruction)
        let outcome = try RandomDraw.run(entries, seed: seed, rules: record.rules)
        let certificate = DrawCertificate(
            certificateVersion: 1, operation: operation, rulesDocumentSHA256: record.rulesDocumentSHA256,
            commitment: record.commitment, committedAt: record.committedAt, closesAt: record.closesAt, seed: seed,
            entryList: frozen, algorithm: RandomDraw.algorithm, method: outcome.method, streamKey: outcome.streamKey,
            rules: record.rules, drawnAt: GamesTime.truncatedToMillisecond(clock.now), drawnBy: principal,
            winners: outcome.winners, reserves: outcome.reserves, replacements: [])
        var updated = record
        updated.certificate = certificate
        do {
            try await documents.replace(key(operation), expectedVersion: current.version, with: updated)
        } catch let error as KimpleError where error.code == .storageConflict {
            throw KimpleError(
                .drawAlreadyDrawn, "Another call changed this draw at the same time; read its certificate.",
                context: ["operation": operation.rawValue])
        }
        try await evidence.record(
            principal, action: "games.draw.run", subject: "operation:\(operation.rawValue)",
            details:
                "\(certificate.method.rawValue) draw: \(outcome.winners.count) winner(s), \(outcome.reserves.count) reserve(s) among \(entries.count); seed revealed",
            payload: try certificate.jsonData())
        return certificate
    }

    /// Disqualifies `entryID` (a standing winner or a remaining reserve) for `reason` and
    /// promotes the next reserve to a winner's place. The draw is never run again.
    ///
    /// - Throws: `draw.not_found`; `draw.out_of_order` before the draw;
    ///   `draw.entry_not_selected` when the entry is neither a standing winner nor a remaining
    ///   reserve; `core.invalid_argument` for an empty or multi-line reason; `storage.conflict`
    ///   after repeated concurrent changes. Nothing is written then.
    public func disqualify(
        operation: OperationID, entryID: String, reason: String, by principal: Principal
    ) async throws -> DrawReplacement {
        guard let existing = try await documents.get(key(operation)) else { throw notFound(operation) }
        guard existing.value.certificate != nil else {
            throw KimpleError(
                .drawOutOfOrder, "Only a drawn winner or reserve can be disqualified; the draw has not run.",
                context: ["operation": operation.rawValue])
        }
        let now = clock.now
        var made: DrawReplacement?
        let updated = try await documents.update(key(operation)) { record in
            guard let certificate = record.certificate else { return }
            let (next, replacement) = try certificate.disqualifying(entryID, reason: reason, at: now, by: principal)
            record.certificate = next
            made = replacement
        }
        guard let replacement = made, updated.certificate != nil else {
            throw KimpleError(.drawOutOfOrder, "The draw changed during the disqualification; try again.")
        }
        let promoted = replacement.replacement.map { "promoted reserve \($0.entryID)" } ?? "no reserve promoted"
        try await evidence.record(
            principal, action: "games.draw.disqualify", subject: "operation:\(operation.rawValue)",
            details:
                "entry \(replacement.disqualified.entryID) disqualified\(replacement.position.map { " from place \($0)" } ?? " as reserve"); \(promoted)",
            payload: try JSONCoding.encode(replacement))
        return replacement
    }

    private func authorize(
        _ operation: OperationID, _ principal: Principal, _ instruction: InstructionID
    ) async throws -> ProcessingGrant {
        try await gate.authorize(
            ProcessingRequest(
                tenant: tenant, instruction: instruction, purpose: .winnerSelection, categories: [.participation],
                principal: principal, subject: "operation:\(operation.rawValue)"))
    }

    private func notFound(_ operation: OperationID) -> KimpleError {
        KimpleError(
            .drawNotFound, "No draw was committed for this operation; commit one before it closes.",
            context: ["operation": operation.rawValue])
    }
}
