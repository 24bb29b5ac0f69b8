import Foundation
import KimpleContracts
import KimpleCore
import KimpleTesting
import Testing

/// Creations, interoperability and the liability cap through the service (C-9, C-13, C-14).
@Suite("Creations, interoperability, liability")
struct RightsTests {
    private func running() async throws -> (Fixture, Contract) {
        let f = try await Fixture.make(today: "2025-12-01")
        let contract = try await f.signedContract(try Fixture.content(start: "2026-01-01"))
        try f.set("2026-01-05")
        return (f, contract)
    }

    private func supplement(_ f: Fixture, _ contract: Contract, _ line: ServiceLine) async throws -> QuoteSigning {
        var content = try Fixture.content(start: "2026-01-01", lines: [line])
        content.purpose = .supplement(contract.id)
        let quote = try await f.service.createQuote(content, by: Fixture.host)
        _ = try await f.service.signQuote(
            quote.id, as: .client, signatory: try Parties.signatory(.client), by: Fixture.host)
        return try await f.service.signQuote(
            quote.id, as: .provider, signatory: try Parties.signatory(.provider), by: Fixture.host)
    }

    // SPEC C-13: rights in a creation pass to the client when the invoice lines paying for it are fully paid.
    @Test func creationRightsOnFullPayment() async throws {
        let (f, contract) = try await running()
        let line = ServiceLine(
            id: "visuel-noel", kind: .graphicCreation, label: "Visuel de Noël", unitPrice: try eur("2000.00"),
            billing: .once)
        let signing = try await supplement(f, contract, line)
        let invoice = try #require(signing.invoices.first)
        #expect(invoice.totals.totalAmount == (try eur("2400.00")))
        #expect(invoice.subject == .supplement(signing.quote.id))
        await expectError(.contractCreationInvalid) {
            try await f.service.registerCreation(contract.id, title: "x", paidBy: ["licence"], by: Fixture.host)
        }
        await expectError(.contractCreationInvalid) {
            try await f.service.registerCreation(contract.id, title: "x", paidBy: ["unknown"], by: Fixture.host)
        }
        let creation = try await f.service.registerCreation(
            contract.id, title: "Visuel de Noël", paidBy: ["visuel-noel"], by: Fixture.host)
        #expect(try await f.service.creationRights(creation.id).isTransferred == false)
        try f.set("2026-01-20")
        try await f.service.recordPayment(
            invoice.number, amount: try eur("2000.00"), receivedOn: try day("2026-01-20"), by: Fixture.host)
        let partial = try await f.service.creationRights(creation.id)
        #expect(!partial.isTransferred)
        #expect(partial.lines.first?.invoiceBalance == (try eur("400.00")))
        try f.set("2026-01-25")
        try await f.service.recordPayment(
            invoice.number, amount: try eur("400.00"), receivedOn: try day("2026-01-25"), by: Fixture.host)
        let rights = try await f.service.creationRights(creation.id)
        #expect(rights.transferredOn == (try day("2026-01-25")))
    }

    // SPEC C-14: a request for interoperability information is recorded, quoted, and once paid the SDK
    // produces the bundle: the documentation files with a manifest and their SHA-256.
    @Test func interoperabilityBundle() async throws {
        let (f, contract) = try await running()
        let request = try await f.service.requestInteroperability(
            contract.id, scope: "Export vers notre CRM", by: .host("sales"))
        #expect(request.state == .requested)
        let quote = try await f.service.quoteInteroperability(request.id, price: try eur("1500.00"), by: Fixture.host)
        #expect(quote.content.lines.map(\.kind) == [.interoperabilityInformation])
        await expectError(.contractInteroperabilityInvalid) {
            try await f.service.quoteInteroperability(request.id, price: try eur("1500.00"), by: Fixture.host)
        }
        await expectError(.contractInteroperabilityNotPaid) {
            try await f.service.interoperabilityBundle(request.id, by: Fixture.host)
        }
        _ = try await f.service.signQuote(
            quote.id, as: .client, signatory: try Parties.signatory(.client), by: Fixture.host)
        let signing = try await f.service.signQuote(
            quote.id, as: .provider, signatory: try Parties.signatory(.provider), by: Fixture.host)
        let invoice = try #require(signing.invoices.first)
        #expect(invoice.totals.totalAmount == (try eur("1800.00")))
        await expectError(.contractInteroperabilityNotPaid) {
            try await f.service.interoperabilityBundle(request.id, by: Fixture.host)
        }
        try await f.service.recordPayment(
            invoice.number, amount: try eur("1800.00"), receivedOn: try day("2026-01-05"), by: Fixture.host)
        let bundle = try await f.service.interoperabilityBundle(request.id, by: Fixture.host)
        #expect(
            bundle.files.map(\.path) == InteroperabilityDocumentation.embedded.map(\.path).sorted() + [
                "MANIFEST.json", "SHA256SUMS",
            ])
        let doc = try #require(bundle.file("Interoperability.md"))
        #expect(String(decoding: doc.contents, as: UTF8.self).hasPrefix("# Interoperability specification"))
        #expect(doc.sha256 == SHA256.hash(doc.contents))
        #expect(bundle.manifest.files.first { $0.path == "Interoperability.md" }?.sha256 == doc.sha256.hex)
        #expect(bundle.manifest.contract == contract.id)
        let manifest = try #require(bundle.file("MANIFEST.json"))
        #expect(try JSONCoding.decode(InteroperabilityManifest.self, from: manifest.contents) == bundle.manifest)
        let sums = String(decoding: try #require(bundle.file("SHA256SUMS")).contents, as: UTF8.self)
        #expect(sums.contains("\(doc.sha256.hex)  Interoperability.md\n"))
        #expect(sums.contains("\(manifest.sha256.hex)  MANIFEST.json\n"))
        try await withTemporaryDirectory { directory in
            try bundle.write(to: directory)
            for file in bundle.files {
                #expect(try Data(contentsOf: directory.appendingPathComponent(file.path)) == file.contents)
            }
        }
        let delivered = try await f.service.interoperabilityRequest(request.id)
        #expect(delivered.state == .delivered)
        #expect(delivered.manifestDigest == manifest.sha256)
    }

    // SPEC C-14: bundle paths are plain relative paths.
    @Test func bundlePaths() async throws {
        for path in ["../escape.md", "/abs.md", "a//b.md", "MANIFEST.json", "", "a\\b.md"] {
            await expectError(.contractInteroperabilityInvalid) {
                try InteroperabilityBundle.make(
                    documents: [InteroperabilityDocument(path: path, text: "x")], tenant: "brand", contract: "c",
                    request: "r", generatedAt: Date(timeIntervalSince1970: 0))
            }
        }
        let bundle = try InteroperabilityBundle.make(
            documents: [
                InteroperabilityDocument(path: "schemas/a.json", text: "{}"),
                InteroperabilityDocument(path: "A.md", text: "a"),
            ], tenant: "brand", contract: "c", request: "r", generatedAt: Date(timeIntervalSince1970: 0))
        #expect(bundle.files.map(\.path) == ["A.md", "schemas/a.json", "MANIFEST.json", "SHA256SUMS"])
        // SHA-256("a") from FIPS 180 style published values.
        #expect(bundle.manifest.files[0].sha256 == "ca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bb")
    }

    // SPEC C-9: the cap is computed from the payments actually received under the contract.
    @Test func liabilityCapFromPayments() async throws {
        let (f, contract) = try await running()
        var invoices = try await f.service.runDueTasks().invoices
        try f.set("2026-02-01")
        invoices += try await f.service.runDueTasks().invoices
        try f.set("2026-03-01")
        try await f.service.recordPayment(
            invoices[0].number, amount: try eur("1200.00"), receivedOn: try day("2026-01-30"), by: Fixture.host)
        try await f.service.recordPayment(
            invoices[1].number, amount: try eur("700.00"), receivedOn: try day("2026-02-27"), by: Fixture.host)
        let cap = try await f.service.liabilityCap(contract.id, lastDamagingEvent: try day("2026-02-27"))
        #expect(cap.cap == (try eur("1200.00")))  // the payment of the event day is not before it
        let later = try await f.service.liabilityCap(contract.id, lastDamagingEvent: try day("2026-02-28"))
        #expect(later.cap == (try eur("1900.00")))
        #expect(later.receipts.map(\.invoice.text) == ["F-000001", "F-000002"])
    }
}
