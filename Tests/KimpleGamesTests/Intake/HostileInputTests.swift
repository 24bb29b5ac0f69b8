import Foundation
import KimpleCore
import KimpleGames
import KimpleTesting
import Testing

@Suite("Hostile input")
struct HostileInputTests {
    private func json(_ text: String) -> [UInt8] { Array(text.utf8) }

    private func submitJSON(_ h: Harness, _ bytes: [UInt8]) async throws -> IntakeResult {
        try await h.intake.submit(
            operation: Fixtures.operationID, json: bytes,
            context: SubmissionContext(source: "203.0.113.7", formStartedAt: h.clock.now.addingTimeInterval(-30)))
    }

    private static let valid =
        #"{"email": "jane@example.com", "first_name": "Jane", "birth_date": "1990-04-12", "rules": true, "marketing": null}"#

    // SPEC G-4
    @Test("a valid JSON submission is accepted")
    func validJSON() async throws {
        let h = try await Harness.make()
        #expect(try await submitJSON(h, json(Self.valid)).isAccepted)
        let escaped =
            #"{"email":"zo\u00e9@example.com","first_name":"Zo\u0065\u0301 \ud83c\udf89","birth_date":"1990-04-12","rules":"on"}"#
        let accepted = try #require(try await submitJSON(h, json(escaped)).accepted)
        let entry = try #require(try await h.participations.entry(accepted.entry))
        #expect(entry.email == "zoé@example.com")
        #expect(entry[field: "first_name"] == "Zoé 🎉")
    }

    // SPEC G-4
    @Test("a 10 MB payload is refused before it is parsed; a 10 MB field before it is read")
    func hugePayloads() async throws {
        let h = try await Harness.make()
        var huge = json(#"{"email": ""#)
        huge += [UInt8](repeating: UInt8(ascii: "a"), count: 10 << 20)
        huge += json(#"@example.com"}"#)
        let result = try await submitJSON(h, huge)
        expectRejected(result, .participationPayloadTooLarge)
        #expect(result.rejection?.context["limit"] == "65536")

        var fields = Fixtures.fields()
        fields["first_name"] = .text(String(repeating: "x", count: 10 << 20))
        expectRejected(try await h.submit(fields), .participationFieldTooLong)
        fields = Fixtures.fields()
        fields[String(repeating: "k", count: 1_000)] = "v"
        expectRejected(try await h.submit(fields), .participationFieldTooLong)
        fields = Fixtures.fields()
        for n in 0..<100 { fields["f\(n)"] = "v" }
        expectRejected(try await h.submit(fields), .participationTooManyFields)
        let longAgent = h.submission(userAgent: String(repeating: "Mozilla ", count: 1_000))
        expectRejected(try await h.intake.submit(longAgent), .participationPayloadTooLarge)
        #expect(try await h.participations.recordCount() == 0)
    }

    // SPEC G-4
    @Test("invalid UTF-8 is refused, from JSON and from raw bytes")
    func invalidUTF8() async throws {
        let h = try await Harness.make()
        for bad in [[0xC3, 0x28], [0xFF], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xC0, 0xAF]] as [[UInt8]] {
            var payload = json(#"{"email": "jane@example.com", "first_name": "J"#)
            payload += bad
            payload += json(#"", "birth_date": "1990-04-12", "rules": true}"#)
            expectRejected(try await submitJSON(h, payload), .participationInvalidUTF8)
            var fields = Fixtures.fields()
            fields["first_name"] = .utf8(Array("J".utf8) + bad)
            let raw = try await h.submit(fields)
            expectRejected(raw, .participationInvalidUTF8)
            #expect(raw.rejection?.context["field"] == "first_name")
        }
        expectRejected(try await submitJSON(h, json(#"{"first_name": "\ud800"}"#)), .participationInvalidUTF8)
        expectRejected(try await submitJSON(h, json(#"{"first_name": "\udc00\ud800"}"#)), .participationInvalidUTF8)
        #expect(try await h.participations.recordCount() == 0)
    }

    // SPEC G-4
    @Test("control characters are refused; line breaks only in multi-line fields")
    func controlCharacters() async throws {
        let h = try await Harness.make()
        for value in ["Jane\u{0}", "\u{1B}[31mJane", "Ja\u{7F}ne", "Jane\u{85}", "Jane\nDoe", "Ja\u{9F}ne", "Jane\r"] {
            var fields = Fixtures.fields()
            fields["first_name"] = .text(value)
            expectRejected(try await h.submit(fields), .participationControlCharacter)
        }
        expectRejected(
            try await submitJSON(
                h,
                json(
                    #"{"email": "jane@example.com", "first_name": "Jane\u0000", "birth_date": "1990-04-12", "rules": true}"#
                )),
            .participationControlCharacter)
        // A raw control byte inside a JSON string is not JSON at all.
        expectRejected(try await submitJSON(h, json("{\"first_name\": \"Ja\u{1}ne\"}")), .participationMalformed)
        var fields = Fixtures.fields()
        fields["story"] = "First line\r\n\tSecond line"
        #expect(try await h.submit(fields).isAccepted)
        #expect(try await h.participations.recordCount() == 1)
    }

    // SPEC G-4
    @Test("deeply nested data is refused at its first byte")
    func nesting() async throws {
        let h = try await Harness.make()
        let deepArray =
            [UInt8](repeating: UInt8(ascii: "["), count: 1_000_000)
            + [UInt8](repeating: UInt8(ascii: "]"), count: 1_000_000)
        #expect(deepArray.count > 64 << 10)
        expectRejected(try await submitJSON(h, deepArray), .participationPayloadTooLarge)
        let nested = json(String(repeating: #"{"a":"#, count: 10_000) + "1" + String(repeating: "}", count: 10_000))
        expectRejected(try await submitJSON(h, nested), .participationTooDeep)
        expectRejected(try await submitJSON(h, json(String(repeating: "[", count: 60_000))), .participationTooDeep)
        expectRejected(try await submitJSON(h, json(#"{"email": ["a@example.com"]}"#)), .participationTooDeep)
        expectRejected(try await submitJSON(h, json(#"{"email": {"$ne": null}}"#)), .participationTooDeep)
    }

    // SPEC G-4
    @Test(
        "malformed JSON is refused with participation.malformed",
        arguments: [
            "", "   ", "{", "}", "{\"email\"}", "{\"email\":}", "{\"email\": \"a\",}", "{\"email\": \"a\"} trailing",
            "{\"email\": 'a'}", "{email: \"a\"}", "{\"email\": \"a\" \"b\": 1}", "{\"a\": tru}", "{\"a\": \"\\x\"}",
            "{\"a\": \"unterminated}", "{\"a\": 1, \"a\": 2}", "\"just a string\"", "null",
        ])
    func malformed(_ text: String) async throws {
        let h = try await Harness.make()
        expectRejected(try await submitJSON(h, json(text)), .participationMalformed)
    }

    // SPEC G-4
    @Test("unknown fields are refused, in JSON too")
    func unknownFields() async throws {
        let h = try await Harness.make()
        let result = try await submitJSON(
            h,
            json(
                #"{"email": "jane@example.com", "first_name": "Jane", "birth_date": "1990-04-12", "rules": true, "__proto__": "x"}"#
            ))
        expectRejected(result, .participationUnknownField)
        #expect(result.rejection?.context["field"] == "__proto__")
    }

    // SPEC G-4
    @Test("random damage to a valid submission never crashes: accepted or refused with a participation code")
    func fuzz() async throws {
        let h = try await Harness.make(
            configuration: IntakeConfiguration(robots: RobotPolicy(burstCapacity: 1_000_000)))
        var generator = SeededRandom(seed: 0x4B49_4D50_4C45)
        let original = json(Self.valid)
        var accepted = 0
        for round in 0..<3_000 {
            var bytes = original
            for _ in 0..<(1 + Int(generator.next() % 4)) {
                let position = Int(generator.next() % UInt64(bytes.count))
                switch generator.next() % 4 {
                case 0: bytes[position] = UInt8(truncatingIfNeeded: generator.next())
                case 1: bytes.remove(at: position)
                case 2: bytes.insert(UInt8(truncatingIfNeeded: generator.next()), at: position)
                default: bytes = Array(bytes.prefix(position))
                }
                if bytes.isEmpty { break }
            }
            let result = try await submitJSON(h, bytes)
            if result.isAccepted {
                accepted += 1
            } else {
                #expect(result.rejection?.code.domain == "participation", "round \(round): \(result)")
            }
        }
        // Damage can change the person (another address): every accepted entry is a distinct person.
        let emails = try await h.participations.entries(of: Fixtures.operationID).compactMap(\.email)
        #expect(emails.count == accepted)
        #expect(Set(emails).count == accepted)
    }
}
