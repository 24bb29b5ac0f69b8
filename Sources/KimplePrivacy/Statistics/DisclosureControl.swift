import KimpleCore

/// A count as published: its value, or suppressed. JSON: the number, or `null`.
public enum PublishedCount: Sendable, Hashable, Codable, CustomStringConvertible {
    /// Published.
    case value(Int)
    /// Withheld to protect small groups.
    case suppressed

    /// The value, or `nil` when suppressed.
    public var value: Int? {
        if case .value(let v) = self { return v }
        return nil
    }

    /// The number, or `x` when suppressed.
    public var description: String { value.map(String.init) ?? "x" }

    /// Decodes a number as ``value(_:)`` and `null` as ``suppressed``.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        self = container.decodeNil() ? .suppressed : .value(try container.decode(Int.self))
    }

    /// Encodes ``value(_:)`` as the number and ``suppressed`` as `null`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .value(let v): try container.encode(v)
        case .suppressed: try container.encodeNil()
        }
    }
}

/// Which counts of a table to withhold (P-10 "données statistiques anonymes"): the rule as
/// a pure function over a table of counts with its margins.
///
/// The table is `rows × columns` counts, with row totals, column totals and the grand
/// total. Seen with its margins it is an `(R+1) × (C+1)` grid in which every line (a row
/// with its total, a column with its total) is an equation `part + ... + part = total`.
///
/// 1. **Primary suppression (threshold `k`).** Every count `c` with `0 < c < k` is withheld,
///    margins included. Zero counts are published: they describe no one.
/// 2. **Secondary suppression (differencing).** Repeated until nothing changes, for every
///    line: a line may not have exactly one withheld count (the total minus the others
///    would reveal it), and when its total is published, the withheld parts together must
///    add up to 0 or at least `k` (else their sum is itself a small group). A line that
///    breaks a rule gets its smallest published non-zero part withheld (first in order on
///    ties); when it has none, its total (or, failing that, a zero part) is withheld.
///
/// The result never lets one line's arithmetic reveal a withheld count or a small sum of
/// them; it is the classic threshold-and-complementary-suppression rule, deterministic.
public enum DisclosureControl {
    /// The withheld positions of a table.
    public struct Pattern: Sendable, Hashable {
        /// `cells[i][j]`: whether the count of row `i`, column `j` is withheld.
        public var cells: [[Bool]]
        /// Whether each row total is withheld.
        public var rowTotals: [Bool]
        /// Whether each column total is withheld.
        public var columnTotals: [Bool]
        /// Whether the grand total is withheld.
        public var total: Bool
        /// Counts withheld because they are below the threshold.
        public var primary: Int
        /// Counts withheld to protect others.
        public var secondary: Int
    }

    /// The suppression pattern of `counts` (rows of equal length, counts ≥ 0) at threshold
    /// `k`. Margins are computed here as sums. Throws `privacy.statistics.invalid` for
    /// `k < 2`, ragged rows or a negative count.
    public static func protect(_ counts: [[Int]], threshold k: Int) throws -> Pattern {
        guard k >= 2 else {
            throw KimpleError(
                .privacyStatisticsInvalid, "The anonymity threshold is at least 2 (10 by default).",
                context: ["threshold": String(k)])
        }
        let columns = counts.first?.count ?? 0
        guard counts.allSatisfy({ $0.count == columns }), counts.allSatisfy({ $0.allSatisfy { $0 >= 0 } }) else {
            throw KimpleError(.privacyStatisticsInvalid, "Counts form a rectangle of non-negative numbers.")
        }
        var grid = Grid(counts)
        var primary = 0
        for i in 0...grid.rows {
            for j in 0...grid.columns where grid.value[i][j] > 0 && grid.value[i][j] < k {
                grid.hidden[i][j] = true
                primary += 1
            }
        }
        var secondary = 0
        var changed = true
        while changed {
            changed = false
            for line in grid.lines() {
                guard let position = grid.repair(line, threshold: k) else { continue }
                grid.hidden[position.0][position.1] = true
                secondary += 1
                changed = true
            }
        }
        let r = grid.rows
        let c = grid.columns
        return Pattern(
            cells: (0..<r).map { i in Array(grid.hidden[i][0..<c]) },
            rowTotals: (0..<r).map { grid.hidden[$0][c] },
            columnTotals: Array(grid.hidden[r][0..<c]),
            total: grid.hidden[r][c], primary: primary, secondary: secondary)
    }

    /// The lines of a published table that break the rules (empty when safe): for tests and
    /// for hosts checking a table they built themselves. `nil` values are withheld counts;
    /// `values` is the full table with margins (`(R+1) × (C+1)`).
    public static func problems(values: [[Int]], hidden: [[Bool]], threshold k: Int) -> [String] {
        var problems: [String] = []
        let rows = values.count - 1
        let columns = (values.first?.count ?? 1) - 1
        var lines: [(String, [(Int, Int)])] = []
        for i in 0...rows { lines.append(("row \(i)", (0...columns).map { (i, $0) })) }
        for j in 0...columns { lines.append(("column \(j)", (0...rows).map { ($0, j) })) }
        for i in 0...rows {
            for j in 0...columns where !hidden[i][j] && values[i][j] > 0 && values[i][j] < k {
                problems.append("count at \(i),\(j) is \(values[i][j]) < \(k) and published")
            }
        }
        for (name, cells) in lines {
            let withheld = cells.filter { hidden[$0.0][$0.1] }
            if withheld.count == 1 {
                problems.append("\(name): one withheld count can be recomputed from the total")
            }
            guard let total = cells.last, !hidden[total.0][total.1] else { continue }
            let sum = withheld.reduce(0) { $0 + values[$1.0][$1.1] }
            if sum > 0 && sum < k {
                problems.append("\(name): withheld counts add up to \(sum) < \(k)")
            }
        }
        return problems
    }

    /// The grid with margins, and what is withheld.
    private struct Grid {
        var value: [[Int]]
        var hidden: [[Bool]]
        let rows: Int
        let columns: Int

        init(_ counts: [[Int]]) {
            rows = counts.count
            columns = counts.first?.count ?? 0
            var value = counts.map { $0 + [$0.reduce(0, +)] }
            value.append((0...columns).map { j in value.reduce(0) { $0 + $1[j] } })
            self.value = value
            hidden = Array(repeating: Array(repeating: false, count: columns + 1), count: rows + 1)
        }

        /// Every line: its parts, then its total.
        func lines() -> [[(Int, Int)]] {
            var result: [[(Int, Int)]] = []
            for i in 0...rows { result.append((0...columns).map { (i, $0) }) }
            for j in 0...columns { result.append((0...rows).map { ($0, j) }) }
            return result
        }

        /// The position to withhold so that `line` moves towards the rules, or `nil` when it
        /// already follows them.
        func repair(_ line: [(Int, Int)], threshold k: Int) -> (Int, Int)? {
            guard let total = line.last else { return nil }
            let parts = line.dropLast()
            let withheld = line.filter { hidden[$0.0][$0.1] }
            let totalHidden = hidden[total.0][total.1]
            let sum = parts.filter { hidden[$0.0][$0.1] }.reduce(0) { $0 + value[$1.0][$1.1] }
            let needsMore = withheld.count == 1 || (!totalHidden && sum > 0 && sum < k)
            guard needsMore else { return nil }
            let published = parts.filter { !hidden[$0.0][$0.1] }
            if let smallest = published.filter({ value[$0.0][$0.1] > 0 }).min(by: {
                value[$0.0][$0.1] < value[$1.0][$1.1]
            }) {
                return smallest
            }
            if !totalHidden { return total }
            return published.first
        }
    }
}
