import Foundation
import KimpleCore

/// The fixed recovery indemnity owed for each invoice paid late (§4 (iii); Code de commerce,
/// art. L441-10 II and D441-5): 40 EUR, configurable upwards, never below.
public struct RecoveryIndemnity: Hashable, Sendable, Codable {
    /// The legal minimum, 40.00 EUR.
    public static let legalMinimum = Money(cents: 4_000)

    /// The indemnity per late invoice.
    public let amount: Money

    /// An indemnity of `amount`; throws `contract.indemnity.below_minimum` below 40.00 EUR or in
    /// another currency.
    public init(amount: Money = RecoveryIndemnity.legalMinimum) throws {
        guard amount.currency == .eur, amount >= Self.legalMinimum else {
            throw KimpleError(
                .contractIndemnityBelowMinimum,
                "The recovery indemnity is at least 40.00 EUR (Code de commerce, art. D441-5; §4 (iii)).",
                context: ["amount": amount.description])
        }
        self.amount = amount
    }

    /// 40.00 EUR.
    public static let legal = RecoveryIndemnity(unchecked: legalMinimum)

    private init(unchecked amount: Money) { self.amount = amount }
}
