import KimpleCore
import KimpleTesting
import Testing

// SPEC K-4: allocation never loses or creates a cent.
@Suite("Money allocation")
struct MoneyAllocationTests {
    // SPEC K-4: 100.00 split in 3 gives the extra cent to the first part.
    @Test func splitIntoThree() throws {
        #expect(try Money.eur("100.00").split(into: 3).map(\.cents) == [3334, 3333, 3333])
        #expect(try Money.eur("-100.00").split(into: 3).map(\.cents) == [-3334, -3333, -3333])
        #expect(try Money.eur("0.02").split(into: 3).map(\.cents) == [1, 1, 0])
        #expect(try Money.eur("-0.05").split(into: 3).map(\.cents) == [-2, -2, -1])
        #expect(try Money.eur("7.00").split(into: 1).map(\.cents) == [700])
        #expect(try Money(cents: .min).split(into: 2).map(\.cents) == [.min / 2, .min / 2])
        #expect(try Money.eur("100.00").allocated(by: [1, 1, 1]) == (try Money.eur("100.00").split(into: 3)))
        for parts in [0, -1, 1_000_001] {
            expectCode(.invalidArgument, "\(parts)") { try Money.eur("1.00").split(into: parts) }
        }
    }

    // SPEC K-4: largest remainder, ties to the earliest part, zero ratios get zero.
    @Test func allocationByRatios() throws {
        // 100.00 × 1/3 = 33.333..., × 2/3 = 66.666...: the larger remainder takes the cent.
        #expect(try Money.eur("100.00").allocated(by: [1, 2]).map(\.cents) == [3333, 6667])
        #expect(try Money.eur("0.05").allocated(by: [1, 1]).map(\.cents) == [3, 2])
        #expect(try Money.eur("0.05").allocated(by: [0, 1, 1]).map(\.cents) == [0, 3, 2])
        #expect(try Money.eur("1000.00").allocated(by: [30, 70]).map(\.cents) == [30_000, 70_000])
        #expect(try Money.eur("-0.10").allocated(by: [1, 2]).map(\.cents) == [-3, -7])
        #expect(try Money(cents: .max).allocated(by: [Int.max, Int.max]).map(\.cents) == [.max / 2 + 1, .max / 2])
        let usd = try Currency(code: "USD")
        #expect(try Money(cents: 10, currency: usd).allocated(by: [1, 1]).allSatisfy { $0.currency == usd })
    }

    // SPEC K-4: bad ratios are typed errors.
    @Test func badRatios() throws {
        for ratios in [[], [0], [0, 0], [-1, 2], [1, -1]] {
            do {
                _ = try Money.eur("1.00").allocated(by: ratios)
                Issue.record("accepted \(ratios)")
            } catch let error as KimpleError {
                #expect(error.code == .invalidArgument)
            }
        }
        do {
            _ = try Money.eur("1.00").allocated(by: [Int.max, Int.max, Int.max])
            Issue.record("accepted an overflowing sum")
        } catch let error as KimpleError {
            #expect(error.code == .outOfRange)
        }
    }

    // SPEC K-4: over many random cases the parts sum exactly, each is its exact share rounded
    // down or up by one cent, and the cents went to the largest remainders.
    @Test func randomAllocationsSumExactly() throws {
        var random = SeededRandom(seed: 0xA110C)
        for _ in 0..<5_000 {
            let magnitude = Int64.random(in: 0...Int64.max, using: &random) >> Int.random(in: 0...63, using: &random)
            let amount = Money(cents: Bool.random(using: &random) ? magnitude : -magnitude)
            let ratios = (0..<Int.random(in: 1...12, using: &random)).map { _ in
                Int.random(in: 0...1_000, using: &random)
            }
            guard ratios.contains(where: { $0 > 0 }) else { continue }
            let total = UInt64(ratios.reduce(0, +))
            let parts = try amount.allocated(by: ratios)
            #expect(parts.count == ratios.count)
            #expect(try Money.sum(parts) == amount)
            var remainders: [(remainder: UInt64, gotExtra: Bool)] = []
            for (part, ratio) in zip(parts, ratios) {
                let exact = total.dividingFullWidth(amount.cents.magnitude.multipliedFullWidth(by: UInt64(ratio)))
                #expect(part.cents.magnitude == exact.quotient || part.cents.magnitude == exact.quotient + 1)
                #expect(part.cents == 0 || (part.cents < 0) == (amount.cents < 0))
                remainders.append((exact.remainder, part.cents.magnitude == exact.quotient + 1))
            }
            let lowestServed = remainders.filter(\.gotExtra).map(\.remainder).min() ?? .max
            let highestUnserved = remainders.filter { !$0.gotExtra }.map(\.remainder).max() ?? 0
            #expect(lowestServed >= highestUnserved)
            // Among equal remainders the earliest parts are served first.
            for (index, entry) in remainders.enumerated() where !entry.gotExtra {
                #expect(!remainders[(index + 1)...].contains { $0.remainder == entry.remainder && $0.gotExtra })
            }
            let split = try amount.split(into: ratios.count)
            #expect(try Money.sum(split) == amount)
            let sizes = split.map(\.cents.magnitude)
            #expect((sizes.max() ?? 0) - (sizes.min() ?? 0) <= 1)
        }
    }
}
