import Foundation
import Hummingbird
import HummingbirdTesting
import Kimple
import KimpleHost
import Testing

@Suite("The participant routes of the Hummingbird host")
struct ParticipantRouteTests {
    @Test("GET /health answers 200 JSON")
    func health() async throws {
        try await HostFixture.with { _, client in
            let response = try await client.execute(uri: "/health", method: .get)
            #expect(response.status == .ok)
            #expect(String(buffer: response.body) == #"{"status":"ok"}"#)
        }
    }

    // SPEC G-1: the form shows the typed fields, required marks, consents and the rules with their hash.
    @Test("The form page shows labels, required marks, consents, the rules hash and the hidden fields")
    func formPage() async throws {
        try await HostFixture.with { fixture, client in
            let response = try await client.execute(uri: "/operations/demo-draw", method: .get)
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "text/html; charset=utf-8")
            let page = String(buffer: response.body)
            #expect(page.contains("<label for=\"email\">E-mail <span class=\"required\""))
            #expect(page.contains("<label for=\"first_name\">First name</label>"))
            #expect(page.contains("type=\"email\" id=\"email\" name=\"email\" maxlength=\"254\" required"))
            #expect(page.contains("I accept the rules of the game."))
            // HTML-escaped: the apostrophe of the marketing consent.
            #expect(page.contains("Demo Brand&#39;s offers"))
            #expect(page.contains("name=\"website\" value=\"\" tabindex=\"-1\""))
            #expect(HostFixture.formToken(in: page) != nil)

            let operation = try #require(try await fixture.host.operation(HostFixture.operation))
            let rules = try #require(operation.rules)
            #expect(page.contains("href=\"/operations/demo-draw/rules\""))
            #expect(page.contains(rules.sha256.hex))
            let document = try await client.execute(uri: "/operations/demo-draw/rules", method: .get)
            #expect(document.status == .ok)
            #expect(SHA256.hash(Array(buffer: document.body)) == rules.sha256)
        }
    }

    // SPEC G-4: accepted once, then refused as a duplicate for the same person; one entry stored.
    @Test("201 for a participation, then 409 for the same person")
    func acceptedThenDuplicate() async throws {
        try await HostFixture.with { fixture, client in
            let first = try await fixture.submitForm(
                client, "email=Jeanne%40Example.com&birth_date=1990-04-12&rules=true&website=",
                accept: "application/json")
            #expect(first.status == .created)
            let body = try JSONSerialization.jsonObject(with: Data(buffer: first.body)) as? [String: Any] ?? [:]
            #expect((body["entry"] as? String)?.isEmpty == false)
            #expect((body["outcome"] as? [String: Any])?["kind"] as? String == "no_instant_win")

            let second = try await HostFixture.submitJSON(client, HostFixture.validJSON)
            #expect(second.status == .conflict)
            #expect(try HostFixture.error(second).code == "participation.duplicate")
            #expect(try await fixture.storedEntries() == 1)
        }
    }

    @Test("An HTML client gets a page for an accepted participation")
    func acceptedPage() async throws {
        try await HostFixture.with { fixture, client in
            let response = try await fixture.submitForm(client, "email=a%40example.com&birth_date=1990-04-12&rules=on")
            #expect(response.status == .created)
            #expect(String(buffer: response.body).contains("Thank you"))
            #expect(try await fixture.storedEntries() == 1)
        }
    }

    // SPEC G-4: invalid input is refused with the field and a stable code; nothing stored.
    @Test(
        "422 names the field and the stable code",
        arguments: [
            (#"{"birth_date":"1990-04-12","rules":true}"#, "participation.missing_field", "email"),
            (
                #"{"email":"not-an-address","birth_date":"1990-04-12","rules":true}"#, "participation.invalid_email",
                "email"
            ),
            (#"{"email":"a@example.com","birth_date":"2020-04-12","rules":true}"#, "participation.ineligible_age", nil),
            (#"{"email":"a@example.com","birth_date":"1990-04-12"}"#, "participation.consent_required", "rules"),
            (
                #"{"email":"a@example.com","birth_date":"1990-04-12","rules":true,"pet":"cat"}"#,
                "participation.unknown_field", "pet"
            ),
        ])
    func invalid(json: String, code: String, field: String?) async throws {
        try await HostFixture.with { fixture, client in
            let response = try await HostFixture.submitJSON(client, json)
            #expect(response.status == .unprocessableContent)
            let error = try HostFixture.error(response)
            #expect(error.code == code)
            if let field { #expect(error.field == field) }
            #expect(try await fixture.storedEntries() == 0)
        }
    }

    // SPEC G-4: the window must be open; nothing stored.
    @Test("410 once the operation is closed")
    func closed() async throws {
        try await HostFixture.with { fixture, client in
            fixture.clock.advance(by: 366 * 86_400)
            let form = try await client.execute(uri: "/operations/demo-draw", method: .get)
            #expect(form.status == .gone)
            let response = try await HostFixture.submitJSON(client, HostFixture.validJSON)
            #expect(response.status == .gone)
            #expect(try HostFixture.error(response).code == "participation.window_closed")
            #expect(try await fixture.storedEntries() == 0)
        }
    }

    // SPEC G-1: a paused operation refuses participations for now; the client may come back.
    @Test("503 with Retry-After while the operation is paused")
    func paused() async throws {
        try await HostFixture.with { fixture, client in
            try await fixture.host.tenant.operations.pause(HostFixture.operation, by: .staff("moderator"))
            let response = try await HostFixture.submitJSON(client, HostFixture.validJSON)
            #expect(response.status == .serviceUnavailable)
            #expect(response.headers[.retryAfter] == "60")
            #expect(try HostFixture.error(response).code == "participation.window_closed")
            #expect(try await fixture.storedEntries() == 0)
        }
    }

    @Test("404 for an unknown operation")
    func unknown() async throws {
        try await HostFixture.with { fixture, client in
            #expect(try await client.execute(uri: "/operations/nope", method: .get).status == .notFound)
            #expect(try await client.execute(uri: "/operations/nope/rules", method: .get).status == .notFound)
            let response = try await HostFixture.submitJSON(client, HostFixture.validJSON, operation: "nope")
            #expect(response.status == .notFound)
            #expect(try HostFixture.error(response).code == "participation.unknown_operation")
            #expect(try await fixture.storedEntries() == 0)
        }
    }

    // SPEC G-4: hostile input is refused cheaply.
    @Test("413 for a 10 MB body")
    func tooLarge() async throws {
        try await HostFixture.with { fixture, client in
            let body = #"{"email":""# + String(repeating: "a", count: 10 << 20) + #""}"#
            let response = try await HostFixture.submitJSON(client, body)
            #expect(response.status == .contentTooLarge)
            #expect(try HostFixture.error(response).code == "participation.payload_too_large")
            #expect(try await fixture.storedEntries() == 0)
        }
    }

    @Test("415 for another content type")
    func unsupportedMediaType() async throws {
        try await HostFixture.with { fixture, client in
            let response = try await client.execute(
                uri: "/operations/demo-draw/participations", method: .post, headers: [.contentType: "text/plain"],
                body: ByteBuffer(string: "email=a@example.com"))
            #expect(response.status == .unsupportedMediaType)
            #expect(try HostFixture.error(response).code == "host.unsupported_media_type")
            let missing = try await client.execute(uri: "/operations/demo-draw/participations", method: .post)
            #expect(missing.status == .unsupportedMediaType)
            #expect(try await fixture.storedEntries() == 0)
        }
    }

    // SPEC G-4: strings must be valid UTF-8.
    @Test("Invalid UTF-8 is refused with a 4xx, in a form and in JSON")
    func invalidUTF8() async throws {
        try await HostFixture.with { fixture, client in
            let form = try await fixture.submitForm(
                client, "first_name=%FF%FE&email=a%40example.com&birth_date=1990-04-12&rules=true",
                accept: "application/json")
            #expect(form.status == .unprocessableContent)
            #expect(try HostFixture.error(form) == ("participation.invalid_utf8", "first_name"))

            var bytes = Array(#"{"email":"a@example.com","birth_date":"1990-04-12","rules":true,"first_name":""#.utf8)
            bytes += [0xC3, 0x28] + Array(#""}"#.utf8)
            let json = try await client.execute(
                uri: "/operations/demo-draw/participations", method: .post,
                headers: [.contentType: "application/json"], body: ByteBuffer(bytes: bytes))
            #expect((400..<500).contains(json.status.code))
            #expect(try HostFixture.error(json).code == "participation.invalid_utf8")
            #expect(try await fixture.storedEntries() == 0)
        }
    }

    @Test("A client that asks for HTML gets an error page, its values escaped")
    func errorPage() async throws {
        try await HostFixture.with { _, client in
            let response = try await client.execute(
                uri: "/operations/demo-draw/participations", method: .post,
                headers: [.contentType: "application/json", .accept: "text/html"],
                body: ByteBuffer(string: #"{"email":"a@example.com","birth_date":"1990-04-12","<b>":"x"}"#))
            #expect(response.status == .unprocessableContent)
            let page = String(buffer: response.body)
            #expect(page.contains("<!DOCTYPE html>"))
            #expect(!page.contains("<b>"))
        }
    }
}
