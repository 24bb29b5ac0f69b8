import Foundation
import KimpleContracts
import KimpleCore
import KimpleTesting
import Testing

/// The legal interest rate table a host maintains as a JSON file, and the error of a missing half-year (C-4).
@Suite("Legal interest rate file")
struct RateFileTests {
    static let repository = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// A late charge running into 2026-S2: due 15 June 2026, unpaid on 15 July 2026.
    private func lateCharge(_ table: LegalInterestRateTable) throws -> LateInterestBreakdown {
        try LateInterest.compute(
            amountDue: try eur("1000.00"), dueDate: try day("2026-06-15"), payments: [], asOf: try day("2026-07-15"),
            rates: table)
    }

    /// The error `body` throws, which must be a `KimpleError`.
    private func error(_ body: () throws -> Void) throws -> KimpleError {
        do {
            try body()
        } catch let error as KimpleError {
            return error
        }
        Issue.record("expected an error")
        return KimpleError(.invalidArgument, "no error")
    }

    // SPEC C-4: a missing half-year is an error that names the half-year, says where the table ends and
    // which file to change, and where the rate is published — never a guess.
    @Test func aMissingHalfYearNamesTheHalfYearAndTheFile() async throws {
        let builtIn = try error { _ = try lateCharge(.professionalCreditor) }
        #expect(builtIn.code == .contractInterestRateUnknown)
        #expect(builtIn.context["halfYear"] == "2026-S2")
        #expect(builtIn.context["latestKnown"] == "2026-S1")
        #expect(builtIn.context["file"] == "none (built-in table)")
        #expect(builtIn.message.contains("LegalInterestRateTable.load(contentsOf:)"))
        #expect(builtIn.message.contains("Journal officiel"))
        try await withTemporaryDirectory { root in
            let url = root.appendingPathComponent("legal-interest-rates.json")
            try LegalInterestRateTable.professionalCreditor.fileData().write(to: url)
            let loaded = try LegalInterestRateTable.load(contentsOf: url)
            let fromFile = try error { _ = try lateCharge(loaded) }
            #expect(fromFile.code == .contractInterestRateUnknown)
            #expect(fromFile.context["halfYear"] == "2026-S2")
            #expect(fromFile.context["file"] == url.path)
            #expect(fromFile.message.contains(url.path))
            #expect(fromFile.message.contains(#"add "2026-S2""#))
        }
    }

    // SPEC C-4: the table round-trips through its file; a host adds the new half-year to the file and the
    // late charge is computed. (3.00 % is a test value in a temporary file, not a published rate.)
    @Test func theHostsFileIsTheTable() async throws {
        try await withTemporaryDirectory { root in
            let url = root.appendingPathComponent("rates.json")
            try LegalInterestRateTable.professionalCreditor.fileData().write(to: url)
            let text = try String(contentsOf: url, encoding: .utf8)
            #expect(text.contains(#""format" : "kimple-legal-interest-rates/1""#))
            #expect(text.contains(#""2026-S1" : "2.62""#))
            let loaded = try LegalInterestRateTable.load(contentsOf: url)
            #expect(loaded == .professionalCreditor)
            #expect(loaded.source == url.path)
            let updated = text.replacingOccurrences(
                of: #""2026-S1" : "2.62""#, with: #""2026-S1" : "2.62", "2026-S2" : "3.00""#)
            try Data(updated.utf8).write(to: url)
            // 15 days at 7.86 % + 15 days at 9.00 %: (1,179 + 1,350) / 365 = 6.9287... → 6.93 EUR.
            #expect(try lateCharge(try LegalInterestRateTable.load(contentsOf: url)).interest == (try eur("6.93")))

            // The service reloads the file without a restart; a bad file leaves the table in use.
            let f = try await Fixture.make(today: "2026-12-07")
            #expect(f.service.interestRates == .professionalCreditor)
            try f.service.reloadLegalInterestRates(contentsOf: url)
            #expect(try f.service.interestRates.rate(for: try HalfYear("2026-S2")) == (try Percent("3.00")))
            try Data("{}".utf8).write(to: url)
            await expectError(.contractInterestTableInvalid) { try f.service.reloadLegalInterestRates(contentsOf: url) }
            #expect(try f.service.interestRates.rate(for: try HalfYear("2026-S2")) == (try Percent("3.00")))
        }
    }

    // SPEC C-4: a file that is not a professional creditors' table in the documented format is refused
    // with `contract.interest.table_invalid`, naming the file.
    @Test func aBadFileIsRefused() async throws {
        try await withTemporaryDirectory { root in
            let url = root.appendingPathComponent("rates.json")
            await expectError(.contractInterestTableInvalid) { try LegalInterestRateTable.load(contentsOf: url) }
            let header = #""format":"kimple-legal-interest-rates/1","creditor":"professional""#
            for bad in [
                "not json",
                #"{"rates":{"2026-S1":"2.62"}}"#,
                #"{"format":"kimple-legal-interest-rates/2","creditor":"professional","rates":{}}"#,
                #"{"format":"kimple-legal-interest-rates/1","creditor":"private","rates":{}}"#,
                "{\(header),\"rates\":{\"2026-S3\":\"2.62\"}}",
                "{\(header),\"rates\":{\"2026-S1\":\"2,62\"}}",
                "{\(header),\"rates\":{\"2026-S1\":\"150\"}}",
                "{\(header),\"rates\":{\"2026-S1\":2.62}}",
            ] {
                try Data(bad.utf8).write(to: url)
                let refused = try error { _ = try LegalInterestRateTable.load(contentsOf: url) }
                #expect(refused.code == .contractInterestTableInvalid, "\(bad)")
                #expect(refused.context["file"] == url.path, "\(bad)")
            }
        }
    }

    // SPEC C-4: the JSON Schema of the rate file describes what `fileData()` writes.
    @Test func theSchemaDescribesTheFile() throws {
        let schemaURL = Self.repository.appendingPathComponent(
            "Documentation/Schemas/legal-interest-rates.schema.json")
        let schema = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: schemaURL)) as? [String: Any])
        let properties = try #require(schema["properties"] as? [String: Any])
        let required = try #require(schema["required"] as? [String])
        let file = try #require(
            try JSONSerialization.jsonObject(with: LegalInterestRateTable.professionalCreditor.fileData())
                as? [String: Any])
        #expect(Set(required).isSubset(of: Set(file.keys)))
        #expect(Set(file.keys).isSubset(of: Set(properties.keys)))
        let rates = try #require(properties["rates"] as? [String: Any])
        let pattern = try #require((rates["propertyNames"] as? [String: Any])?["pattern"] as? String)
        for key in (file["rates"] as? [String: Any] ?? [:]).keys {
            #expect(key.range(of: pattern, options: .regularExpression) != nil, "\(key)")
        }
    }
}
