import Foundation
import KimpleCore

/// Everything an invoice owes on a given day (C-4): its unpaid amount, the late interest with its
/// breakdown, the recovery indemnity, and what was paid towards those late charges.
public struct LateChargesStatement: Hashable, Sendable, Codable {
    /// The invoice.
    public var invoice: InvoiceNumber
    /// The day of the statement (payments received after it are ignored).
    public var asOf: CivilDate
    /// The amount including VAT still unpaid on `asOf`.
    public var principalBalance: Money
    /// The late interest, with its breakdown.
    public var interest: LateInterestBreakdown
    /// The recovery indemnity: owed once the invoice is late, zero otherwise.
    public var indemnity: Money
    /// Payments imputed to the late charges so far.
    public var lateChargesPaid: Money
    /// `interest + indemnity − lateChargesPaid`.
    public var lateChargesBalance: Money
    /// `principalBalance + lateChargesBalance`: what settles the invoice completely.
    public var totalOwed: Money

    /// Whether the invoice is late on `asOf` (some of it unpaid at the end of its due date).
    public var isLate: Bool { !indemnity.isZero }

    /// The statement of `invoice` on `asOf` (C-4). Throws like ``LateInterest/compute(amountDue:dueDate:payments:asOf:rates:multiplier:)``.
    public static func compute(
        invoice: Invoice, asOf: CivilDate, rates: LegalInterestRateTable, indemnity: RecoveryIndemnity
    ) throws -> LateChargesStatement {
        let known = invoice.payments.filter { $0.receivedOn <= asOf }
        let principal = known.filter { $0.imputation == .principal }.map { ($0.receivedOn, $0.amount) }
        let interest = try LateInterest.compute(
            amountDue: invoice.totals.totalAmount, dueDate: invoice.dueDate,
            payments: principal.map { (receivedOn: $0.0, amount: $0.1) }, asOf: asOf, rates: rates)
        // Late: something was still unpaid at the end of the due date.
        let paidByDueDate = try Money.sum(principal.filter { $0.0 <= invoice.dueDate }.map(\.1))
        let late = asOf > invoice.dueDate && paidByDueDate < invoice.totals.totalAmount
        let owedIndemnity = late ? indemnity.amount : Money(cents: 0)
        let paidCharges = try Money.sum(known.filter { $0.imputation == .lateCharges }.map(\.amount))
        let paidPrincipal = try Money.sum(principal.map(\.1))
        let principalBalance = try invoice.totals.totalAmount - paidPrincipal
        let chargesBalance = try interest.interest + owedIndemnity - paidCharges
        return LateChargesStatement(
            invoice: invoice.number, asOf: asOf, principalBalance: principalBalance, interest: interest,
            indemnity: owedIndemnity, lateChargesPaid: paidCharges, lateChargesBalance: chargesBalance,
            totalOwed: try principalBalance + chargesBalance)
    }
}
