import Foundation
import KimpleCore

extension ContractService {
    // MARK: - Interoperability (C-14)

    /// Records the client's request for the information needed for interoperability (§5 (iii)).
    /// Throws `contract.not_found`, `contract.ended`, `contract.interoperability.invalid` for an empty scope.
    @discardableResult
    public func requestInteroperability(
        _ id: ContractID, scope: String, by principal: Principal
    ) async throws
        -> InteroperabilityRequest
    {
        try await authorize(principal)
        guard !scope.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw KimpleError(.contractInteroperabilityInvalid, "Say what the client wants to interoperate with.")
        }
        let now = clock.now
        try requireInForce(try await loadContract(id).value, at: now)
        let request = InteroperabilityRequest(
            id: .random(), contractID: id, scope: scope, requestedAt: now, quoteID: nil, quoteLine: nil,
            deliveredAt: nil, manifestDigest: nil)
        try await store.insert(Self.interoperabilityKey(request.id), JSONCoding.encode(request))
        try await log(
            principal, "contract.interoperability.requested", "interop:\(request.id.rawValue)",
            "contract \(id.rawValue)", payload: request)
        return request
    }

    /// The interoperability request `id`; throws `contract.interoperability.invalid` when unknown.
    public func interoperabilityRequest(_ id: InteroperabilityRequestID) async throws -> InteroperabilityRequest {
        try await loadInteroperability(id).value
    }

    /// Quotes request `id`: a supplementary quote with one interoperability information line at `price`
    /// (before VAT), for the parties to sign (``signQuote(_:as:signatory:by:)``); its acceptance invoices it.
    ///
    /// Throws `contract.interoperability.invalid` when the request is unknown or already quoted,
    /// `contract.quote.invalid` for a negative price, `contract.ended`.
    @discardableResult
    public func quoteInteroperability(
        _ id: InteroperabilityRequestID, price: Money, label: String = "Informations d'interopérabilité (art. 5 (iii))",
        validUntil: CivilDate? = nil, by principal: Principal
    ) async throws -> Quote {
        try await authorize(principal)
        let stored = try await loadInteroperability(id)
        var request = stored.value
        guard request.quoteID == nil else {
            throw KimpleError(
                .contractInteroperabilityInvalid, "This request is already quoted.",
                context: ["request": id.rawValue, "quote": request.quoteID?.rawValue ?? ""])
        }
        let now = clock.now
        let contract = try await loadContract(request.contractID).value
        try requireInForce(contract, at: now)
        let terms = try contract.terms(on: configuration.calendar.civilDate(of: now))
        let lineID = try ServiceLineID("interop-" + id.rawValue.prefix(100))
        let content = QuoteContent(
            purpose: .supplement(contract.id), provider: terms.provider, client: terms.client,
            lines: [
                ServiceLine(
                    id: lineID, kind: .interoperabilityInformation, label: label, unitPrice: price, billing: .once)
            ], territory: terms.territory, paymentTerms: terms.paymentTerms, vatRate: terms.vatRate,
            referenceConsent: terms.referenceConsent, validUntil: validUntil)
        try content.validate()
        try checkNewLineIDs([lineID], in: contract)
        let quote = Quote(id: .random(), content: content, createdAt: now)
        request.quoteID = quote.id
        request.quoteLine = lineID
        try await store.commit([
            .insert(key: Self.quoteKey(quote.id), value: try JSONCoding.encode(quote)),
            .replace(
                key: Self.interoperabilityKey(id), expectedVersion: stored.version,
                value: try JSONCoding.encode(request)),
        ])
        try await log(
            principal, "contract.interoperability.quoted", "interop:\(id.rawValue)",
            "quote \(quote.id.rawValue), \(price)",
            payload: quote)
        return quote
    }

    /// The interoperability bundle of request `id` (§5 (iii), C-14), once the invoice of its quote line is
    /// paid in full: `documents` (by default the documentation embedded in the SDK,
    /// ``InteroperabilityDocumentation/embedded``; a host may pass its own files, such as a newer edition),
    /// with `MANIFEST.json` and `SHA256SUMS`. The first delivery is recorded on the request; every delivery
    /// goes to the evidence log with the manifest's digest.
    ///
    /// Throws `contract.interoperability.not_paid` while the quote is not accepted or its invoice not paid,
    /// `contract.interoperability.invalid` for an unknown or unquoted request or bad document paths.
    public func interoperabilityBundle(
        _ id: InteroperabilityRequestID, documents: [InteroperabilityDocument] = InteroperabilityDocumentation.embedded,
        by principal: Principal
    ) async throws -> InteroperabilityBundle {
        try await authorize(principal)
        let now = clock.now
        for _ in 0..<Self.maximumAttempts {
            let stored = try await loadInteroperability(id)
            var request = stored.value
            guard let lineID = request.quoteLine else {
                throw KimpleError(
                    .contractInteroperabilityInvalid, "The request is not quoted yet.",
                    context: ["request": id.rawValue])
            }
            let invoice = try await invoices(of: request.contractID).first {
                $0.lines.contains { $0.sourceLine == lineID }
            }
            guard let invoice, invoice.isPaid else {
                throw KimpleError(
                    .contractInteroperabilityNotPaid,
                    "The interoperability information is delivered once its cost is paid (§5 (iii)).",
                    context: [
                        "request": id.rawValue, "invoice": invoice?.number.text ?? "",
                        "balance": invoice?.balance.description ?? "",
                    ])
            }
            let bundle = try InteroperabilityBundle.make(
                documents: documents, tenant: tenant, contract: request.contractID, request: id, generatedAt: now)
            let digest = bundle.file("MANIFEST.json")?.sha256
            if request.deliveredAt == nil {
                request.deliveredAt = now
                request.manifestDigest = digest
                do {
                    try await store.replace(
                        Self.interoperabilityKey(id), expectedVersion: stored.version, with: JSONCoding.encode(request))
                } catch let error as KimpleError where error.code == .storageConflict {
                    // Another writer committed first: let it run, then read again.
                    await Task.yield()
                    continue
                }
            }
            try await log(
                principal, "contract.interoperability.delivered", "interop:\(id.rawValue)",
                "\(bundle.manifest.files.count) documents; manifest \(digest?.hex ?? "")")
            return bundle
        }
        throw KimpleError(.contractConflict, "The request kept changing; try again.", context: ["request": id.rawValue])
    }

    func loadInteroperability(_ id: InteroperabilityRequestID) async throws -> Stored<InteroperabilityRequest> {
        guard let stored = try await load(InteroperabilityRequest.self, Self.interoperabilityKey(id)) else {
            throw KimpleError(
                .contractInteroperabilityInvalid, "No interoperability request has this id.",
                context: ["request": id.rawValue])
        }
        return stored
    }
}
