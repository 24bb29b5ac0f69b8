import KimpleCore

// MARK: - Error codes of instant wins (G-6)

extension KimpleError.Code {
    /// A schedule's parameters are not valid (empty window, margins eating the window, no
    /// prize, an unknown prize code, a moment outside the window).
    public static let instantWinInvalidSchedule: Self = "instant_win.invalid_schedule"
    /// A claim is not valid (empty or oversized person key or entry id).
    public static let instantWinInvalidClaim: Self = "instant_win.invalid_claim"
    /// No schedule is installed for the operation.
    public static let instantWinNotInstalled: Self = "instant_win.not_installed"
    /// Another schedule is already installed for the operation; a commitment never changes.
    public static let instantWinScheduleConflict: Self = "instant_win.schedule_conflict"
    /// The step asked for does not fit the operation's window (commit after opening, reveal
    /// before closing).
    public static let instantWinOutOfOrder: Self = "instant_win.out_of_order"
    /// The seed revealed is not the one the schedule committed to.
    public static let instantWinSeedMismatch: Self = "instant_win.seed_mismatch"
    /// The entry's award is being written, or its write failed: the participant must not be
    /// told they won until the ledger is reopened and shows the award.
    public static let instantWinAwardInDoubt: Self = "instant_win.award_in_doubt"
}
