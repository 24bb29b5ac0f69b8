import Foundation
import KimpleCore
import KimpleGames
import KimpleTesting
import Testing

/// The participants export read from the intake's participation store (G-11).
@Suite("Wiring: participants export")
struct ExportWiringTests {
    /// The fixture operation with a checkbox and a special-category field.
    static func operation() -> GameOperation {
        Fixtures.operation { operation in
            operation.form.fields.append(
                FormField(name: "newsletter", label: "Newsletter", type: .checkbox, required: false))
            operation.form.fields.append(
                FormField(name: "allergies", label: "Allergies", type: .text, required: false, category: .health))
        }
    }

    static func enter(_ h: Harness, count: Int) async throws -> [AcceptedParticipation] {
        var accepted: [AcceptedParticipation] = []
        for n in 0..<count {
            var fields = Fixtures.fields(email: "person\(n)@example.com", firstName: n == 1 ? "=HYPERLINK(1)" : "P\(n)")
            fields["newsletter"] = .flag(n % 2 == 0)
            fields["allergies"] = "peanuts"
            accepted.append(try #require(try await h.submit(fields, source: nil).accepted))
            h.clock.advance(by: 1)
        }
        return accepted
    }

    // SPEC G-11, P-1, P-6, K-5: the export pages through the file store, asks the gate with the
    // columns' categories (the special one dropped), writes RFC 4180 CSV and is recorded in the
    // evidence log with the SHA-256 of its bytes.
    @Test("participants export page by page out of a file store, through the gate, with evidence")
    func exportFromFileStore() async throws {
        try await withTemporaryDirectory { directory in
            let store = try FileParticipationStore.open(tenant: Fixtures.tenant, at: directory, clock: SystemClock())
            defer { store.close() }
            let h = try await Harness.make(
                operation: Self.operation(), participations: store, gate: TestGate(allowsSpecialCategories: true))
            let accepted = try await Self.enter(h, count: 10)
            let operation = try await h.service.operation(Fixtures.operationID)

            // Pages of 3: 3, 3, 3, 1 rows, each page resuming after the previous one.
            var pageSizes: [Int] = []
            var ids: [String] = []
            for try await page in try ParticipantRows.pages(of: operation, in: store, pageSize: 3).pages {
                pageSizes.append(page.count)
                ids += page.map { if case .text(let id) = $0.values[1] { id } else { "?" } }
            }
            #expect(pageSizes == [3, 3, 3, 1])
            #expect(ids == accepted.map(\.entry.rawValue))

            let exports = ExportService(tenant: Fixtures.tenant, gate: h.gate, evidence: h.evidence, clock: h.clock)
            let sink = InMemoryExportSink()
            let receipt = try await exports.exportParticipants(
                of: operation, from: store, format: .csv, by: Fixtures.staff,
                destination: TransferDestination(country: "FR", recipient: "acme"), pageSize: 3, to: sink)
            let lines = sink.text.components(separatedBy: "\r\n")
            #expect(
                lines[0]
                    == "operation_id,entry_id,entered_at,email,first_name,birth_date,phone,country,size,story,newsletter"
            )
            #expect(
                lines[1]
                    == "summer-2026,\(accepted[0].entry.rawValue),2026-06-15T10:00:00.000Z,person0@example.com,P0,1990-04-12,,,,,true"
            )
            #expect(
                lines[2]
                    == "summer-2026,\(accepted[1].entry.rawValue),2026-06-15T10:00:01.000Z,person1@example.com,'=HYPERLINK(1),1990-04-12,,,,,false"
            )
            #expect(lines.count == 12 && lines[11].isEmpty)
            #expect(!sink.text.contains("peanuts"))
            #expect(receipt.rows == 10)
            #expect(receipt.droppedColumns == ["allergies"])
            #expect(receipt.sha256 == SHA256.hash(sink.bytes))
            #expect(receipt.instruction == "acme-participations")

            let request = try #require(h.gate.requests.last { $0.purpose == .export })
            #expect(request.instruction == "acme-participations")
            #expect(request.categories.contains(.email) && request.categories.contains(.name))
            #expect(!request.categories.contains(.health))
            #expect(request.destination == TransferDestination(country: "FR", recipient: "acme"))
            let entry = try #require(try await h.evidence.entries().last)
            #expect(entry.action == "games.export" && entry.subject == "operation:summer-2026")
            #expect(entry.payloadDigest == receipt.sha256)
            #expect(try await h.evidence.verify().isIntact)
        }
    }

    // SPEC G-11, K-1: an export reads only the service's own tenant; refused before anything is
    // asked or written.
    @Test("an export of another tenant's store is refused before anything is written")
    func otherTenant() async throws {
        let h = try await Harness.make(operation: Self.operation(), gate: TestGate(allowsSpecialCategories: true))
        let operation = try await h.service.operation(Fixtures.operationID)
        let exports = ExportService(tenant: Fixtures.tenant, gate: h.gate, evidence: h.evidence, clock: h.clock)
        let before = try await h.evidence.entries().count
        let error = await kimpleError {
            try await exports.exportParticipants(
                of: operation, from: InMemoryParticipationStore(tenant: "someone-else", clock: SystemClock()),
                format: .jsonLines,
                by: Fixtures.staff, to: InMemoryExportSink())
        }
        #expect(error?.code == .invalidArgument)
        #expect(try await h.evidence.entries().count == before)
        #expect(!h.gate.requests.contains { $0.purpose == .export })
    }

    // SPEC G-11: a read resumed after a sequence sees exactly the later entries of the operation,
    // in both reference stores.
    @Test("reading after a sequence resumes exactly after it, in memory and on file")
    func resumedReads() async throws {
        try await withTemporaryDirectory { directory in
            let file = try FileParticipationStore.open(tenant: Fixtures.tenant, at: directory, clock: SystemClock())
            defer { file.close() }
            for store in [
                InMemoryParticipationStore(tenant: Fixtures.tenant, clock: SystemClock()) as any ParticipationStore,
                file,
            ] {
                var summer: [UInt64] = []
                for n in 0..<6 {
                    let operation: OperationID = n % 3 == 2 ? "winter" : "summer"
                    let draft = EntryDraft(
                        operation: operation, identity: IdentityKey(high: 1, low: UInt64(n)), period: 0,
                        receivedAt: Fixtures.during, fields: [], consents: [])
                    guard case .inserted(let entry) = try await store.insert(draft, maximumPerPeriod: 1) else {
                        Issue.record("not inserted")
                        return
                    }
                    if operation == "summer" { summer.append(entry.sequence) }
                }
                var seen: [UInt64] = []
                try await store.forEachEntry(of: "summer", after: summer[1]) { (entry: ParticipationEntry) -> Bool in
                    seen.append(entry.sequence)
                    return true
                }
                #expect(seen == Array(summer[2...]))
                var first: [UInt64] = []
                try await store.forEachEntry(of: "summer", after: 0) { (entry: ParticipationEntry) -> Bool in
                    first.append(entry.sequence)
                    return first.count < 2
                }
                #expect(first == Array(summer[..<2]))
            }
        }
    }
}
