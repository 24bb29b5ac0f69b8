import Foundation
import KimpleCore
import KimpleGames
import KimpleTesting
import Synchronization
import Testing

/// A sink that keeps nothing: it counts bytes, hashes them and remembers the largest chunk.
final class ResultsCountingSink: ExportSink, Sendable {
    private let hashing: Bool
    private let state = Mutex<(bytes: Int, largest: Int, chunks: Int, hasher: SHA256, finished: Bool)>(
        (0, 0, 0, SHA256(), false))

    init(hashing: Bool = true) { self.hashing = hashing }

    func write(_ chunk: [UInt8]) async throws {
        state.withLock {
            $0.bytes += chunk.count
            $0.largest = max($0.largest, chunk.count)
            $0.chunks += 1
            if hashing { $0.hasher.update(chunk) }
        }
    }

    func finish() async throws { state.withLock { $0.finished = true } }

    var bytes: Int { state.withLock { $0.bytes } }
    var largest: Int { state.withLock { $0.largest } }
    var chunks: Int { state.withLock { $0.chunks } }
    var digest: SHA256Digest { state.withLock { $0.hasher.finalize() } }
    var finished: Bool { state.withLock { $0.finished } }
}

@Suite("Exports")
struct ExportTests {
    let clock = ManualClock(ResultsFixtures.opening)

    func service(_ gate: ResultsGate = ResultsGate()) -> (ExportService, EvidenceLog) {
        let evidence = ResultsFixtures.evidence(clock: clock)
        return (ExportService(tenant: ResultsFixtures.tenant, gate: gate, evidence: evidence, clock: clock), evidence)
    }

    func request(
        _ schema: ExportSchema, _ format: ExportFormat, special: SpecialCategoryTreatment = .drop
    ) -> ExportRequest {
        ExportRequest(
            schema: schema, format: format, operation: ResultsFixtures.operation, principal: ResultsFixtures.organizer,
            instruction: ResultsFixtures.instruction,
            destination: TransferDestination(country: "FR", recipient: "brand"),
            specialCategories: special)
    }

    static let schema = ExportSchema(
        name: "test_rows", version: 1, columns: [ExportColumn("id"), ExportColumn("value", category: .answers)])

    func csv(_ values: [ExportValue]) async throws -> String {
        let sink = InMemoryExportSink()
        let rows = values.enumerated().map { ExportRow([.integer(Int64($0.offset)), $0.element]) }
        try await service().0.export(request(Self.schema, .csv), rows: SequenceExportRows(rows), to: sink)
        return sink.text
    }

    // SPEC G-11
    @Test("CSV follows RFC 4180: header, commas, CRLF, quotes around , \" CR LF with quotes doubled")
    func rfc4180() async throws {
        let text = try await csv([
            "plain", "a,b", "say \"hi\"", "two\nlines", "cr\rhere", "", .null, .integer(-12),
            .decimal(Decimal(string: "3.50")!),
            .boolean(true), .instant(Date(timeIntervalSince1970: 1_780_272_000.123)), "élan ✓",
        ])
        let expected =
            "id,value\r\n0,plain\r\n1,\"a,b\"\r\n2,\"say \"\"hi\"\"\"\r\n3,\"two\nlines\"\r\n4,\"cr\rhere\"\r\n5,\"\"\r\n6,\r\n7,-12\r\n8,3.5\r\n9,true\r\n10,2026-06-01T00:00:00.123Z\r\n11,élan ✓\r\n"
        #expect(text == expected)
    }

    // SPEC G-11
    @Test(
        "a text cell starting with = + - @ tab or CR is neutralised against formula injection",
        arguments: [
            ("=HYPERLINK(\"http://x\")", "\"'=HYPERLINK(\"\"http://x\"\")\""),
            ("=1+1", "'=1+1"),
            ("+33 6 12 34 56 78", "'+33 6 12 34 56 78"),
            ("-2+3", "'-2+3"),
            ("@SUM(A1:A2)", "'@SUM(A1:A2)"),
            ("\tcmd", "'\tcmd"),
            ("\r=cmd", "\"'\r=cmd\""),
            ("=1,2", "\"'=1,2\""),
            ("a=1", "a=1"),
            (" =1", " =1"),
        ])
    func formulaInjection(input: String, cell: String) async throws {
        let text = try await csv([.text(input)])
        #expect(text == "id,value\r\n0,\(cell)\r\n")
    }

    // SPEC G-11
    @Test("numbers are written as numbers: a negative integer is not neutralised")
    func numbersStayNumbers() async throws {
        #expect(try await csv([.integer(-5), .decimal(-1.25)]) == "id,value\r\n0,-5\r\n1,-1.25\r\n")
    }

    // SPEC G-11
    @Test("JSON Lines: one object per row, keys in column order, strings escaped, types kept")
    func jsonLines() async throws {
        let sink = InMemoryExportSink()
        let rows = [
            ExportRow([.integer(1), "quote \" backslash \\ nl \n tab \t bell \u{7} é"]),
            ExportRow([.integer(2), .null]),
            ExportRow([.integer(3), .boolean(false)]),
            ExportRow([.integer(4), .instant(Date(timeIntervalSince1970: 0))]),
            ExportRow([.integer(5), "=1+1"]),
        ]
        try await service().0.export(request(Self.schema, .jsonLines), rows: SequenceExportRows(rows), to: sink)
        #expect(
            sink.text
                == """
                {"id":1,"value":"quote \\" backslash \\\\ nl \\n tab \\t bell \\u0007 é"}
                {"id":2,"value":null}
                {"id":3,"value":false}
                {"id":4,"value":"1970-01-01T00:00:00.000Z"}
                {"id":5,"value":"=1+1"}

                """)
        for line in sink.text.split(separator: "\n") {
            #expect(try JSONSerialization.jsonObject(with: Data(line.utf8)) is [String: Any])
        }
    }

    static let withHealth = ExportSchema(
        name: "participants", version: 1,
        columns: [ExportColumn("entry_id", category: .participation), ExportColumn("allergy", category: .health)])
    static let healthRows = [ExportRow(["e1", "peanuts"]), ExportRow(["e2", "none"]), ExportRow(["e3", "peanuts"])]

    // SPEC G-11, P-6
    @Test("special categories are dropped by default and not even asked for")
    func specialDropped() async throws {
        let gate = ResultsGate()
        let sink = InMemoryExportSink()
        let receipt = try await service(gate).0.export(
            request(Self.withHealth, .csv), rows: SequenceExportRows(Self.healthRows), to: sink)
        #expect(sink.text == "entry_id\r\ne1\r\ne2\r\ne3\r\n")
        #expect(receipt.droppedColumns == ["allergy"] && receipt.columns == ["entry_id"])
        #expect(gate.requests.first?.categories == [.participation])
        #expect(gate.requests.first?.purpose == .export)
        #expect(gate.requests.first?.destination == TransferDestination(country: "FR", recipient: "brand"))
    }

    // SPEC G-11, P-6
    @Test("pseudonymised special categories: equal values stay equal, the value is not readable")
    func specialPseudonymised() async throws {
        let key = HMACSHA256Key(Array("export-key".utf8))
        let sink = InMemoryExportSink()
        let receipt = try await service().0.export(
            request(Self.withHealth, .csv, special: .pseudonymise(key)), rows: SequenceExportRows(Self.healthRows),
            to: sink)
        let lines = sink.text.split(separator: "\r\n").map { $0.split(separator: ",") }
        #expect(lines[1][1] == Substring(key.authenticationCode(for: "peanuts").hex))
        #expect(lines[1][1] == lines[3][1] && lines[1][1] != lines[2][1])
        #expect(!sink.text.contains("peanuts"))
        #expect(receipt.pseudonymisedColumns == ["allergy"])
    }

    // SPEC G-11, P-6
    @Test("special categories in clear only when the grant allows them; otherwise nothing is written")
    func specialInClear() async throws {
        let refusedSink = InMemoryExportSink()
        let (refusing, evidence) = service(ResultsGate(specialInClear: false))
        do {
            try await refusing.export(
                request(Self.withHealth, .csv, special: .inClear), rows: SequenceExportRows(Self.healthRows),
                to: refusedSink)
            Issue.record("special categories went out in clear without a grant")
        } catch let error as KimpleError {
            #expect(error.code == .exportSpecialCategoryNotAllowed)
        }
        #expect(refusedSink.bytes.isEmpty && !refusedSink.isFinished)
        #expect(try await evidence.entries().isEmpty)

        let sink = InMemoryExportSink()
        try await service(ResultsGate(specialInClear: true)).0.export(
            request(Self.withHealth, .csv, special: .inClear), rows: SequenceExportRows(Self.healthRows), to: sink)
        #expect(sink.text == "entry_id,allergy\r\ne1,peanuts\r\ne2,none\r\ne3,peanuts\r\n")
    }

    // SPEC G-11, K-5, P-5
    @Test("every export is in the evidence log: who, what, when and the SHA-256 of the output")
    func evidence() async throws {
        let (exports, evidence) = service()
        let sink = InMemoryExportSink()
        clock.set(ResultsFixtures.opening.addingTimeInterval(90))
        let receipt = try await exports.export(
            request(Self.schema, .jsonLines), rows: SequenceExportRows([ExportRow([1, "x"])]), to: sink)
        #expect(receipt.sha256 == SHA256.hash(sink.bytes))
        #expect(receipt.rows == 1 && receipt.bytes == sink.bytes.count)
        #expect(receipt.exportedAt == ResultsFixtures.opening.addingTimeInterval(90))
        #expect(receipt.instructionVersion == 3)
        let entries = try await evidence.entries()
        #expect(entries.count == 1)
        #expect(entries[0].action == "games.export")
        #expect(entries[0].principal == ResultsFixtures.organizer)
        #expect(entries[0].subject == "operation:summer-2026")
        #expect(entries[0].details.contains(receipt.sha256.hex))
        // The entry commits to the exported bytes themselves.
        #expect(entries[0].payloadDigest == SHA256.hash(sink.bytes))
        #expect(sink.isFinished)
    }

    // SPEC G-11, P-1
    @Test("a refused processing writes nothing; a bad row stops the export, which is recorded as failed")
    func failures() async throws {
        let refusedSink = InMemoryExportSink()
        await expectCode("privacy.processing_refused") {  // the code ResultsGate throws
            try await service(ResultsGate(refuse: true)).0.export(
                request(Self.schema, .csv), rows: SequenceExportRows([ExportRow([1, "x"])]), to: refusedSink)
        }
        #expect(refusedSink.bytes.isEmpty)

        let (exports, evidence) = service()
        let sink = InMemoryExportSink()
        do {
            try await exports.export(
                request(Self.schema, .csv), rows: SequenceExportRows([ExportRow([1, "x"]), ExportRow([2])]), to: sink)
            Issue.record("a row of the wrong size was exported")
        } catch let error as KimpleError {
            #expect(error.code == .exportInvalidRow)
        }
        #expect(!sink.isFinished)
        let entries = try await evidence.entries()
        #expect(entries.map(\.action) == ["games.export.failed"])
        #expect(entries[0].details.contains("after 2 row(s)"))

        for bad in [
            ExportSchema(name: "x", version: 1, columns: []),
            ExportSchema(name: "x", version: 1, columns: [ExportColumn("=cmd")]),
            ExportSchema(name: "x", version: 1, columns: [ExportColumn("a"), ExportColumn("a")]),
        ] {
            await expectCode(.exportInvalidSchema) {
                try await exports.export(request(bad, .csv), rows: SequenceExportRows([ExportRow]()), to: sink)
            }
        }
    }

    // SPEC G-11
    @Test("a file export appears under its name only once complete")
    func fileSink() async throws {
        try await withTemporaryDirectory { directory in
            let target = directory.appendingPathComponent("participants.csv")
            let (exports, _) = service()
            let failing = try FileExportSink(url: target)
            await expectCode(.exportInvalidRow) {
                try await exports.export(
                    request(Self.schema, .csv), rows: SequenceExportRows([ExportRow([1, "x"]), ExportRow([2])]),
                    to: failing)
            }
            #expect(!FileManager.default.fileExists(atPath: target.path))
            #expect(FileManager.default.fileExists(atPath: target.path + ".partial"))

            let sink = try FileExportSink(url: target)
            let receipt = try await exports.export(
                request(Self.schema, .csv), rows: SequenceExportRows([ExportRow([1, "x"])]), to: sink)
            let written = try Data(contentsOf: target)
            #expect(String(decoding: written, as: UTF8.self) == "id,value\r\n1,x\r\n")
            #expect(SHA256.hash(written) == receipt.sha256)
            #expect(!FileManager.default.fileExists(atPath: target.path + ".partial"))
        }
    }

    // SPEC G-11
    @Test("an export of a store with 1,000,000 entries streams page by page with flat memory")
    func millionRows() async throws {
        // The store is simulated by pages made on the fly (4,096 entries each), so the test holds
        // one page and one chunk at a time; rows are kept to one column so that the test stays
        // fast in debug builds. The bench exports 1,000,000 full participant rows.
        let schema = ExportSchema(
            name: "participants", version: 1, columns: [ExportColumn("entry_id", category: .participation)])
        let store = PagedExportRows(start: 0) { (first: Int) in
            let end = min(1_000_000, first + 4096)
            return ((first..<end).map { ExportRow([.integer(Int64($0))]) }, end < 1_000_000 ? end : nil)
        }
        let sink = ResultsCountingSink(hashing: false)
        let receipt = try await service().0.export(request(schema, .csv), pages: store.pages, to: sink)
        #expect(receipt.rows == 1_000_000)
        #expect(sink.bytes == receipt.bytes && sink.finished)
        // "entry_id\r\n" then one line per entry: its digits and CRLF. The numbers 0 to 999,999
        // have 10 × 1 + 90 × 2 + 900 × 3 + 9,000 × 4 + 90,000 × 5 + 900,000 × 6 = 5,888,890 digits.
        #expect(receipt.bytes == 10 + 5_888_890 + 2 * 1_000_000)
        // Memory stayed flat: no chunk above 64 KiB plus one row, whatever the size.
        #expect(receipt.largestChunk <= ExportService.chunkSize + 16)
        #expect(sink.largest == receipt.largestChunk)
        #expect(sink.chunks == (receipt.bytes + ExportService.chunkSize - 1) / ExportService.chunkSize)
    }

    // SPEC G-11
    @Test("rows read page by page from a store come out in order")
    func pagedRows() async throws {
        let pages = PagedExportRows(start: 0) { (page: Int) in
            let rows = (0..<3).map { ExportRow([.integer(Int64(page * 3 + $0)), "v"]) }
            return (rows, page < 2 ? page + 1 : nil)
        }
        let sink = InMemoryExportSink()
        let receipt = try await service().0.export(request(Self.schema, .csv), rows: pages, to: sink)
        #expect(receipt.rows == 9)
        let again = InMemoryExportSink()
        try await service().0.export(request(Self.schema, .csv), pages: pages.pages, to: again)
        #expect(again.bytes == sink.bytes)
        #expect(sink.text.hasSuffix("7,v\r\n8,v\r\n"))
    }

    // SPEC G-11, G-7
    @Test("winners and certificates export from a draw after a disqualification")
    func winnersAndCertificates() async throws {
        let seed = DrawSeed.random()
        let list = try FrozenEntryList(ResultsFixtures.entries(30))
        let outcome = try RandomDraw.run(list, seed: seed, rules: DrawRules(winners: 2, reserves: 2))
        var certificate = DrawCertificate(
            certificateVersion: 1, operation: ResultsFixtures.operation, rulesDocumentSHA256: SHA256.hash("r"),
            commitment: seed.commitment, committedAt: ResultsFixtures.opening, closesAt: ResultsFixtures.opening,
            seed: seed,
            entryList: DrawEntryListSummary(sha256: list.sha256, count: 30, frozenAt: ResultsFixtures.opening),
            algorithm: RandomDraw.algorithm, method: outcome.method, streamKey: outcome.streamKey,
            rules: DrawRules(winners: 2, reserves: 2), drawnAt: ResultsFixtures.opening,
            drawnBy: ResultsFixtures.organizer,
            winners: outcome.winners, reserves: outcome.reserves, replacements: [])
        certificate = try certificate.disqualifying(
            outcome.winners[0].entryID, reason: "under age", at: ResultsFixtures.opening.addingTimeInterval(60),
            by: ResultsFixtures.organizer
        ).certificate
        let rows = WinnerRows.draw(certificate, prize: "bike")
        #expect(rows.map { $0.values[3] } == ["winner", "winner", "disqualified", "reserve"])
        #expect(rows[0].values[4] == .text(outcome.reserves[0].entryID))
        #expect(rows[0].values[8] == .text("replaces \(outcome.winners[0].entryID)"))
        #expect(rows[2].values[8] == "under age")
        let sink = InMemoryExportSink()
        try await service().0.export(
            request(try ExportSchema.winners(), .csv), rows: SequenceExportRows(rows), to: sink)
        #expect(sink.text.hasPrefix("operation_id,source,place,status,entry_id,person_key,prize,decided_at,note\r\n"))
        #expect(sink.text.split(separator: "\r\n").count == 5)

        let certificateSink = InMemoryExportSink()
        try await service().0.export(
            request(ExportSchema.drawCertificates, .jsonLines),
            rows: SequenceExportRows([try WinnerRows.certificate(certificate)]), to: certificateSink)
        let object = try #require(
            try JSONSerialization.jsonObject(with: Data(certificateSink.bytes)) as? [String: Any])
        #expect(object["entry_list_sha256"] as? String == list.sha256.hex)
        #expect(object["seed"] as? String == seed.hex)
        #expect(object["certificate_sha256"] as? String == SHA256.hash(try certificate.jsonData()).hex)
    }

    // SPEC G-11, G-7
    @Test("the frozen entry list exports as its canonical form, recorded in evidence")
    func entryList() async throws {
        let list = try FrozenEntryList(ResultsFixtures.entries(5_000))
        let (exports, evidence) = service()
        let sink = InMemoryExportSink()
        let digest = try await exports.exportEntryList(
            list, operation: ResultsFixtures.operation, to: sink, by: ResultsFixtures.organizer,
            instruction: ResultsFixtures.instruction)
        #expect(sink.bytes == list.canonicalBytes)
        #expect(SHA256.hash(sink.bytes) == digest && digest == list.sha256)
        #expect(try await evidence.entries().map(\.action) == ["games.export"])
    }
}
