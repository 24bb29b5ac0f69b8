import Foundation
import KimpleCore
import KimpleGames

/// The file participation store reading a journal record it did not write (G-4, K-7): the
/// input is the payload of one record, stored after a valid entry, as a journal altered
/// outside the SDK (or by a bug) would hold it.
///
/// Every step may refuse with a typed `storage.` error; none may trap. Invariants when the
/// steps succeed:
/// - the store counts exactly the entries it lists, and each listed entry reads back by id;
/// - erasing everything leaves nothing, also after reopening, and the store takes a new entry.
enum ParticipationsFuzz {
    static let tenant: TenantID = "fuzz"
    static let options = FileJournal.Options(durability: .none, maximumRecordSize: 1 << 16)

    static func run(_ input: [UInt8]) async throws {
        let directory = try scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let valid = try await payloads(of: [draft(0)])
        let journal = try FileJournal.open(at: directory, options: options)
        _ = try await journal.append(contentsOf: valid + [Data(input)], condition: .none)
        journal.close()

        // Opening reads the records' headers: it may refuse the input.
        let store = try FileParticipationStore.open(
            tenant: tenant, at: directory, options: options, clock: SystemClock())
        defer { store.close() }
        var listed: [String] = []
        try await store.forEachRecord { record in
            listed.append(record.recordID)
            return true
        }
        let count = try await must("counting") { try await store.recordCount() }
        try invariant(count == listed.count, "recordCount() says \(count), listing gives \(listed.count)")
        for id in listed {
            guard let entryID = EntryID(rawValue: id) else {
                throw InvariantViolation("listed id \(id) is not an entry id")
            }
            let entry = try await must("reading an entry by id") { try await store.entry(entryID) }
            try invariant(entry != nil, "entry \(id) is listed but does not read back")
        }

        _ = try await store.eraseAll()
        try invariant(try await must("counting") { try await store.recordCount() } == 0, "records left after eraseAll")
        store.close()
        let reopened = try await must("reopening") {
            try FileParticipationStore.open(tenant: tenant, at: directory, options: options, clock: SystemClock())
        }
        defer { reopened.close() }
        try invariant(try await must("counting") { try await reopened.recordCount() } == 0, "erased records came back")
        let inserted = try await must("inserting") { try await reopened.insert(draft(1), maximumPerPeriod: 1) }
        guard case .inserted = inserted else { throw InvariantViolation("a new entry was refused: \(inserted)") }
    }

    /// A participation as the intake stores it.
    static func draft(_ n: Int) -> EntryDraft {
        EntryDraft(
            operation: "fuzz-operation", identity: IdentityKey(high: 0x4B49_4D50, low: UInt64(n)), period: 0,
            receivedAt: Date(timeIntervalSinceReferenceDate: 800_000_000),
            participant: ParticipantID(rawValue: "p\(n)"), hostKey: "h\(n)",
            source: "198.51.100.\(n)",
            fields: [
                EntryField(name: "email", value: "person.\(n)@example.com", category: .email),
                EntryField(name: "first_name", value: "Zoé \(n)", category: .name),
            ], consents: ["rules", "marketing"])
    }

    /// The journal payloads the store writes for `drafts`.
    static func payloads(of drafts: [EntryDraft]) async throws -> [Data] {
        let directory = try scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try FileParticipationStore.open(
            tenant: tenant, at: directory, options: options, clock: SystemClock())
        for draft in drafts { _ = try await store.insert(draft, maximumPerPeriod: 1) }
        store.close()
        let journal = try FileJournal.open(at: directory, options: options)
        defer { journal.close() }
        var payloads: [Data] = []
        try await journal.read(from: 0) { record in
            payloads.append(record.payload)
            return true
        }
        return payloads
    }

    /// A stored entry, and one with another operation, person and fields.
    static func seeds() async throws -> [String: [UInt8]] {
        let made = try await payloads(of: [draft(2)])
        return ["entry": made.last.map { [UInt8]($0) } ?? []]
    }
}
