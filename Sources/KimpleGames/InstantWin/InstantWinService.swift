import KimpleCore

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The published side of instant wins (G-6): the schedule's commitment before the operation
/// goes live, the schedule and seed revealed after it closes, each written to the evidence log.
public struct InstantWinService: Sendable {
    private let ledger: any InstantWinLedger
    private let evidence: EvidenceLog
    private let clock: any Clock

    /// A service over `ledger`, recording to `evidence`.
    public init(ledger: any InstantWinLedger, evidence: EvidenceLog, clock: any Clock) {
        self.ledger = ledger
        self.evidence = evidence
        self.clock = clock
    }

    /// Installs `schedule` in the ledger and records its commitment, before the operation
    /// opens. Returns the commitment to publish. Committing the same schedule again returns
    /// the same commitment and records nothing new, unless an earlier call was interrupted
    /// between installing the schedule and recording it (a crash, a failed evidence write):
    /// then the missing commitment is recorded now, so calling `commit` again repairs it.
    ///
    /// - Throws: `instant_win.out_of_order` when the clock is at or after the opening instant;
    ///   `instant_win.schedule_conflict` when another schedule is installed; the ledger's and
    ///   the evidence log's `storage.` errors.
    @discardableResult
    public func commit(_ schedule: InstantWinSchedule, by principal: Principal) async throws -> SHA256Digest {
        let now = DrawEntry.milliseconds(of: clock.now)
        guard now < schedule.opensAtMilliseconds else {
            throw KimpleError(
                .instantWinOutOfOrder, "An instant-win schedule is committed before the operation goes live.",
                context: ["operation": schedule.operation.rawValue, "opensAt": GamesTime.iso8601(schedule.opensAt)])
        }
        let text = schedule.canonicalText
        let subject = "operation:\(schedule.operation.rawValue)"
        if try await !ledger.install(schedule) {
            // Installed before: recorded too, unless that call stopped in between.
            var recorded = false
            try await evidence.forEachEntry { entry in
                if entry.action == "games.instant_win.commit", entry.subject == subject,
                    entry.payloadDigest == schedule.commitment
                {
                    recorded = true
                }
            }
            if recorded { return schedule.commitment }
        }
        try await evidence.record(
            principal, action: "games.instant_win.commit", subject: subject,
            details: "schedule \(schedule.commitment.hex): \(schedule.moments.count) moment(s)",
            payload: Data(text.utf8))
        return schedule.commitment
    }

    /// After closing: the schedule to publish, checked against `seed` when it was generated,
    /// and recorded as revealed.
    ///
    /// - Throws: `instant_win.not_installed`; `instant_win.out_of_order` before closing;
    ///   `instant_win.seed_mismatch` when `seed` is not the one committed to (or is given for
    ///   an imported schedule); the evidence log's `storage.` errors.
    public func reveal(
        _ operation: OperationID, seed: DrawSeed?, by principal: Principal
    ) async throws -> InstantWinSchedule {
        guard let schedule = try await ledger.schedule(for: operation) else {
            throw InstantWinBooks.notInstalled(operation)
        }
        guard DrawEntry.milliseconds(of: clock.now) >= schedule.closesAtMilliseconds else {
            throw KimpleError(
                .instantWinOutOfOrder, "A schedule is revealed once the operation has closed.",
                context: ["operation": operation.rawValue])
        }
        if let seed { try schedule.verify(seed: seed) }
        try await evidence.record(
            principal, action: "games.instant_win.reveal", subject: "operation:\(operation.rawValue)",
            details: "schedule \(schedule.commitment.hex) revealed" + (seed.map { "; seed \($0.hex)" } ?? ""),
            payload: Data(schedule.canonicalText.utf8))
        return schedule
    }

    /// What became of `operation`'s moments now.
    ///
    /// - Throws: `instant_win.not_installed`; the ledger's `storage.` errors.
    public func report(_ operation: OperationID) async throws -> InstantWinReport {
        try await ledger.report(for: operation, at: clock.now)
    }
}
