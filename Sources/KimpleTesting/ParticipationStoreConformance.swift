import Foundation
import KimpleCore
import KimpleGames

/// The checks every ``ParticipationStore`` must pass: the SDK's
/// ``InMemoryParticipationStore`` and ``FileParticipationStore`` pass them, and a host
/// runs them against its own implementation.
///
/// ```swift
/// @Test func myStoreConforms() async throws {
///     try await ParticipationStoreConformance.run(
///         { tenant in try await MyPostgresParticipations.makeEmpty(tenant) }, reopen: { try await $0.reopened() })
/// }
/// ```
public enum ParticipationStoreConformance {
    /// The tenant the stores under test are made for.
    public static let tenant: TenantID = "conformance-tenant"

    /// Runs every check; `makeEmptyStore` is called once per check with ``tenant`` and
    /// must return an empty store of that tenant. With `reopen` (which closes the store given and
    /// opens it again on the same storage), the restart check runs too. Throws
    /// ``ConformanceFailures`` listing every failed check.
    @discardableResult
    public static func run(
        _ makeEmptyStore: (TenantID) async throws -> any ParticipationStore,
        reopen: ((any ParticipationStore) async throws -> any ParticipationStore)? = nil
    ) async throws -> ConformanceReport {
        var runner = ConformanceRunner(suite: "ParticipationStore")
        let r = runner
        let summer: OperationID = "summer"
        let winter: OperationID = "winter"
        let jane = IdentityKey(high: 0x0102_0304_0506_0708, low: 0x1112_1314_1516_1718)
        let john = IdentityKey(high: 0xA1A2_A3A4_A5A6_A7A8, low: 0xB1B2_B3B4_B5B6_B7B8)
        let start = Date(timeIntervalSince1970: 1_780_000_000)

        func draft(
            _ operation: OperationID, _ identity: IdentityKey, period: Int64 = 0, email: String = "jane@example.com",
            at offset: TimeInterval = 0
        ) -> EntryDraft {
            EntryDraft(
                operation: operation, identity: identity, period: period, receivedAt: start.addingTimeInterval(offset),
                fields: [
                    EntryField(name: "email", value: email, category: .email),
                    EntryField(name: "first_name", value: "Jane", category: .name),
                ], consents: ["rules"])
        }

        func inserted(_ outcome: ParticipationInsert, _ check: String) throws -> ParticipationEntry {
            guard case .inserted(let entry) = outcome else {
                throw r.failure(check, "insert refused: \(outcome)")
            }
            return entry
        }

        await runner.check("an empty store holds nothing", rule: "K-1") {
            let store = try await makeEmptyStore(tenant)
            try r.expect(store.tenant == tenant, "tenant", "store.tenant is \(store.tenant)")
            try r.expect(try await store.entryCount(of: summer) == 0, "empty", "entryCount is not 0")
            try r.expect(try await store.recordCount() == 0, "empty", "recordCount is not 0")
            try r.expect(try await store.entries(of: summer).isEmpty, "empty", "entries returned")
            try r.expect(try await store.entry("e1") == nil, "empty", "an entry was found")
        }

        await runner.check("an entry reads back exactly as inserted, in insert order", rule: "G-4") {
            let store = try await makeEmptyStore(tenant)
            var full = draft(summer, jane, period: 20_600)
            full.participant = "p-42"
            full.hostKey = "loyalty-9"
            full.source = "203.0.113.9"
            full.fields.append(EntryField(name: "motto", value: "Été ☀️ \"quoted\"", category: .submittedContent))
            full.fields.append(EntryField(name: "hobby", value: "chess", category: try DataCategory("custom.hobby")))
            full.consents = ["rules", "marketing"]
            let first = try inserted(try await store.insert(full, maximumPerPeriod: 1), "round trip")
            try r.expect(first.draft == full, "round trip", "the returned entry differs from the draft")
            let second = try inserted(
                try await store.insert(draft(summer, john, email: "john@example.com"), maximumPerPeriod: 1), "order")
            _ = try inserted(try await store.insert(draft(winter, jane), maximumPerPeriod: 1), "order")
            try r.expect(second.sequence > first.sequence, "order", "sequences do not increase")
            try r.expect(first.id != second.id, "ids", "two entries share an id")
            try r.expect(try await store.entry(first.id) == first, "lookup", "entry(id) differs")
            let summerEntries = try await store.entries(of: summer)
            try r.expect(
                summerEntries.map(\.id) == [first.id, second.id], "per operation",
                "entries(of:) returned \(summerEntries.map(\.id))")
            try r.expect(try await store.entryCount(of: summer) == 2, "count", "entryCount(of:) is not 2")
            try r.expect(try await store.recordCount() == 3, "count", "recordCount is not 3")
        }

        await runner.check("a read resumes after a sequence, in order, and stops when asked", rule: "G-4") {
            let store = try await makeEmptyStore(tenant)
            var stored: [ParticipationEntry] = []
            for n in 0..<6 {
                let person = IdentityKey(high: 0xC0DE, low: UInt64(n))
                stored.append(
                    try inserted(
                        try await store.insert(
                            draft(n % 3 == 2 ? winter : summer, person, email: "p\(n)@example.com"),
                            maximumPerPeriod: 1), "resume"))
            }
            let summerEntries = stored.filter { $0.operation == summer }
            try r.expect(summerEntries.count == 4, "resume", "\(summerEntries.count) entries of \(summer) instead of 4")
            var seen: [EntryID] = []
            try await store.forEachEntry(of: summer, after: summerEntries[1].sequence) { entry in
                seen.append(entry.id)
                return true
            }
            try r.expect(
                seen == summerEntries.dropFirst(2).map(\.id), "resume", "read after a sequence returned \(seen)")
            var firstOnly: [EntryID] = []
            try await store.forEachEntry(of: summer, after: 0) { entry in
                firstOnly.append(entry.id)
                return false
            }
            try r.expect(firstOnly == [summerEntries[0].id], "resume", "a read asked to stop went on: \(firstOnly)")
        }

        await runner.check("the limit counts per operation, identity and period", rule: "G-4") {
            let store = try await makeEmptyStore(tenant)
            _ = try inserted(try await store.insert(draft(summer, jane, period: 7), maximumPerPeriod: 2), "limit")
            _ = try inserted(try await store.insert(draft(summer, jane, period: 7), maximumPerPeriod: 2), "limit")
            let third = try await store.insert(draft(summer, jane, period: 7), maximumPerPeriod: 2)
            try r.expect(third == .limitReached(existing: 2), "limit", "third insert gave \(third)")
            _ = try inserted(try await store.insert(draft(summer, jane, period: 8), maximumPerPeriod: 2), "period")
            _ = try inserted(try await store.insert(draft(winter, jane, period: 7), maximumPerPeriod: 2), "operation")
            _ = try inserted(try await store.insert(draft(summer, john, period: 7), maximumPerPeriod: 2), "identity")
            try r.expect(
                try await store.entryCount(of: jane, operation: summer, period: 7) == 2, "count",
                "entryCount(of:operation:period:) is not 2")
            try r.expect(try await store.entryCount(of: summer) == 4, "count", "a refused insert was stored")
        }

        await runner.check("concurrent inserts of one person never pass the limit together", rule: "G-4") {
            let store = try await makeEmptyStore(tenant)
            let outcomes = try await withThrowingTaskGroup(of: ParticipationInsert.self) { group in
                for n in 0..<200 {
                    group.addTask { try await store.insert(draft(summer, jane, at: Double(n)), maximumPerPeriod: 1) }
                }
                var outcomes: [ParticipationInsert] = []
                for try await outcome in group { outcomes.append(outcome) }
                return outcomes
            }
            let accepted = outcomes.filter { if case .inserted = $0 { true } else { false } }.count
            try r.expect(accepted == 1, "race", "\(accepted) concurrent inserts passed a limit of 1")
            try r.expect(try await store.entryCount(of: summer) == 1, "race", "more than one entry stored")
        }

        await runner.check("a maximum below 1 is refused and stores nothing", rule: "G-4") {
            let store = try await makeEmptyStore(tenant)
            try await r.expectError(.invalidArgument, "maximum") {
                _ = try await store.insert(draft(summer, jane), maximumPerPeriod: 0)
            }
            try r.expect(try await store.recordCount() == 0, "maximum", "something was stored")
        }

        await runner.check("subjects are found by e-mail, phone, participant and host key", rule: "P-3") {
            let store = try await makeEmptyStore(tenant)
            var withPhone = draft(summer, jane)
            withPhone.fields.append(EntryField(name: "phone", value: "+33612345678", category: .phone))
            withPhone.participant = "p-1"
            withPhone.hostKey = "card-1"
            _ = try inserted(try await store.insert(withPhone, maximumPerPeriod: 1), "find")
            _ = try inserted(try await store.insert(draft(winter, jane), maximumPerPeriod: 1), "find")
            _ = try inserted(
                try await store.insert(draft(summer, john, email: "john@example.com"), maximumPerPeriod: 1), "find")
            try r.expect(
                try await store.records(of: .email(" Jane@Example.COM ")).count == 2, "email",
                "the e-mail locator is not normalised like intake")
            try r.expect(try await store.records(of: .phone("06 12 34 56 78")).count == 1, "phone", "phone not found")
            try r.expect(try await store.records(of: .participant("p-1")).count == 1, "participant", "not found")
            try r.expect(try await store.records(of: .hostKey("card-1")).count == 1, "host key", "not found")
            let record = try await store.records(of: .hostKey("card-1")).first
            try r.expect(record?.holder == store.holderName, "record", "holder name differs")
            try r.expect(record?.fields["email"] == "jane@example.com", "record", "fields missing")
            try r.expect(record?.categories.contains(.email) == true, "record", "categories missing")
        }

        await runner.check("rectification changes the field in every record of the subject", rule: "P-3") {
            let store = try await makeEmptyStore(tenant)
            let a = try inserted(try await store.insert(draft(summer, jane), maximumPerPeriod: 1), "rectify")
            let b = try inserted(try await store.insert(draft(winter, jane), maximumPerPeriod: 1), "rectify")
            _ = try inserted(
                try await store.insert(draft(summer, john, email: "john@example.com"), maximumPerPeriod: 1), "rectify")
            let changed = try await store.rectify(.email("jane@example.com"), field: "first_name", value: "Janet")
            try r.expect(Set(changed) == [a.id.rawValue, b.id.rawValue], "rectify", "changed \(changed)")
            try r.expect(try await store.entry(a.id)?[field: "first_name"] == "Janet", "rectify", "value not changed")
            try r.expect(try await store.entry(a.id)?.sequence == a.sequence, "rectify", "the sequence changed")
        }

        await runner.check("erasure removes the subject's entries and forgets their identity keys", rule: "P-3") {
            let store = try await makeEmptyStore(tenant)
            let a = try inserted(try await store.insert(draft(summer, jane), maximumPerPeriod: 1), "erase")
            let kept = try inserted(
                try await store.insert(draft(summer, john, email: "john@example.com"), maximumPerPeriod: 1), "erase")
            let outcome = try await store.erase(.email("jane@example.com"))
            try r.expect(outcome.recordIDs == [a.id.rawValue] && outcome.removed, "erase", "outcome \(outcome)")
            try r.expect(outcome.holder == store.holderName, "erase", "holder name differs")
            try r.expect(try await store.entry(a.id) == nil, "erase", "the entry is still readable")
            try r.expect(try await store.records(of: .email("jane@example.com")).isEmpty, "erase", "still found")
            try r.expect(try await store.entry(kept.id) == kept, "erase", "another subject's entry changed")
            try r.expect(try await store.recordCount() == 1, "erase", "recordCount did not drop")
            try r.expect(try await store.entryCount(of: summer) == 1, "erase", "entryCount did not drop")
            let again = try inserted(try await store.insert(draft(summer, jane), maximumPerPeriod: 1), "erase")
            try r.expect(again.sequence > kept.sequence, "erase", "a sequence was reused")
        }

        await runner.check("retention erases entries recorded before the cutoff", rule: "P-9") {
            let store = try await makeEmptyStore(tenant)
            let old = try inserted(try await store.insert(draft(summer, jane, at: 0), maximumPerPeriod: 1), "retention")
            let recent = try inserted(
                try await store.insert(draft(summer, john, email: "john@example.com", at: 100), maximumPerPeriod: 1),
                "retention")
            let outcome = try await store.eraseRecorded(before: start.addingTimeInterval(50))
            try r.expect(outcome.recordIDs == [old.id.rawValue], "retention", "outcome \(outcome)")
            try r.expect(try await store.entry(recent.id) == recent, "retention", "a recent entry was erased")
            try r.expect(try await store.entry(old.id) == nil, "retention", "an old entry remains")
        }

        await runner.check("retention reaches only the operations of its scope", rule: "P-9") {
            let store = try await makeEmptyStore(tenant)
            let oldSummer = try inserted(
                try await store.insert(draft(summer, jane, at: 0), maximumPerPeriod: 1), "scope")
            let oldWinter = try inserted(
                try await store.insert(draft(winter, jane, at: 0), maximumPerPeriod: 1), "scope")
            let recentWinter = try inserted(
                try await store.insert(draft(winter, john, email: "john@example.com", at: 100), maximumPerPeriod: 1),
                "scope")
            let cutoff = start.addingTimeInterval(50)
            let winterOnly = try await store.eraseRecorded(before: cutoff, in: .only([winter.rawValue]))
            try r.expect(winterOnly.recordIDs == [oldWinter.id.rawValue], "scope", "only winter: \(winterOnly)")
            try r.expect(try await store.entry(oldSummer.id) == oldSummer, "scope", "summer's entry was erased")
            try r.expect(try await store.entry(recentWinter.id) == recentWinter, "scope", "a recent entry was erased")
            let noneLeft = try await store.eraseRecorded(before: cutoff, in: .allExcept([summer.rawValue]))
            try r.expect(noneLeft.recordIDs.isEmpty, "scope", "all but summer erased \(noneLeft)")
            let rest = try await store.eraseRecorded(before: cutoff, in: .allExcept([winter.rawValue]))
            try r.expect(rest.recordIDs == [oldSummer.id.rawValue], "scope", "all but winter: \(rest)")
            try r.expect(try await store.recordCount() == 1, "scope", "recordCount is not 1")
        }

        await runner.check("erasing everything keeps the identity-secret binding", rule: "P-10") {
            let store = try await makeEmptyStore(tenant)
            let first = SHA256.hash(Array("secret-one".utf8))
            try await store.bindIdentitySecret(first)
            try await store.bindIdentitySecret(first)
            _ = try inserted(try await store.insert(draft(summer, jane), maximumPerPeriod: 1), "erase all")
            _ = try inserted(try await store.insert(draft(winter, john), maximumPerPeriod: 1), "erase all")
            let outcome = try await store.eraseAll()
            try r.expect(outcome.recordIDs.count == 2, "erase all", "outcome \(outcome)")
            try r.expect(try await store.recordCount() == 0, "erase all", "records remain")
            try r.expect(try await store.entries(of: summer).isEmpty, "erase all", "entries remain")
            try await r.expectError(.participationIdentitySecretMismatch, "binding") {
                try await store.bindIdentitySecret(SHA256.hash(Array("secret-two".utf8)))
            }
        }

        await runner.check(
            "after a restart every accepted entry reads back, limits and the secret binding hold", rule: "K-7",
            needs: reopen
        ) { reopen in
            let store = try await makeEmptyStore(tenant)
            try await store.bindIdentitySecret(SHA256.hash(Array("secret-one".utf8)))
            let erased = try inserted(
                try await store.insert(draft(summer, john, email: "john@example.com"), maximumPerPeriod: 1), "before")
            var kept: [ParticipationEntry] = []
            for period in Int64(0)..<3 {
                kept.append(
                    try inserted(
                        try await store.insert(draft(summer, jane, period: period), maximumPerPeriod: 1), "before"))
            }
            kept.append(try inserted(try await store.insert(draft(winter, jane), maximumPerPeriod: 1), "before"))
            _ = try await store.erase(.email("john@example.com"))
            let reopened = try await reopen(store)
            try r.expect(reopened.tenant == tenant, "tenant", "the reopened store's tenant is \(reopened.tenant)")
            let summerEntries = try await reopened.entries(of: summer)
            try r.expect(
                summerEntries == kept.filter { $0.operation == summer }, "read back",
                "read \(summerEntries.map(\.id)) instead of \(kept.filter { $0.operation == summer }.map(\.id))")
            try r.expect(try await reopened.recordCount() == 4, "read back", "recordCount is not 4")
            try r.expect(try await reopened.entry(erased.id) == nil, "erasure", "an erased entry came back")
            let again = try await reopened.insert(draft(summer, jane, period: 2), maximumPerPeriod: 1)
            try r.expect(again == .limitReached(existing: 1), "limit", "an insert over the limit gave \(again)")
            try await r.expectError(.participationIdentitySecretMismatch, "binding") {
                try await reopened.bindIdentitySecret(SHA256.hash(Array("secret-two".utf8)))
            }
            let next = try inserted(
                try await reopened.insert(draft(summer, jane, period: 3), maximumPerPeriod: 1), "after")
            try r.expect(
                next.sequence > (kept.map(\.sequence).max() ?? 0) && !kept.map(\.id).contains(next.id), "sequence",
                "a sequence or an id was reused after the restart")
        }

        return try runner.finish()
    }
}
