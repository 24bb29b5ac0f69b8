import Foundation
import KimpleCore

/// A discount mentioned in the quote: a percentage of every line, valid for the first contractual
/// period only (§4, C-2).
public struct Discount: Hashable, Sendable, Codable {
    /// The percentage taken off each line's amount (0 < rate ≤ 100).
    public var rate: Percent
    /// The wording printed on invoices.
    public var label: String

    /// A discount of `rate` percent.
    public init(rate: Percent, label: String = "Remise") {
        self.rate = rate
        self.label = label
    }

    /// Throws `code` unless 0 < rate ≤ 100.
    public func validate(as code: KimpleError.Code = .contractQuoteInvalid) throws {
        guard rate > .zero, rate <= Percent(100) else {
            throw KimpleError(code, "A discount is more than 0 and at most 100 %.", context: ["rate": rate.description])
        }
    }
}
