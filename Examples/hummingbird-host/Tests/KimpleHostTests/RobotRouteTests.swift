import Foundation
import Hummingbird
import HummingbirdTesting
import Kimple
import KimpleHost
import Testing

@Suite("Robots and admission control at the Hummingbird host")
struct RobotRouteTests {
    // SPEC G-5: a filled honeypot is refused; nothing stored.
    @Test("429 with Retry-After for a filled honeypot")
    func honeypot() async throws {
        try await HostFixture.with { fixture, client in
            let response = try await fixture.submitForm(
                client, "email=a%40example.com&birth_date=1990-04-12&rules=true&website=http%3A%2F%2Fspam",
                accept: "application/json")
            #expect(response.status == .tooManyRequests)
            #expect(response.headers[.retryAfter] != nil)
            #expect(try HostFixture.error(response).code == "participation.robot.honeypot")
            #expect(try await fixture.storedEntries() == 0)
        }
    }

    // SPEC G-5: a form completed faster than a person can is refused, timed by the signed token.
    @Test("429 with Retry-After for a form sent back too fast")
    func tooFast() async throws {
        try await HostFixture.with { fixture, client in
            let response = try await fixture.submitForm(
                client, "email=a%40example.com&birth_date=1990-04-12&rules=true", after: 0.5,
                accept: "application/json")
            #expect(response.status == .tooManyRequests)
            #expect(response.headers[.retryAfter] == "3")
            #expect(try HostFixture.error(response).code == "participation.robot.too_fast")
            #expect(try await fixture.storedEntries() == 0)
        }
    }

    // SPEC G-5: the form-rendered-at instant cannot be forged.
    @Test("422 for a form token the server did not sign")
    func forgedToken() async throws {
        try await HostFixture.with { fixture, client in
            let response = try await client.execute(
                uri: "/operations/demo-draw/participations", method: .post,
                headers: [.contentType: "application/x-www-form-urlencoded"],
                body: ByteBuffer(
                    string: "email=a%40example.com&birth_date=1990-04-12&rules=true&_form_token=1000."
                        + String(repeating: "0", count: 64)))
            #expect(response.status == .unprocessableContent)
            #expect(try HostFixture.error(response) == ("host.invalid_form_token", "_form_token"))
            #expect(try await fixture.storedEntries() == 0)
        }
    }

    // SPEC G-5: known load-testing agents are refused.
    @Test("429 for a load-testing agent")
    func loadTestingAgent() async throws {
        try await HostFixture.with { fixture, client in
            let response = try await client.execute(
                uri: "/operations/demo-draw/participations", method: .post,
                headers: [.contentType: "application/json", .userAgent: "k6/0.49.0 (https://k6.io/)"],
                body: ByteBuffer(string: HostFixture.validJSON))
            #expect(response.status == .tooManyRequests)
            #expect(try HostFixture.error(response).code == "participation.robot.load_testing_agent")
            #expect(try await fixture.storedEntries() == 0)
        }
    }

    // SPEC A-5: traffic above the operation's rate is shed before the intake, with when to retry.
    @Test("503 with Retry-After when admission control sheds the request")
    func admissionShed() async throws {
        let admission = AdmissionController(policy: try AdmissionPolicy(undeclaredRate: 0.001, undeclaredBurst: 1))
        try await HostFixture.with(options: TenantOptions(admission: admission)) { fixture, client in
            let first = try await HostFixture.submitJSON(client, HostFixture.validJSON)
            #expect(first.status == .created)
            let second = try await HostFixture.submitJSON(
                client, #"{"email":"paul@example.com","birth_date":"1990-04-12","rules":true}"#)
            #expect(second.status == .serviceUnavailable)
            #expect(Int(second.headers[.retryAfter] ?? "") ?? 0 >= 1)
            #expect(try HostFixture.error(second).code == "traffic.throttled")
            #expect(try await fixture.storedEntries() == 1)
        }
    }

    @Test("A PostgreSQL storage URL fails with a clear error")
    func postgresNotYet() async throws {
        let configuration = try HostConfiguration(
            arguments: ["--data", "unused"], environment: ["KIMPLE_STORAGE": "postgres://localhost/kimple"])
        await #expect(
            throws: HostError.storageUnavailable(
                "the PostgreSQL store needs the KimplePostgres package (Examples/kimple-postgres)")
        ) {
            _ = try await KimpleHost.open(configuration, clock: SystemClock())
        }
    }

    @Test("The command line is bounded")
    func commandLine() throws {
        let configuration = try HostConfiguration(arguments: ["--port", "9000", "--hostname", "0.0.0.0"])
        #expect(configuration.port == 9000)
        #expect(configuration.hostname == "0.0.0.0")
        #expect(throws: HostError.self) { try HostConfiguration(arguments: ["--port", "70000"]) }
        #expect(throws: HostError.self) { try HostConfiguration(arguments: ["--port"]) }
        #expect(throws: HostError.self) { try HostConfiguration(arguments: ["--bogus", "1"]) }
    }
}
