import Foundation
import KimpleCore

extension ContractService {
    // MARK: - Creations (C-13)

    /// Registers a graphic creation made for the client of contract `id`, paid by the one-off graphic
    /// creation lines `paidBy` (of the contract's terms or of an accepted supplementary quote).
    ///
    /// Throws `contract.creation.invalid` when `paidBy` is empty, names a line the contract does not have,
    /// a line that is not a graphic creation option, or a monthly line; `storage.conflict` when the id is
    /// taken; `contract.not_found`.
    @discardableResult
    public func registerCreation(
        _ id: ContractID, creation: CreationID = .random(), title: String, paidBy: [ServiceLineID],
        by principal: Principal
    ) async throws -> Creation {
        try await authorize(principal)
        let contract = try await loadContract(id).value
        var lines = try contract.latestTerms().lines + contract.initialTerms.lines
        for supplement in contract.supplements { lines += supplement.lines }
        guard !paidBy.isEmpty else {
            throw KimpleError(.contractCreationInvalid, "A creation is paid by at least one graphic creation line.")
        }
        for lineID in paidBy {
            guard let line = lines.first(where: { $0.id == lineID }), line.kind == .graphicCreation,
                line.billing == .once
            else {
                throw KimpleError(
                    .contractCreationInvalid,
                    "A creation is paid by one-off graphic creation lines of its contract (§8.2).",
                    context: ["line": lineID.rawValue, "contract": id.rawValue])
            }
        }
        let value = Creation(id: creation, contractID: id, title: title, paidBy: paidBy, registeredAt: clock.now)
        try await store.insert(Self.creationKey(creation), JSONCoding.encode(value))
        try await log(
            principal, "contract.creation.registered", "creation:\(creation.rawValue)", "contract \(id.rawValue)",
            payload: value)
        return value
    }

    /// Where the rights in creation `id` stand (§8.2, C-13): transferred to the client on the day the
    /// invoices of its paying lines are fully paid. Throws `contract.creation.invalid` for an unknown creation.
    public func creationRights(_ id: CreationID) async throws -> CreationRightsStatus {
        guard let creation = try await load(Creation.self, Self.creationKey(id))?.value else {
            throw KimpleError(.contractCreationInvalid, "No creation has this id.", context: ["creation": id.rawValue])
        }
        return CreationRightsStatus.evaluate(creation, invoices: try await invoices(of: creation.contractID))
    }
}
