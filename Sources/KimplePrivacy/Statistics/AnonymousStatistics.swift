import KimpleCore

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// How to turn records into a two-way table of counts (P-10): which row and which column
/// a record counts in, and optionally who the person is, so that a person counts once per
/// cell.
public struct StatisticsSpec: Sendable {
    /// The table's title.
    public var title: String
    /// What the rows are (`Operation`).
    public var rowTitle: String
    /// What the columns are (`Month`); a one-way table has a single column.
    public var columnTitle: String
    /// The anonymity threshold `k`: a count below it is withheld (default 10).
    public var threshold: Int
    /// The row and column of a record, or `nil` to leave it out.
    public var classify: @Sendable (PersonalDataRecord) -> (row: String, column: String)?
    /// The person behind a record (a field such as the e-mail), so that a cell counts
    /// persons, not entries: each (row, column, person) counts once. `nil`: entries count.
    public var person: (@Sendable (PersonalDataRecord) -> String?)?

    /// A spec with the threshold 10 by default.
    public init(
        title: String, rowTitle: String, columnTitle: String, threshold: Int = 10,
        classify: @escaping @Sendable (PersonalDataRecord) -> (row: String, column: String)?,
        person: (@Sendable (PersonalDataRecord) -> String?)? = nil
    ) {
        self.title = title
        self.rowTitle = rowTitle
        self.columnTitle = columnTitle
        self.threshold = threshold
        self.classify = classify
        self.person = person
    }

    /// Rows by the value of `field` (records without it are left out), columns by the
    /// calendar month of recording in Paris (`2026-06`); persons by `personField` when given.
    public static func byField(
        _ field: String, title: String, rowTitle: String, personField: String? = nil, threshold: Int = 10,
        calendar: FrenchCalendar = .paris
    ) -> StatisticsSpec {
        let classify: @Sendable (PersonalDataRecord) -> (row: String, column: String)? = { record in
            guard let row = record.fields[field] else { return nil }
            return (row: row, column: calendar.month(of: record.recordedAt).description)
        }
        var person: (@Sendable (PersonalDataRecord) -> String?)?
        if let personField {
            person = { record in record.fields[personField] }
        }
        return StatisticsSpec(
            title: title, rowTitle: rowTitle, columnTitle: "Month", threshold: threshold, classify: classify,
            person: person)
    }
}

/// Counts records into a two-way table; feed it with ``add(_:)`` then take ``table()``.
public struct StatisticsAccumulator: Sendable {
    /// The spec used.
    public let spec: StatisticsSpec
    private var counts: [String: [String: Int]] = [:]
    /// The persons counted per cell, by their exact key: two persons whose keys hash alike
    /// still count twice (a set of hash values would merge them).
    private var seen: [String: [String: Set<String>]] = [:]
    /// Records given.
    public private(set) var recordsSeen = 0
    /// Records counted (classified).
    public private(set) var recordsCounted = 0

    /// An empty accumulator.
    public init(spec: StatisticsSpec) {
        self.spec = spec
    }

    /// Counts `record` in its cell (once per person and cell when the spec names persons).
    public mutating func add(_ record: PersonalDataRecord) {
        recordsSeen += 1
        guard let (row, column) = spec.classify(record) else { return }
        if let person = spec.person {
            guard let key = person(record) else { return }
            // SPEC P-10: a person counts once per cell, two persons twice (exact keys, not hashes).
            guard seen[row, default: [:]][column, default: []].insert(key).inserted else { return }
        }
        recordsCounted += 1
        counts[row, default: [:]][column, default: 0] += 1
    }

    /// Adds `count` to cell (`row`, `column`) directly: for hosts that aggregate elsewhere.
    public mutating func add(row: String, column: String, count: Int = 1) {
        counts[row, default: [:]][column, default: 0] += max(0, count)
        recordsCounted += max(0, count)
    }

    /// The protected table: rows and columns sorted, counts withheld per
    /// ``DisclosureControl``. Throws `privacy.statistics.invalid` for a threshold below 2.
    public func table() throws -> AnonymousStatistics {
        let rows = counts.keys.sorted()
        let columns = Set(counts.values.flatMap(\.keys)).sorted()
        let matrix = rows.map { row in columns.map { counts[row]?[$0] ?? 0 } }
        return try AnonymousStatistics(
            title: spec.title, rowTitle: spec.rowTitle, columnTitle: spec.columnTitle, rows: rows, columns: columns,
            counts: matrix, threshold: spec.threshold, countsPersons: spec.person != nil)
    }
}

/// An anonymous statistics table, safe to keep after participant data is erased (P-10): no
/// count below the threshold is published, and no published total lets one recompute a
/// withheld count (see ``DisclosureControl``).
public struct AnonymousStatistics: Sendable, Hashable, Codable {
    /// The title.
    public var title: String
    /// What rows are.
    public var rowTitle: String
    /// What columns are.
    public var columnTitle: String
    /// Row labels.
    public var rows: [String]
    /// Column labels.
    public var columns: [String]
    /// `cells[i][j]`.
    public var cells: [[PublishedCount]]
    /// Row totals.
    public var rowTotals: [PublishedCount]
    /// Column totals.
    public var columnTotals: [PublishedCount]
    /// Grand total.
    public var total: PublishedCount
    /// The threshold `k` applied.
    public var threshold: Int
    /// Whether counts are persons (each once per cell) rather than entries.
    public var countsPersons: Bool
    /// Counts withheld below the threshold.
    public var primarySuppressions: Int
    /// Counts withheld to protect them.
    public var secondarySuppressions: Int

    /// Protects `counts` (rows × columns) with threshold `threshold`. Throws
    /// `privacy.statistics.invalid` when the labels do not match the counts or the threshold
    /// is below 2.
    public init(
        title: String, rowTitle: String, columnTitle: String, rows: [String], columns: [String], counts: [[Int]],
        threshold: Int, countsPersons: Bool = false
    ) throws {
        guard counts.count == rows.count, counts.allSatisfy({ $0.count == columns.count }) else {
            throw KimpleError(.privacyStatisticsInvalid, "There is one label per row and per column.")
        }
        let pattern = try DisclosureControl.protect(counts, threshold: threshold)
        func published(_ value: Int, _ hidden: Bool) -> PublishedCount { hidden ? .suppressed : .value(value) }
        self.title = title
        self.rowTitle = rowTitle
        self.columnTitle = columnTitle
        self.rows = rows
        self.columns = columns
        self.cells = counts.indices.map { i in
            counts[i].indices.map { j in published(counts[i][j], pattern.cells[i][j]) }
        }
        self.rowTotals = counts.indices.map { published(counts[$0].reduce(0, +), pattern.rowTotals[$0]) }
        self.columnTotals = columns.indices.map { j in
            published(counts.reduce(0) { $0 + $1[j] }, pattern.columnTotals[j])
        }
        self.total = published(counts.joined().reduce(0, +), pattern.total)
        self.threshold = threshold
        self.countsPersons = countsPersons
        self.primarySuppressions = pattern.primary
        self.secondarySuppressions = pattern.secondary
    }

    /// The table as Markdown (`x` for a withheld count).
    public var markdown: String {
        var text = "### \(title)\n\n"
        text += "| \(rowTitle) \\ \(columnTitle) | " + columns.joined(separator: " | ") + " | Total |\n"
        text += "|---|" + String(repeating: "---:|", count: columns.count + 1) + "\n"
        for (i, row) in rows.enumerated() {
            text += "| \(row) | " + cells[i].map(\.description).joined(separator: " | ") + " | \(rowTotals[i]) |\n"
        }
        text += "| Total | " + columnTotals.map(\.description).joined(separator: " | ") + " | \(total) |\n\n"
        text +=
            "Counts of \(countsPersons ? "persons" : "entries") below \(threshold) are withheld (x), "
            + "with others withheld so that no total reveals them.\n"
        return text
    }
}
