import Foundation
import KimpleCore
import KimplePrivacy
import KimpleTesting
import Testing

@Suite("Anonymous statistics")
struct StatisticsTests {
    /// The table with its margins, as `DisclosureControl.problems` reads it.
    func withMargins(_ counts: [[Int]]) -> [[Int]] {
        var grid = counts.map { $0 + [$0.reduce(0, +)] }
        grid.append((0..<(counts.first?.count ?? 0) + 1).map { j in grid.reduce(0) { $0 + $1[j] } })
        return grid
    }

    func hidden(_ p: DisclosureControl.Pattern) -> [[Bool]] {
        var grid = p.cells.indices.map { p.cells[$0] + [p.rowTotals[$0]] }
        grid.append(p.columnTotals + [p.total])
        return grid
    }

    // SPEC P-10
    @Test("a count below the threshold is withheld, zeros and larger counts are published")
    func primary() throws {
        let table = try AnonymousStatistics(
            title: "Entries", rowTitle: "Operation", columnTitle: "Month", rows: ["a", "b"], columns: ["06", "07"],
            counts: [[120, 45], [0, 80]], threshold: 10)
        #expect(table.cells == [[.value(120), .value(45)], [.value(0), .value(80)]])
        #expect(table.total == .value(245))
        #expect(table.primarySuppressions == 0)
        expectCode(.privacyStatisticsInvalid) {
            try AnonymousStatistics(
                title: "t", rowTitle: "r", columnTitle: "c", rows: ["a"], columns: ["x"], counts: [[1]], threshold: 1)
        }
    }

    // SPEC P-10
    @Test("differencing: a total minus the other counts cannot reveal a withheld count")
    func differencingOneWay() throws {
        // One column: operations A, B, C with 50, 3, 20 entries; total 73.
        // B (3) is withheld; with the total published, 73 - 50 - 20 would give it back,
        // so the smallest other count (C, 20) is withheld too: B + C = 23 ≥ 10.
        let table = try AnonymousStatistics(
            title: "Entries", rowTitle: "Operation", columnTitle: "All", rows: ["A", "B", "C"], columns: ["all"],
            counts: [[50], [3], [20]], threshold: 10)
        #expect(table.cells == [[.value(50)], [.suppressed], [.suppressed]])
        #expect(table.columnTotals == [.value(73)])
        #expect(table.total == .value(73))
        #expect(table.primarySuppressions == 2)  // B's count and its row total
        #expect(table.markdown.contains("| B | x | x |"))
    }

    // SPEC P-10
    @Test("differencing: withheld counts adding up to less than the threshold get company")
    func smallSum() throws {
        // B = 3 and C = 4 are both withheld, but 57 - 50 = 7 < 10 would reveal that two small
        // groups add up to 7: A is withheld too, leaving only the total.
        let pattern = try DisclosureControl.protect([[50], [3], [4]], threshold: 10)
        #expect(pattern.cells == [[true], [true], [true]])
        #expect(pattern.columnTotals == [false])
        #expect(
            DisclosureControl.problems(values: withMargins([[50], [3], [4]]), hidden: hidden(pattern), threshold: 10)
                .isEmpty)
    }

    // SPEC P-10
    @Test("differencing in two dimensions: every line keeps at least two withheld counts")
    func differencingTwoWay() throws {
        let counts = [
            [40, 2, 30],
            [25, 15, 12],
            [33, 18, 21],
        ]
        let pattern = try DisclosureControl.protect(counts, threshold: 10)
        // The 2 is withheld; row 0 then gives up its smallest other count (30), column 1 its
        // smallest (15); row 1 and column 2 follow (12): a rectangle no line can undo.
        #expect(
            pattern.cells == [
                [false, true, true],
                [false, true, true],
                [false, false, false],
            ])
        #expect(pattern.primary == 1)
        #expect(pattern.secondary == 3)
        #expect(pattern.rowTotals == [false, false, false])
        #expect(DisclosureControl.problems(values: withMargins(counts), hidden: hidden(pattern), threshold: 10).isEmpty)
        // Unprotected, the checker sees the leak.
        var leaky = hidden(pattern)
        leaky[0][2] = false
        #expect(!DisclosureControl.problems(values: withMargins(counts), hidden: leaky, threshold: 10).isEmpty)
    }

    // SPEC P-10
    @Test("random tables come out with no line that reveals a withheld count")
    func randomTables() throws {
        var random = try ChaCha20Random(key: SHA256.hash("statistics"))
        for _ in 0..<300 {
            let rows = Int(random.uniform(below: 5)) + 1
            let columns = Int(random.uniform(below: 5)) + 1
            let counts = (0..<rows).map { _ in
                (0..<columns).map { _ in
                    random.uniform(below: 4) == 0 ? Int(random.uniform(below: 10)) : Int(random.uniform(below: 60))
                }
            }
            let pattern = try DisclosureControl.protect(counts, threshold: 10)
            let problems = DisclosureControl.problems(
                values: withMargins(counts), hidden: hidden(pattern), threshold: 10)
            #expect(problems.isEmpty, "\(counts): \(problems)")
        }
    }

    // SPEC P-10
    @Test("persons count once per cell when the spec names them")
    func personsOncePerCell() throws {
        var accumulator = StatisticsAccumulator(
            spec: .byField(
                "operation", title: "Participants", rowTitle: "Operation", personField: "email", threshold: 2))
        let june = instant("2026-06-10T10:00:00Z")
        for n in 0..<5 {
            accumulator.add(
                PersonalDataRecord(
                    holder: "h", recordID: "\(n)", recordedAt: june, categories: [.email],
                    fields: ["operation": "summer", "email": n < 3 ? "ann@example.org" : "bob@example.org"]))
        }
        accumulator.add(PersonalDataRecord(holder: "h", recordID: "x", recordedAt: june, categories: [], fields: [:]))
        let table = try accumulator.table()
        #expect(table.cells == [[.value(2)]])
        #expect(table.columns == ["2026-06"])
        #expect(table.countsPersons)
        #expect(accumulator.recordsSeen == 6)
    }
}
