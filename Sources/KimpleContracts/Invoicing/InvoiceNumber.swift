import Foundation
import KimpleCore

/// An invoice number: a per-tenant sequence without gaps (1, 2, 3...) and its printed form.
public struct InvoiceNumber: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    /// The position in the tenant's sequence, from 1.
    public var sequence: Int
    /// The printed number (`F-000042`).
    public var text: String

    /// Number `sequence` printed as `prefix` followed by at least six digits.
    public init(sequence: Int, prefix: String) {
        self.sequence = sequence
        let digits = String(sequence)
        self.text = prefix + String(repeating: "0", count: max(0, 6 - digits.count)) + digits
    }

    /// The printed number.
    public var description: String { text }

    /// Order of the sequence.
    public static func < (lhs: InvoiceNumber, rhs: InvoiceNumber) -> Bool { lhs.sequence < rhs.sequence }
}
