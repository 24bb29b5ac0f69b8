import Foundation
import KimpleCore

extension ContractService {
    // MARK: - Liability (C-9)

    /// Cassiop's liability cap under contract `id` for a last damaging event on `lastDamagingEvent` (§10):
    /// the sums actually received in the twelve months before it, with the list of receipts.
    /// Throws `contract.not_found`.
    public func liabilityCap(_ id: ContractID, lastDamagingEvent: CivilDate) async throws -> LiabilityCap {
        _ = try await loadContract(id)
        let receipts = try await invoices(of: id).flatMap { invoice in
            invoice.payments.map { Receipt(invoice: invoice.number, receivedOn: $0.receivedOn, amount: $0.amount) }
        }
        return try LiabilityCap.compute(receipts: receipts, lastDamagingEvent: lastDamagingEvent)
    }
}
