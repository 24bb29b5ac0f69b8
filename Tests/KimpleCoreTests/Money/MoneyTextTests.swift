import Foundation
import KimpleCore
import KimpleTesting
import Testing

// SPEC K-4: amounts read and written exactly, never rounded silently.
@Suite("Money text, formatting and JSON")
struct MoneyTextTests {
    // SPEC K-4: the human forms that are read, and their exact cents.
    @Test(
        "parsing",
        arguments: [
            ("1234.56", 123_456), ("1234,56", 123_456), ("1 234,56", 123_456), ("1\u{202F}234,56", 123_456),
            ("1\u{A0}234.56", 123_456), ("1 234 567,89", 123_456_789), ("-0.5", -50), ("-0,05", -5), ("+12", 1200),
            ("\u{2212}3,10", -310), ("0", 0), ("-0.00", 0), ("007.10", 710), ("  42  ", 4200), ("1 234,56 €", 123_456),
            ("1\u{202F}234,56\u{A0}€", 123_456), ("1234.56 EUR", 123_456), ("12€", 1200), ("999", 99_900),
            ("92233720368547758.07", Int(Int64.max)), ("-92233720368547758.08", Int(Int64.min)),
        ])
    func parsing(text: String, cents: Int) throws {
        #expect(try Money.eur(text) == Money(cents: Int64(cents)))
    }

    // SPEC K-4: bad inputs are typed errors (core.invalid_argument), never a guess or a rounding.
    @Test(
        "bad amounts",
        arguments: [
            "", " ", "-", "+", "abc", "1.234,56", "1,234.56", "12 34", "1234 567", "1 2345", " 1 234 5", ".5", "5.",
            "5,", "1..2", "1.2.3", "1 234,5 6", "- 5", "€12", "12 USD", "1e3", "0x10", "١٢", "12.", "1_000",
            "1\t000", "--1", "+-1", "1-", "12 €€", "EUR", "99999999999999999999x",
        ])
    func badAmounts(text: String) throws {
        do {
            _ = try Money.eur(text)
            Issue.record("accepted \(text)")
        } catch let error as KimpleError {
            #expect(error.code == .invalidArgument)
            #expect(!error.message.isEmpty)
        }
    }

    // SPEC K-4: a third decimal is refused (with what to do), not rounded.
    @Test func tooManyDecimals() throws {
        for text in ["1.005", "0,001", "1.500", "-2.675"] {
            do {
                _ = try Money.eur(text)
                Issue.record("accepted \(text)")
            } catch let error as KimpleError {
                #expect(error.code == .invalidArgument)
                #expect(error.message.contains("two decimals"))
                #expect(error.context["value"] == text)
            }
        }
    }

    // SPEC K-4: amounts beyond Int64 cents are core.out_of_range, not a trap.
    @Test func tooLarge() throws {
        for text in [
            "92233720368547758.08", "-92233720368547758.09", "99999999999999999999", "1 000 000 000 000 000 000",
        ] {
            do {
                _ = try Money.eur(text)
                Issue.record("accepted \(text)")
            } catch let error as KimpleError {
                #expect(error.code == .outOfRange)
            }
        }
    }

    // SPEC K-4: other currencies read their own code and refuse the euro's.
    @Test func currencies() throws {
        let usd = try Currency(code: "USD")
        #expect(try Money("12.50 USD", currency: usd) == Money(cents: 1250, currency: usd))
        expectCode(.invalidArgument) { try Money("12.50 €", currency: usd) }
        expectCode(.invalidArgument) { try Money("12.50 EUR", currency: usd) }
        for bad in ["eur", "EURO", "E1R", "", "€"] {
            expectCode(.invalidArgument, "\(bad)") { try Currency(code: bad) }
        }
        #expect(Currency.eur.minorDigits == 2)
        #expect(Currency.eur.symbol == "€")
        #expect(usd.symbol == "USD")
    }

    // SPEC K-4: plain and French writing.
    @Test func formatting() throws {
        #expect(Money(cents: 123_456).description == "1234.56 EUR")
        #expect(Money(cents: -5).description == "-0.05 EUR")
        #expect(Money(cents: 0).description == "0.00 EUR")
        #expect(Money(cents: 123_456).formatted(.french) == "1\u{202F}234,56\u{A0}€")
        #expect(Money(cents: 123_456_789).formatted(.french) == "1\u{202F}234\u{202F}567,89\u{A0}€")
        #expect(Money(cents: 12_345_678).formatted(.french) == "123\u{202F}456,78\u{A0}€")
        #expect(Money(cents: 100_000).formatted(.french) == "1\u{202F}000,00\u{A0}€")
        #expect(Money(cents: 99_999).formatted(.french) == "999,99\u{A0}€")
        #expect(Money(cents: -50).formatted(.french) == "-0,50\u{A0}€")
        #expect(Money(cents: -123_456).formatted(.french) == "-1\u{202F}234,56\u{A0}€")
        #expect(Money(cents: 1200, currency: try Currency(code: "USD")).formatted(.french) == "12,00\u{A0}USD")
        #expect(Money(cents: .min).description == "-92233720368547758.08 EUR")
    }

    // SPEC K-4: what is written is read back to the same amount.
    @Test func writtenAmountsReadBack() throws {
        var random = SeededRandom(seed: 0xE0E0)
        var samples: [Int64] = [0, 1, -1, 99, 100, 999_999, .max, .min]
        for _ in 0..<2_000 {
            let magnitude = Int64.random(in: 0...Int64.max, using: &random) >> Int.random(in: 0...62, using: &random)
            samples.append(Bool.random(using: &random) ? magnitude : -magnitude)
        }
        for cents in samples {
            let amount = Money(cents: cents)
            #expect(try Money.eur(amount.description) == amount)
            #expect(try Money.eur(amount.formatted(.french)) == amount)
        }
    }

    // SPEC K-4: JSON carries the amount as a string, never a float, and reads it back strictly.
    @Test func codable() throws {
        let amount = Money(cents: 123_456)
        let json = String(decoding: try JSONEncoder().encode(amount), as: UTF8.self)
        #expect(json.contains(#""amount":"1234.56""#))
        #expect(json.contains(#""currency":"EUR""#))
        let amounts = [amount, Money(cents: -5), Money(cents: 100, currency: try Currency(code: "CHF"))]
        #expect(try JSONDecoder().decode([Money].self, from: JSONEncoder().encode(amounts)) == amounts)
        let bad = [
            #"{"amount":1234.56,"currency":"EUR"}"#, #"{"amount":"1 234,56","currency":"EUR"}"#,
            #"{"amount":"1.005","currency":"EUR"}"#, #"{"amount":"12","currency":"eur"}"#,
            #"{"amount":"+12","currency":"EUR"}"#, #"{"amount":"12 EUR","currency":"EUR"}"#, #"{"amount":"12"}"#,
            #"{"amount":"99999999999999999999","currency":"EUR"}"#,
        ]
        for text in bad {
            #expect(throws: DecodingError.self, "\(text)") {
                try JSONDecoder().decode(Money.self, from: Data(text.utf8))
            }
        }
    }
}
