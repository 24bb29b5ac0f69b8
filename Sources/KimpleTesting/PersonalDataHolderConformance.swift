import Foundation
import KimpleCore
import KimplePrivacy

/// The checks every ``PersonalDataHolder`` must pass so that requests of data subjects,
/// retention and end-of-contract destruction reach its data (P-3, P-9, P-10). Games'
/// participation store runs them, and so does a host's own holder.
///
/// The suite cannot write into a holder (the protocol has no insert): `makeHolder` receives
/// the people to store and returns a holder holding one record per ``Seed``, findable by
/// the seed's e-mail, phone (when given) and participant id.
///
/// ```swift
/// @Test func participationsConform() async throws {
///     try await PersonalDataHolderConformance.run { seeds in
///         let store = ParticipationStore(...)
///         for seed in seeds { try await store.accept(...) }
///         return store
///     }
/// }
/// ```
public enum PersonalDataHolderConformance {
    /// One person's record to store.
    public struct Seed: Sendable, Hashable {
        /// The participant id the record is found by.
        public var participant: ParticipantID
        /// The e-mail the record is found by.
        public var email: String
        /// The phone the record is found by, when given.
        public var phone: String?
        /// When the record was recorded (retention is checked against it).
        public var recordedAt: Date
        /// Other fields.
        public var fields: [String: String]

        /// A seed.
        public init(
            participant: ParticipantID, email: String, phone: String? = nil, recordedAt: Date,
            fields: [String: String] = [:]
        ) {
            self.participant = participant
            self.email = email
            self.phone = phone
            self.recordedAt = recordedAt
            self.fields = fields
        }
    }

    /// The seeds every check uses: five people, Alice with two records (the second on a
    /// later day), recorded between 1 and 40 days before 2026-06-01T10:00:00Z.
    public static let seeds: [Seed] = {
        let base = Date(timeIntervalSince1970: 1_780_308_000)  // 2026-06-01T10:00:00Z
        func day(_ n: Double) -> Date { base.addingTimeInterval(-n * 86_400) }
        return [
            Seed(participant: "alice-1", email: "alice@example.org", phone: "+33600000001", recordedAt: day(40)),
            Seed(participant: "bob", email: "bob@example.org", recordedAt: day(30)),
            Seed(participant: "carol", email: "carol@example.org", phone: "+33600000003", recordedAt: day(20)),
            Seed(participant: "alice-2", email: "alice@example.org", recordedAt: day(5)),
            Seed(participant: "dave", email: "dave@example.org", recordedAt: day(1)),
        ]
    }()

    /// Runs every check; `makeHolder` is called once per check and returns a fresh holder
    /// holding `seeds` (and nothing else). Throws ``ConformanceFailures`` listing every failed check.
    ///
    /// `rectifies` is `false` for a holder whose records hold nothing a person can have
    /// rectified (robot events: a source, a signal, a time); the rectification check then
    /// requires that a rectification changes nothing instead.
    @discardableResult
    public static func run(
        rectifies: Bool = true, _ makeHolder: ([Seed]) async throws -> any PersonalDataHolder
    ) async throws -> ConformanceReport {
        var runner = ConformanceRunner(suite: "PersonalDataHolder")
        let r = runner

        await runner.check("records are found by e-mail, phone and participant id, and only them", rule: "P-3") {
            let holder = try await makeHolder(seeds)
            let alice = try await holder.records(of: .email("alice@example.org"))
            try r.expect(alice.count == 2, "by e-mail", "found \(alice.count) records of Alice, expected 2")
            try r.expect(
                alice.allSatisfy { $0.holder == holder.holderName }, "holder name",
                "records name another holder than \(holder.holderName)")
            let carol = try await holder.records(of: .phone("+33600000003"))
            try r.expect(carol.count == 1, "by phone", "found \(carol.count) records by phone, expected 1")
            let bob = try await holder.records(of: .participant("bob"))
            try r.expect(bob.count == 1, "by participant", "found \(bob.count) records of bob, expected 1")
            let nobody = try await holder.records(of: .email("nobody@example.org"))
            try r.expect(nobody.isEmpty, "unknown", "found records of an unknown person")
            try r.expect(try await holder.recordCount() == seeds.count, "count", "recordCount is not \(seeds.count)")
        }

        await runner.check("an erasure removes every record of the person and nothing else", rule: "P-3") {
            let holder = try await makeHolder(seeds)
            let before = try await holder.records(of: .email("alice@example.org"))
            let outcome = try await holder.erase(.email("alice@example.org"))
            try r.expect(
                Set(outcome.recordIDs) == Set(before.map(\.recordID)), "erased ids",
                "erased \(outcome.recordIDs), found \(before.map(\.recordID))")
            try r.expect(outcome.holder == holder.holderName, "outcome holder", "outcome names \(outcome.holder)")
            try r.expect(
                try await holder.records(of: .email("alice@example.org")).isEmpty, "gone", "Alice is still found")
            try r.expect(
                try await holder.records(of: .participant("alice-1")).isEmpty, "gone by id",
                "Alice is still found by participant id")
            try r.expect(
                try await holder.records(of: .email("bob@example.org")).count == 1, "others kept", "Bob was touched")
            if outcome.removed {
                try r.expect(
                    try await holder.recordCount() == seeds.count - 2, "count", "recordCount did not drop by 2")
            }
            let again = try await holder.erase(.email("alice@example.org"))
            try r.expect(again.recordIDs.isEmpty, "idempotent", "a second erasure erased \(again.recordIDs)")
        }

        await runner.check("a rectification changes the field in every record of the person", rule: "P-3") {
            let holder = try await makeHolder(seeds)
            guard rectifies else {
                let before = try await holder.records(of: .email("alice@example.org"))
                let changed = try await holder.rectify(.email("alice@example.org"), field: "city", value: "Lille")
                try r.expect(changed.isEmpty, "nothing to rectify", "changed \(changed) in a holder without fields")
                let after = try await holder.records(of: .email("alice@example.org"))
                try r.expect(after == before, "unchanged", "records changed")
                return
            }
            let changed = try await holder.rectify(.email("alice@example.org"), field: "city", value: "Lille")
            try r.expect(changed.count == 2, "ids", "changed \(changed.count) records, expected 2")
            let alice = try await holder.records(of: .email("alice@example.org"))
            try r.expect(
                alice.count == 2 && alice.allSatisfy { $0.fields["city"] == "Lille" }, "value",
                "the new value is not read back")
            let bob = try await holder.records(of: .email("bob@example.org"))
            try r.expect(bob.allSatisfy { $0.fields["city"] != "Lille" }, "others", "Bob was rectified too")
        }

        await runner.check("retention erases what was recorded before the cutoff, only that", rule: "P-9") {
            let holder = try await makeHolder(seeds)
            let cutoff = Date(timeIntervalSince1970: 1_780_308_000 - 25 * 86_400)
            let outcome = try await holder.eraseRecorded(before: cutoff)
            try r.expect(outcome.recordIDs.count == 2, "count", "erased \(outcome.recordIDs.count), expected 2")
            let oldAlice = try await holder.records(of: .participant("alice-1"))
            let oldBob = try await holder.records(of: .email("bob@example.org"))
            try r.expect(
                oldAlice.isEmpty && oldBob.isEmpty, "old gone", "a record older than the cutoff is still found")
            let newAlice = try await holder.records(of: .participant("alice-2"))
            let carol = try await holder.records(of: .email("carol@example.org"))
            try r.expect(
                newAlice.count == 1 && carol.count == 1, "recent kept", "a record newer than the cutoff was erased")
        }

        await runner.check("erasing everything leaves no record", rule: "P-9") {
            let holder = try await makeHolder(seeds)
            let outcome = try await holder.eraseAll()
            try r.expect(outcome.recordIDs.count == seeds.count, "ids", "erased \(outcome.recordIDs.count)")
            try r.expect(try await holder.recordCount() == 0, "count", "records remain after eraseAll")
            for seed in seeds {
                try r.expect(
                    try await holder.records(of: .email(seed.email)).isEmpty, "gone", "\(seed.email) is still found")
            }
        }

        await runner.check("a listable holder lists every record", rule: "P-10") {
            let holder = try await makeHolder(seeds)
            guard let listable = holder as? any PersonalDataEnumerating else { return }
            var listed = 0
            try await listable.forEachRecord { _ in
                listed += 1
                return true
            }
            try r.expect(listed == seeds.count, "listed", "listed \(listed) records, expected \(seeds.count)")
        }

        return try runner.finish()
    }
}
