import KimpleCore

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// What a retention sweep did in one holder.
public struct RetentionOutcome: Sendable, Hashable, Codable {
    /// The holder.
    public var holder: String
    /// The instruction whose retention applied.
    public var instruction: InstructionID
    /// Its version.
    public var instructionVersion: Int
    /// The retention period applied.
    public var retention: RetentionPeriod
    /// Records recorded before this instant were past retention.
    public var cutoff: Date
    /// Records erased (or pseudonymised).
    public var recordsErased: Int
    /// Whether they were removed (`true`) or pseudonymised in place.
    public var removed: Bool
    /// For a scoped holder, the records this pass reached (the scopes of this instruction, or
    /// every scope without an instruction of its own); `nil` for a holder without scopes.
    public var scope: RetentionScope?
}

/// The report of one sweep.
public struct RetentionReport: Sendable, Hashable, Codable {
    /// When it ran.
    public var ranAt: Date
    /// Per holder, in registration order.
    public var outcomes: [RetentionOutcome]
    /// Holders skipped because their instruction is unknown (the host registered a holder
    /// under an instruction never recorded), by name; for the scopes of a scoped holder whose
    /// instruction is unknown, `<holder> (only <scopes>)`. Nothing of theirs is erased under
    /// another instruction's period.
    public var skipped: [String]
}

/// Erases identifiable data kept past its retention (P-9, §11.2.1: "ne conserver les
/// données ... que le temps nécessaire"). The host runs ``run(by:)`` on its schedule (every
/// night, say); each holder's cutoff comes from the retention of the latest version of the
/// instruction it is registered under, counted on the Paris calendar. A holder registered
/// with scopes (the games' holders, one scope per operation) is swept once per instruction:
/// each operation's records by the retention of the operation's own instruction (P-1, P-9).
public struct RetentionSweep: Sendable {
    private let registry: InstructionRegistry
    private let holders: PersonalDataHolders
    private let evidence: EvidenceLog
    private let clock: any Clock

    /// A sweep over `holders`, with retention from `registry`.
    public init(registry: InstructionRegistry, holders: PersonalDataHolders, evidence: EvidenceLog, clock: any Clock) {
        self.registry = registry
        self.holders = holders
        self.evidence = evidence
        self.clock = clock
    }

    /// Runs the sweep once. Each holder is erased only after the gate granted `erasure`
    /// under its instruction; one evidence entry per holder records the cutoff and the
    /// count. Throws what the gate, the holders and the evidence log throw (holders before
    /// the failing one were swept and logged).
    public func run(by principal: Principal = .system("privacy.retention")) async throws -> RetentionReport {
        let now = clock.now
        var outcomes: [RetentionOutcome] = []
        var skipped: [String] = []
        for registered in holders.all {
            for pass in try await passes(of: registered) {
                guard let instruction = registry.current(pass.instruction) else {
                    let ownScopes = pass.instruction == registered.instruction ? nil : pass.scope
                    skipped.append(ownScopes.map { "\(registered.name) (\($0))" } ?? registered.name)
                    continue
                }
                _ = try await registry.authorize(
                    ProcessingRequest(
                        tenant: holders.tenant, instruction: pass.instruction, purpose: .erasure, categories: [],
                        principal: principal, subject: "retention:\(registered.name)"))
                let retention = instruction.terms.retention
                let cutoff = try retention.cutoff(at: now, calendar: registry.calendar)
                let outcome =
                    if let scope = pass.scope, let scoped = registered.scoped {
                        try await scoped.eraseRecorded(before: cutoff, in: scope)
                    } else {
                        try await registered.holder.eraseRecorded(before: cutoff)
                    }
                outcomes.append(
                    RetentionOutcome(
                        holder: registered.name, instruction: instruction.id, instructionVersion: instruction.version,
                        retention: retention, cutoff: cutoff, recordsErased: outcome.recordIDs.count,
                        removed: outcome.removed, scope: pass.scope))
                try await evidence.record(
                    principal, action: PrivacyEvidence.retentionSwept, subject: "holder:\(registered.name)",
                    details: "retention \(retention) under instruction \(instruction.id) v\(instruction.version)"
                        + (pass.scope.map { " (\($0))" } ?? "") + ": "
                        + "\(outcome.recordIDs.count) records recorded before \(ISO8601.string(cutoff)) "
                        + (outcome.removed ? "erased" : "pseudonymised"))
            }
        }
        return RetentionReport(ranAt: now, outcomes: outcomes, skipped: skipped)
    }

    /// One retention pass: an instruction and, for a scoped holder, the records it governs.
    private struct Pass {
        var instruction: InstructionID
        var scope: RetentionScope?
    }

    /// The passes over `registered`: one under its instruction, plus, for a scoped holder, one
    /// per other instruction its scopes name, in instruction order. The registered
    /// instruction's pass reaches every scope that no other instruction governs.
    private func passes(of registered: RegisteredHolder) async throws -> [Pass] {
        guard let scopeInstructions = registered.scopeInstructions, registered.scoped != nil else {
            return [Pass(instruction: registered.instruction)]
        }
        var scopesByInstruction: [InstructionID: Set<String>] = [:]
        for (scope, instruction) in try await scopeInstructions.instructionsByScope()
        where instruction != registered.instruction {
            scopesByInstruction[instruction, default: []].insert(scope)
        }
        let governedElsewhere = scopesByInstruction.values.reduce(into: Set<String>()) { $0.formUnion($1) }
        return [Pass(instruction: registered.instruction, scope: .allExcept(governedElsewhere))]
            + scopesByInstruction.sorted { $0.key.rawValue < $1.key.rawValue }.map {
                Pass(instruction: $0.key, scope: .only($0.value))
            }
    }
}
