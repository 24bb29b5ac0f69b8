import Foundation
import KimpleCore
import KimpleTesting
import Testing

/// A `Decimal` from its text, independent of the machine's locale.
private func decimal(_ text: String) throws -> Decimal {
    try #require(Decimal(string: text, locale: Locale(identifier: "en_US_POSIX")))
}

// SPEC K-4: exact amounts, one rounding rule stated once.
@Suite("Money arithmetic and rounding")
struct MoneyArithmeticTests {
    // SPEC K-4: THE rounding rule, half up (away from zero) to the cent.
    @Test(
        "half-up rounding",
        arguments: [
            ("0.005", "0.01"), ("0.015", "0.02"), ("2.675", "2.68"), ("-0.005", "-0.01"), ("1.004999", "1"),
            ("1.005", "1.01"), ("-2.675", "-2.68"), ("0.0049999999999", "0"), ("-1.004999", "-1"), ("0.125", "0.13"),
            ("0.135", "0.14"), ("12.3", "12.3"), ("-0.994", "-0.99"), ("-0.995", "-1"),
            ("123456789012345.675", "123456789012345.68"),
        ])
    func rounding(value: String, expected: String) throws {
        #expect(Rounding.halfUpToCent(try decimal(value)) == (try decimal(expected)))
        #expect(try Money(rounding: try decimal(value)).decimalValue == (try decimal(expected)))
    }

    // SPEC K-4: the rounding agrees with integer half-up arithmetic on random values with 3 to 6
    // decimals (an independent reference, so a platform Decimal quirk would show).
    @Test func roundingAgainstIntegerReference() throws {
        var random = SeededRandom(seed: 0x5EED)
        for _ in 0..<5_000 {
            let scale = Int.random(in: 3...6, using: &random)
            var units = Int64.random(in: -1_000_000_000_000...1_000_000_000_000, using: &random)
            if Bool.random(using: &random) {
                // Force an exact half: ...5 followed by zeros.
                let step = Int64(pow(10, Double(scale - 2)))
                units = units / step * step + (units < 0 ? -step / 2 : step / 2)
            }
            let text = (units < 0 ? "-" : "") + digits(units.magnitude, scale: scale)
            let step = UInt64(pow(10, Double(scale - 2)))
            let (quotient, remainder) = units.magnitude.quotientAndRemainder(dividingBy: step)
            let cents = quotient + (remainder * 2 >= step ? 1 : 0)
            let expected = units < 0 ? -Int64(cents) : Int64(cents)
            #expect(try Money(rounding: try decimal(text)).cents == expected, "\(text)")
        }
    }

    private func digits(_ magnitude: UInt64, scale: Int) -> String {
        let text = String(magnitude)
        let padded = String(repeating: "0", count: max(0, scale + 1 - text.count)) + text
        return padded.dropLast(scale) + "." + padded.suffix(scale)
    }

    // SPEC K-4: computed amounts are rounded once, at the end.
    @Test func multiplicationAndPercentages() throws {
        let price = try Money.eur("1234.56")
        #expect(try price.percentage(20) == (try Money.eur("246.91")))  // 246.912
        #expect(try Money.eur("10.05").percentage(10) == (try Money.eur("1.01")))  // 1.005, half up
        #expect(try Money.eur("-10.05").percentage(10) == (try Money.eur("-1.01")))
        #expect(try Money.eur("0.01").multiplied(by: try decimal("1.5")) == (try Money.eur("0.02")))
        #expect(try Money.eur("19.99").multiplied(by: 3) == (try Money.eur("59.97")))
        // SPEC C-4 style: 31 days of late interest at 3 × 5.07 % on 10,000.00 EUR in a leap year:
        // 10,000 × 0.1521 × 31 / 366 = 128.8278... -> 128.83, rounded once.
        let principal = try Money.eur("10000.00")
        let rate = Decimal(3) * (try decimal("0.0507"))
        #expect(try principal.multiplied(by: rate * Decimal(31) / Decimal(366)) == (try Money.eur("128.83")))
        #expect(Money(cents: -50).decimalValue == (try decimal("-0.5")))
        #expect(Money(cents: .min).decimalValue == (try decimal("-92233720368547758.08")))
    }

    // SPEC K-4: rounding failures are typed errors.
    @Test func roundingErrors() throws {
        do {
            _ = try Money(rounding: .nan)
            Issue.record("accepted NaN")
        } catch let error as KimpleError {
            #expect(error.code == .invalidArgument)
        }
        for huge in ["1e30", "-92233720368547758.085", "92233720368547758.075"] {
            do {
                _ = try Money(rounding: try decimal(huge))
                Issue.record("accepted \(huge)")
            } catch let error as KimpleError {
                #expect(error.code == .outOfRange)
            }
        }
        #expect(try Money(rounding: try decimal("92233720368547758.074")).cents == .max)
        #expect(try Money(rounding: try decimal("-92233720368547758.084")).cents == .min)
        expectCode(.outOfRange) { try Money(cents: .max).multiplied(by: 2) }
        expectCode(.outOfRange) { try Money(cents: .max).multiplied(by: try decimal("1.5")) }
    }

    // SPEC K-4: same-currency arithmetic is exact; other currencies and overflow throw.
    @Test func additionAndSubtraction() throws {
        let a = try Money.eur("0.10")
        let b = try Money.eur("0.20")
        #expect(try a + b == (try Money.eur("0.30")))
        #expect(try a - b == (try Money.eur("-0.10")))
        #expect(try a.adding(b) == (try a + b))
        #expect(try -a == Money(cents: -10))
        var total = Money.zero
        try total += a
        try total -= b
        #expect(total == Money(cents: -10))
        #expect(try Money.sum([a, b, a]) == Money(cents: 40))
        #expect(try Money.sum([]) == .zero)

        let usd = Money(cents: 10, currency: try Currency(code: "USD"))
        do {
            _ = try a + usd
            Issue.record("added EUR and USD")
        } catch let error as KimpleError {
            #expect(error.code == .currencyMismatch)
            #expect(error.code.rawValue == "money.currency_mismatch")
            #expect(error.context == ["left": "EUR", "right": "USD"])
        }
        expectCode(.currencyMismatch) { try Money.sum([a, usd]) }

        var unchanged = Money(cents: .max)
        do {
            try unchanged += Money(cents: 1)
            Issue.record("overflowed silently")
        } catch let error as KimpleError {
            #expect(error.code == .outOfRange)
        }
        #expect(unchanged == Money(cents: .max))
        expectCode(.outOfRange) { try Money(cents: .min) - Money(cents: 1) }
        expectCode(.outOfRange) { try -Money(cents: .min) }
    }

    // SPEC K-4: comparisons within a currency follow the amounts.
    @Test func ordering() throws {
        let amounts = [Money(cents: 5), Money(cents: -300), Money(cents: 0), Money(cents: 120)]
        #expect(amounts.sorted().map(\.cents) == [-300, 0, 5, 120])
        #expect(Money(cents: 1) != Money(cents: 1, currency: try Currency(code: "USD")))
        #expect(Money(cents: 0).isZero && Money(cents: -1).isNegative && !Money(cents: 1).isNegative)
    }
}
