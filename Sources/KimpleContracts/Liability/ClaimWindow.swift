import Foundation
import KimpleCore

/// Whether a claim against Cassiop is still admissible (§10, C-9).
public struct ClaimWindow: Hashable, Sendable, Codable {
    /// The day the breach occurred.
    public var breachOccurredOn: CivilDate
    /// The last day a claim can be made: `breachOccurredOn + 12 months` (same day of the month, or the
    /// month's last day; art. 641 CPC).
    public var deadline: CivilDate
    /// The day the claim was made.
    public var claimMadeOn: CivilDate
    /// Whether `claimMadeOn ≤ deadline`.
    public var admissible: Bool

    /// Evaluates a claim made on `claimMadeOn` for a breach on `breachOccurredOn` (§10: "pendant un délai de
    /// douze (12) mois à compter de la survenance du manquement"). Breach on 15 March 2025: a claim on
    /// 15 March 2026 is admissible, one on 16 March 2026 is not.
    public static func evaluate(breachOccurredOn: CivilDate, claimMadeOn: CivilDate) -> ClaimWindow {
        let deadline = breachOccurredOn.adding(months: 12)
        return ClaimWindow(
            breachOccurredOn: breachOccurredOn, deadline: deadline, claimMadeOn: claimMadeOn,
            admissible: claimMadeOn <= deadline)
    }
}
