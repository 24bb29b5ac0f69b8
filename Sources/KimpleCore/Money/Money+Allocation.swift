extension Money {
    /// The amount shared in proportion to `ratios`, to the cent, with nothing lost or created:
    /// the parts always sum exactly to `self`.
    ///
    /// Largest-remainder method: each part first gets the cents of its exact share rounded
    /// towards zero; the cents left over go one each to the parts with the largest remainders,
    /// the earliest part first among equal remainders. A negative amount is shared as its
    /// opposite, then every part is negated, so the parts mirror those of the positive amount.
    /// A zero ratio gets zero. Fractional weights are given as integers (30 % / 70 % → `[30, 70]`).
    ///
    /// `Money.eur("100.00").allocated(by: [1, 1, 1])` = 33.34, 33.33, 33.33.
    ///
    /// Throws `core.invalid_argument` when `ratios` is empty, has a negative ratio or sums to
    /// zero, `core.out_of_range` when their sum overflows `UInt64`.
    public func allocated(by ratios: [Int]) throws -> [Money] {
        var total: UInt64 = 0
        for ratio in ratios {
            guard ratio >= 0 else { throw Self.badRatios(ratios) }
            let (sum, overflow) = total.addingReportingOverflow(UInt64(ratio))
            guard !overflow else {
                throw KimpleError(.outOfRange, "The ratios are too large; divide them by a common factor.")
            }
            total = sum
        }
        guard total > 0 else { throw Self.badRatios(ratios) }
        let magnitude = cents.magnitude
        var shares: [UInt64] = []
        var remainders: [UInt64] = []
        shares.reserveCapacity(ratios.count)
        remainders.reserveCapacity(ratios.count)
        var allocated: UInt64 = 0
        for ratio in ratios {
            // magnitude × ratio / total in 128 bits; the quotient fits since ratio <= total.
            let (quotient, remainder) = total.dividingFullWidth(magnitude.multipliedFullWidth(by: UInt64(ratio)))
            shares.append(quotient)
            remainders.append(remainder)
            allocated += quotient
        }
        // Fewer cents are left than parts with a nonzero remainder.
        let leftover = Int(magnitude - allocated)
        if leftover > 0 {
            let order = remainders.indices.sorted {
                remainders[$0] != remainders[$1] ? remainders[$0] > remainders[$1] : $0 < $1
            }
            for index in order.prefix(leftover) { shares[index] += 1 }
        }
        return shares.map { Money(cents: signedLike(cents, $0), currency: currency) }
    }

    /// The amount split into `parts` equal shares to the cent, the extra cents going to the
    /// earliest parts: 100.00 into 3 = 33.34, 33.33, 33.33; −0.05 into 3 = −0.02, −0.02, −0.01.
    /// The parts always sum exactly to `self`.
    ///
    /// Throws `core.invalid_argument` unless `parts` is 1...1,000,000.
    public func split(into parts: Int) throws -> [Money] {
        guard (1...1_000_000).contains(parts) else {
            throw KimpleError(
                .invalidArgument, "An amount is split into 1 to 1,000,000 parts.", context: ["parts": String(parts)])
        }
        let (quotient, remainder) = cents.magnitude.quotientAndRemainder(dividingBy: UInt64(parts))
        return (0..<parts).map { index in
            Money(cents: signedLike(cents, quotient + (UInt64(index) < remainder ? 1 : 0)), currency: currency)
        }
    }

    private static func badRatios(_ ratios: [Int]) -> KimpleError {
        KimpleError(
            .invalidArgument, "Allocation ratios are zero or more, with at least one above zero.",
            context: ["ratios": ratios.prefix(16).map(String.init).joined(separator: ",")])
    }
}

/// `magnitude` with the sign of `amount`; `magnitude` is at most `amount.magnitude`, so it fits.
private func signedLike(_ amount: Int64, _ magnitude: UInt64) -> Int64 {
    amount < 0 ? Int64(bitPattern: 0 &- magnitude) : Int64(magnitude)
}
