import Foundation
import KimpleCore
import KimplePrivacy
import Testing

/// Issue 16, item 8 (c): persons are told apart by their exact key, not by a hash value.
@Suite("Anonymous statistics: persons counted exactly")
struct StatisticsPersonTests {
    static let june = Date(timeIntervalSince1970: 1_781_000_000)

    static func record(_ person: String, _ index: Int) -> PersonalDataRecord {
        PersonalDataRecord(
            holder: "h", recordID: "r\(index)", recordedAt: june, categories: [.email],
            fields: ["operation": "summer", "email": person])
    }

    // SPEC P-10
    @Test("each distinct person counts once per cell, however many entries they have")
    func exactPersons() throws {
        var accumulator = StatisticsAccumulator(
            spec: .byField("operation", title: "Participants", rowTitle: "Operation", personField: "email"))
        // 40,000 distinct persons, each with two entries. A set of hash values can merge two
        // persons whose keys hash alike (rare with a random seed, never impossible); keys are
        // compared exactly.
        let persons = 40_000
        for index in 0..<(2 * persons) { accumulator.add(Self.record("p\(index % persons)@example.com", index)) }
        #expect(accumulator.recordsSeen == 2 * persons)
        #expect(accumulator.recordsCounted == persons)
        let table = try accumulator.table()
        #expect(table.total == .value(persons) && table.countsPersons)
        // Keys are strings: canonically equivalent spellings are one person.
        var accents = StatisticsAccumulator(
            spec: .byField("operation", title: "Participants", rowTitle: "Operation", personField: "email"))
        accents.add(Self.record("zo\u{E9}@example.com", 0))
        accents.add(Self.record("zoe\u{301}@example.com", 1))
        #expect(accents.recordsCounted == 1)
    }
}
