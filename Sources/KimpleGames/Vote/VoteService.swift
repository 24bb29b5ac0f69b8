import KimpleCore

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The rules of a vote: its phases, its period, its candidates (G-21).
public struct VoteRules: Sendable, Hashable, Codable {
    /// The entry and voting phases, apart.
    public var phases: VotePhases
    /// Once per candidate per period.
    public var period: VotePeriod
    /// The entry ids that can be voted for (the entries accepted in the entry phase).
    public var candidates: Set<String>

    /// The rules; one vote per candidate for the whole vote by default.
    public init(phases: VotePhases, period: VotePeriod = .wholeVote, candidates: Set<String>) {
        self.phases = phases
        self.period = period
        self.candidates = candidates
    }
}

/// Whether a vote was counted.
public enum VoteReceipt: String, Sendable, Hashable, Codable {
    /// Counted.
    case counted
    /// Already voted for this candidate in this period: not counted again.
    case duplicate
}

/// A candidate's result.
public struct VoteStanding: Sendable, Hashable, Codable {
    /// The place, from 1; no two candidates share one.
    public var place: Int
    /// The candidate's entry id.
    public var candidate: String
    /// Votes counted.
    public var votes: Int
    /// What separated it from the candidate just before (`nil` for the first).
    public var decidedBy: RankingCriterion?
}

/// Casts and counts votes (G-21): one vote per person per candidate per period, counted
/// atomically by the ``VoteStore``; votes only in the voting phase, which starts once the entry
/// phase has closed.
public struct VoteService: Sendable {
    /// The tenant.
    public let tenant: TenantID
    private let store: any VoteStore
    private let gate: any ProcessingGate
    private let clock: any Clock

    /// A service for `tenant`'s votes: ballots go through `gate` (personal data) and are timed by `clock`.
    public init(tenant: TenantID, store: any VoteStore, gate: any ProcessingGate, clock: any Clock) {
        self.tenant = tenant
        self.store = store
        self.gate = gate
        self.clock = clock
    }

    /// Casts `personKey`'s vote for `candidate` now.
    ///
    /// - Throws: `vote.invalid` for invalid rules, an unknown candidate or a malformed person
    ///   key; `vote.closed` outside the voting phase; the gate's `privacy.` errors (purpose
    ///   `participation`); the store's `storage.` errors. Nothing is counted then.
    public func vote(
        operation: OperationID, rules: VoteRules, candidate: String, personKey: String, by principal: Principal,
        instruction: InstructionID
    ) async throws -> VoteReceipt {
        try rules.phases.validate()
        let now = clock.now
        guard rules.phases.acceptsVote(at: now) else {
            throw KimpleError(
                .voteClosed, "Votes are accepted only during the voting phase.",
                context: [
                    "operation": operation.rawValue, "opensAt": GamesTime.iso8601(rules.phases.votingOpensAt),
                    "closesAt": GamesTime.iso8601(rules.phases.votingClosesAt),
                ])
        }
        guard rules.candidates.contains(candidate) else {
            throw KimpleError(
                .voteInvalid, "The candidate is not an entry of this vote.",
                context: ["operation": operation.rawValue, "candidate": String(candidate.prefix(64))])
        }
        let ballot = Ballot(
            operation: operation, candidate: candidate, personKey: personKey, period: try rules.period.key(for: now),
            castAt: now)
        try ballot.validate()
        _ = try await gate.authorize(
            ProcessingRequest(
                tenant: tenant, instruction: instruction, purpose: .participation, categories: [.participation],
                principal: principal, subject: "operation:\(operation.rawValue)"))
        return try await store.cast(ballot) ? .counted : .duplicate
    }

    /// The candidates of `rules` ranked by votes (more first), then earliest entry, then entry
    /// id; `entries` gives each candidate's entry instant.
    ///
    /// - Throws: the store's `storage.` errors.
    public func results(
        operation: OperationID, rules: VoteRules, entries: [ContestEntry]
    ) async throws -> [VoteStanding] {
        let tally = try await store.tally(operation)
        let enteredAt = Dictionary(entries.map { ($0.entryID, $0.enteredAt) }, uniquingKeysWith: min)
        let candidates = rules.candidates.sorted()
        let keys = candidates.map {
            RankingKey(
                score: .integer(tally[$0, default: 0]), distance: nil,
                enteredAt: enteredAt[$0].map(DrawEntry.milliseconds(of:)) ?? Int64.max, entryID: $0)
        }
        return RankingKey.order(keys).enumerated().map { place, item in
            VoteStanding(
                place: place + 1, candidate: candidates[item.index], votes: tally[candidates[item.index], default: 0],
                decidedBy: item.decidedBy)
        }
    }
}
