import Foundation
import KimpleContracts
import KimpleCore
import KimpleGames
import KimpleTesting
import Testing

/// Every JSON the SDK writes for partners matches its JSON Schema in `Documentation/Schemas`:
/// a real value is encoded by the SDK's own encoder and checked against the schema, so a field
/// added, renamed or dropped in the code fails here until the schema (and
/// `Documentation/Interoperability.md`) follow.
@Suite("JSON Schemas of Documentation/Schemas")
struct SchemaConformanceTests {
    static let schemas = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Documentation/Schemas")

    // SPEC G-7, C-14
    @Test func drawCertificateAndExportRowsMatchTheirSchemas() async throws {
        try await withTemporaryDirectory { root in
            let (drawn, _) = try await gettingStarted(root: root)
            // A disqualification, so that a replacement is checked too.
            // The getting-started draw always has a winner and a reserve: without them the
            // replacement would go unchecked, so their absence fails the test.
            var certificate = drawn
            let winner = try #require(certificate.winners.first, "the draw has no winner")
            let reserve = try #require(certificate.reserves.first, "the draw has no reserve")
            certificate.replacements.append(
                DrawReplacement(
                    position: 1, disqualified: winner, reason: "Entered twice under two addresses.",
                    replacement: reserve, at: certificate.drawnAt, by: .user("alice")))
            certificate.replacements.append(
                DrawReplacement(
                    position: nil, disqualified: reserve, reason: "Promoted, then disqualified.",
                    replacement: nil, at: certificate.drawnAt, by: .user("alice")))
            try Self.expectValid(try certificate.jsonData(), against: "draw-certificate.schema.json")

            // The participants of the file store, exported as JSON Lines.
            let files = try FileStorage(root: root)
            defer { files.close() }
            let storage = files.tenant("brand")
            let operation = try #require(
                try await DocumentOperationStore.open(storage).operation("june-sweepstakes")?.operation)
            let participations = try FileParticipationStore.open(in: files, tenant: "brand", clock: SystemClock())
            var participants: [ExportRow] = []
            try await participations.forEachEntry(of: operation.id) { entry in
                participants.append(ParticipantRows.row(entry, of: operation))
                return true
            }
            #expect(participants.count == 3)
            try await Self.expectRows(
                participants, schema: try ParticipantRows.schema(for: operation),
                against: "participants.row.schema.json")
            try await Self.expectRows(
                WinnerRows.draw(certificate, prize: "bike"), schema: try ExportSchema.winners(),
                against: "winners.row.schema.json")
            try await Self.expectRows(
                [try WinnerRows.certificate(certificate)], schema: ExportSchema.drawCertificates,
                against: "draw-certificates.row.schema.json")
        }
    }

    // SPEC K-6
    @Test func outboxFileMatchesItsSchema() async throws {
        try await withTemporaryDirectory { root in
            let clock = ManualClock(try ISO8601.instant("2026-06-01T10:00:00Z"))
            let outbox = try FileOutbox(directory: root, clock: clock)
            try await outbox.send(
                OutboundMessage(
                    idempotencyKey: "dsr-42-forwarded", tenant: "brand",
                    kind: MessageKind(rawValue: "privacy.request.forwarded"), recipient: "controller",
                    channel: .email, subject: "A data-subject request", body: "Please decide.",
                    attributes: ["request": "42"], createdAt: clock.now))
            let pending = try FileManager.default.contentsOfDirectory(
                at: root.appendingPathComponent("pending"), includingPropertiesForKeys: nil)
            #expect(pending.count == 1)
            for file in pending {
                try Self.expectValid(try Data(contentsOf: file), against: "outbox-message.schema.json")
            }
        }
    }

    // SPEC C-14
    @Test func interoperabilityManifestMatchesItsSchema() throws {
        let bundle = try InteroperabilityBundle.make(
            documents: InteroperabilityDocumentation.embedded, tenant: "brand", contract: "c-2026-1",
            request: "r-1", generatedAt: try ISO8601.instant("2026-06-01T10:00:00Z"))
        let manifest = try #require(bundle.file("MANIFEST.json"))
        try Self.expectValid(manifest.contents, against: "interoperability-manifest.schema.json")
    }

    /// The checker itself: a missing required key, an unknown key and a wrong type are found.
    @Test func theCheckFindsWhatASchemaForbids() throws {
        let schema = try JSONValue.parse(
            Data(
                #"{"type":"object","required":["a"],"additionalProperties":false,"properties":{"a":{"type":"integer"},"b":{"type":"string"}}}"#
                    .utf8))
        #expect(SchemaCheck.problems(try JSONValue.parse(Data(#"{"a":1,"b":"x"}"#.utf8)), schema).isEmpty)
        #expect(SchemaCheck.problems(try JSONValue.parse(Data(#"{"b":"x"}"#.utf8)), schema) == ["$: lacks a"])
        #expect(
            SchemaCheck.problems(try JSONValue.parse(Data(#"{"a":1,"c":2}"#.utf8)), schema) == [
                "$.c: not in the schema"
            ])
        #expect(SchemaCheck.problems(try JSONValue.parse(Data(#"{"a":"1"}"#.utf8)), schema) == ["$.a: not integer"])
    }

    static func schema(_ name: String) throws -> JSONValue {
        try JSONValue.parse(try Data(contentsOf: schemas.appendingPathComponent(name)))
    }

    static func expectValid(_ json: Data, against name: String) throws {
        let problems = SchemaCheck.problems(try JSONValue.parse(json), try schema(name))
        #expect(problems.isEmpty, "\(name): \(problems)")
    }

    /// Exports `rows` as JSON Lines through the SDK's export service and checks every line.
    static func expectRows(_ rows: [ExportRow], schema: ExportSchema, against name: String) async throws {
        let clock = ManualClock(try ISO8601.instant("2026-07-01T10:00:00Z"))
        let exports = ExportService(
            tenant: "brand", gate: GrantEverything(clock: clock),
            evidence: EvidenceLog(log: InMemoryRecordLog(), tenant: "brand", clock: clock), clock: clock)
        let sink = InMemoryExportSink()
        try await exports.export(
            ExportRequest(
                schema: schema, format: .jsonLines, operation: "june-sweepstakes", principal: .user("alice"),
                instruction: "june"),
            rows: SequenceExportRows(rows), to: sink)
        let lines = sink.text.split(separator: "\n")
        #expect(lines.count == rows.count)
        for line in lines { try expectValid(Data(line.utf8), against: name) }
    }
}

/// A gate that grants every request: the schema tests check formats, not privacy rules.
struct GrantEverything: ProcessingGate {
    let clock: any Clock

    func authorize(_ request: ProcessingRequest) async throws -> ProcessingGrant {
        ProcessingGrant(
            instruction: request.instruction, instructionVersion: 1, purpose: request.purpose, grantedAt: clock.now)
    }
}

/// A JSON value, numbers and booleans kept apart.
enum JSONValue: Decodable, Equatable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSONValue].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }

    static func parse(_ data: Data) throws -> JSONValue { try JSONDecoder().decode(JSONValue.self, from: data) }

    subscript(key: String) -> JSONValue? {
        if case .object(let members) = self { return members[key] }
        return nil
    }
}

/// The subset of JSON Schema 2020-12 the SDK's schemas use: `type`, `properties`, `required`,
/// `additionalProperties`, `items`, `$ref` to `#/$defs/...`, `const`, `enum`, `oneOf`, `pattern`,
/// `minimum`, `minLength`. Returns one line per problem, located by a path such as `$.winners[0]`.
enum SchemaCheck {
    static func problems(
        _ value: JSONValue, _ schema: JSONValue, root: JSONValue? = nil, at path: String = "$"
    )
        -> [String]
    {
        let root = root ?? schema
        if case .bool(let allowed) = schema { return allowed ? [] : ["\(path): not in the schema"] }
        if case .string(let reference)? = schema["$ref"] {
            let name = reference.replacingOccurrences(of: "#/$defs/", with: "")
            guard let target = root["$defs"]?[name] else { return ["\(path): unknown $ref \(reference)"] }
            return problems(value, target, root: root, at: path)
        }
        if let constant = schema["const"], constant != value { return ["\(path): not \(constant)"] }
        if case .array(let options)? = schema["enum"], !options.contains(value) { return ["\(path): not in enum"] }
        if case .array(let options)? = schema["oneOf"] {
            let matching = options.filter { problems(value, $0, root: root, at: path).isEmpty }.count
            if matching != 1 { return ["\(path): matches \(matching) of oneOf"] }
        }
        if let type = schema["type"] {
            let allowed: [String]
            switch type {
            case .string(let name): allowed = [name]
            case .array(let names): allowed = names.compactMap { if case .string(let n) = $0 { n } else { nil } }
            default: allowed = []
            }
            guard allowed.contains(where: { matches(value, type: $0) }) else {
                return ["\(path): not \(allowed.joined(separator: " or "))"]
            }
        }
        var found: [String] = []
        switch value {
        case .string(let text):
            if case .string(let pattern)? = schema["pattern"],
                text.range(of: pattern, options: .regularExpression) == nil
            {
                found.append("\(path): does not match \(pattern)")
            }
            if case .number(let minimum)? = schema["minLength"], Double(text.count) < minimum {
                found.append("\(path): shorter than \(minimum)")
            }
        case .number(let number):
            if case .number(let minimum)? = schema["minimum"], number < minimum {
                found.append("\(path): below \(minimum)")
            }
        case .array(let items):
            if let itemSchema = schema["items"] {
                for (index, item) in items.enumerated() {
                    found += problems(item, itemSchema, root: root, at: "\(path)[\(index)]")
                }
            }
        case .object(let members):
            if case .array(let required)? = schema["required"] {
                for case .string(let key) in required where members[key] == nil {
                    found.append("\(path): lacks \(key)")
                }
            }
            for (key, member) in members.sorted(by: { $0.key < $1.key }) {
                if let property = schema["properties"]?[key] {
                    found += problems(member, property, root: root, at: "\(path).\(key)")
                } else if let additional = schema["additionalProperties"] {
                    found += problems(member, additional, root: root, at: "\(path).\(key)")
                }
            }
        case .null, .bool:
            break
        }
        return found
    }

    static func matches(_ value: JSONValue, type: String) -> Bool {
        switch (type, value) {
        case ("null", .null), ("boolean", .bool), ("number", .number), ("string", .string), ("array", .array),
            ("object", .object):
            true
        case ("integer", .number(let number)): number.rounded() == number
        default: false
        }
    }
}
