import Foundation
import Hummingbird
import HummingbirdTesting
import Kimple
import KimpleHost

/// A host on a fresh temporary data directory and a manual clock, closed and removed after the test.
struct HostFixture: Sendable {
    static let start = Date(timeIntervalSince1970: 1_781_517_600)  // 2026-06-15T10:00:00Z
    static let operation = KimpleHost.demoOperation

    let host: KimpleHost
    let clock: ManualClock
    let directory: URL

    /// Runs `body` with a host on a new data directory and its test client.
    static func with(
        options: TenantOptions = TenantOptions(),
        _ body: @escaping @Sendable (HostFixture, any TestClientProtocol) async throws -> Void
    ) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "kimple-host-test-\(UUID().uuidString)", isDirectory: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let clock = ManualClock(start)
        let configuration = HostConfiguration(dataDirectory: directory)
        let host = try await KimpleHost.open(configuration, clock: clock, options: options)
        let fixture = HostFixture(host: host, clock: clock, directory: directory)
        do {
            let app = buildApplication(host: host, configuration: configuration)
            try await app.test(.router) { client in try await body(fixture, client) }
            try await host.close()
        } catch {
            try? await host.close()
            throw error
        }
    }

    /// The entries the SDK stored for the demo operation.
    func storedEntries() async throws -> Int {
        try await host.tenant.participations.entryCount(of: Self.operation)
    }

    /// The form page's signed form-rendered-at token, read from the page.
    static func formToken(in page: String) -> String? {
        let marker = "name=\"_form_token\" value=\""
        guard let start = page.range(of: marker)?.upperBound,
            let end = page[start...].firstIndex(of: "\"")
        else { return nil }
        return String(page[start..<end])
    }

    /// The form, then `seconds` later, a URL-encoded participation of `body` with the form's token.
    func submitForm(
        _ client: any TestClientProtocol, _ body: String, after seconds: TimeInterval = 10,
        accept: String = "text/html"
    ) async throws -> TestResponse {
        let page = try await client.execute(uri: "/operations/\(Self.operation)", method: .get)
        let token = Self.formToken(in: String(buffer: page.body)) ?? ""
        clock.advance(by: seconds)
        return try await client.execute(
            uri: "/operations/\(Self.operation)/participations", method: .post,
            headers: [.contentType: "application/x-www-form-urlencoded", .accept: accept],
            body: ByteBuffer(string: body + "&_form_token=" + token))
    }

    /// A JSON participation.
    static func submitJSON(
        _ client: any TestClientProtocol, _ json: String, operation: String = "demo-draw"
    )
        async throws -> TestResponse
    {
        try await client.execute(
            uri: "/operations/\(operation)/participations", method: .post,
            headers: [.contentType: "application/json"], body: ByteBuffer(string: json))
    }

    /// The `{"code", "message", "field"}` of an error response.
    static func error(_ response: TestResponse) throws -> (code: String, field: String?) {
        let object = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any] ?? [:]
        return (object["code"] as? String ?? "", object["field"] as? String)
    }

    static let validJSON = #"{"email":"jeanne@example.com","birth_date":"1990-04-12","rules":true}"#
}
