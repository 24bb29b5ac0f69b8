import Foundation
import KimpleCore

extension ContractService {
    // MARK: - Price list and price notifications (C-2, §4)

    /// Publishes a price of the provider's price list. Throws like ``PriceList/adding(_:)``.
    @discardableResult
    public func publishPrice(_ entry: PriceListEntry, by principal: Principal) async throws -> PriceList {
        try await authorize(principal)
        for _ in 0..<Self.maximumAttempts {
            let stored = try await load(PriceList.self, Self.priceListKey)
            let list = try (stored?.value ?? PriceList()).adding(entry)
            do {
                if let stored {
                    try await store.replace(
                        Self.priceListKey, expectedVersion: stored.version, with: JSONCoding.encode(list))
                } else {
                    try await store.insert(Self.priceListKey, JSONCoding.encode(list))
                }
                try await log(
                    principal, "contract.price.published", "price:\(entry.code.rawValue)",
                    "\(entry.unitPrice) from \(entry.effectiveFrom)", payload: entry)
                return list
            } catch let error as KimpleError where error.code == .storageConflict {
                // Another writer committed first: let it run, then read again.
                await Task.yield()
                continue
            }
        }
        throw KimpleError(.contractConflict, "The price list kept changing; try again.")
    }

    /// The provider's price list as published to this tenant's store.
    public func priceList() async throws -> PriceList {
        try await load(PriceList.self, Self.priceListKey)?.value ?? PriceList()
    }

    /// Records Cassiop's notification of a new price to the client of contract `id` (§4). Only a written
    /// notification from the provider counts (§14.2); its first presentation decides for which renewal the
    /// price applies (``RenewalPricing``).
    ///
    /// Throws `contract.notice.channel_not_allowed` for an e-mail or phone notice, `contract.notice.invalid`
    /// when the notice is not a price change from the provider, has dates out of order or no date of
    /// presentation, `contract.price.invalid` for a negative price, `contract.amount.too_large` for a price
    /// above ``InvoicePricing/maximumLineAmount``, `contract.ended`.
    @discardableResult
    public func notifyPriceChange(
        _ id: ContractID, _ notification: PriceChangeNotification, by principal: Principal
    )
        async throws -> Contract
    {
        try await authorize(principal)
        try notification.notice.validate()
        guard notification.notice.kind == .priceChange, notification.notice.from == .provider else {
            throw KimpleError(
                .contractNoticeInvalid, "A price change is notified by Cassiop with a price change notice.",
                context: ["notice": notification.notice.id.rawValue])
        }
        _ = try notification.notice.delayStart()
        guard notification.newPrice.currency == .eur, !notification.newPrice.isNegative else {
            throw KimpleError(.contractPriceInvalid, "A price is a non-negative amount in euros.")
        }
        try InvoicePricing.checkUnitPrice(notification.newPrice, context: ["code": notification.code.rawValue])
        let now = clock.now
        let change = try await changeContract(id) { contract, _ in
            try self.requireInForce(contract, at: now)
            contract.priceNotifications.append(notification)
            contract.notices.append(notification.notice)
            contract.record(
                "contract.price.notified",
                "\(notification.code.rawValue): \(notification.newPrice) from \(notification.effectiveFrom)",
                by: principal, at: now)
        }
        try await log(
            principal, "contract.price.notified", "contract:\(id.rawValue)", notification.code.rawValue,
            payload: notification)
        return change.contract
    }
}
