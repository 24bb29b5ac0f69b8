import Foundation
import Hummingbird
import HummingbirdTesting
import Kimple
import Testing

@testable import KimpleHost

@Suite("The host's set-up and pages")
struct HostSetupTests {
    // SPEC K-8: the set-up on first start is idempotent; what was accepted survives a restart.
    @Test("A restart on the same data directory keeps the operation and its entries")
    func restart() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "kimple-host-test-\(UUID().uuidString)", isDirectory: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let configuration = HostConfiguration(dataDirectory: directory)
        let clock = ManualClock(HostFixture.start)
        let first = try await KimpleHost.open(configuration, clock: clock)
        let opened = try #require(try await first.operation(HostFixture.operation))
        _ = try await first.tenant.intake.submit(
            ParticipationSubmission(
                operation: HostFixture.operation,
                fields: ["email": "a@example.com", "birth_date": "1990-04-12", "rules": true])
        ).get()
        try await first.close()

        clock.advance(by: 86_400)
        let second = try await KimpleHost.open(configuration, clock: clock)
        let reopened = try #require(try await second.operation(HostFixture.operation))
        #expect(reopened.opensAt == opened.opensAt)
        #expect(reopened.history == opened.history)
        #expect(try await second.tenant.participations.entryCount(of: HostFixture.operation) == 1)
        try await second.close()
    }

    @Test("Every value written into a page is escaped")
    func escaping() throws {
        #expect(HTML.escape(#"<a href="x">'&'</a>"#) == "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;")
        var operation = KimpleHost.demoOperation(at: HostFixture.start)
        operation.title = "<script>alert(1)</script>"
        operation.form.fields[0].label = "\"><img src=x onerror=alert(1)>"
        operation.form.consents[0].text = "</label><script>"
        let page = HTML.form(operation, token: "\"><script>")
        #expect(!page.contains("<script>"))
        #expect(!page.contains("<img"))
        #expect(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
    }

    // SPEC G-5: a form token is bound to its operation and expires.
    @Test("A form token is refused for another operation or after a day")
    func formToken() throws {
        let signer = FormTokenSigner(key: Array(repeating: 7, count: 32))
        let token = signer.token(for: "demo-draw", at: HostFixture.start)
        #expect(signer.instant(of: token, for: "demo-draw", now: HostFixture.start) != nil)
        #expect(signer.instant(of: token, for: "other", now: HostFixture.start) == nil)
        #expect(signer.instant(of: token, for: "demo-draw", now: HostFixture.start.addingTimeInterval(86_401)) == nil)
        #expect(signer.instant(of: "12.zz", for: "demo-draw", now: HostFixture.start) == nil)
        #expect(signer.instant(of: String(repeating: "1", count: 500), for: "demo-draw", now: HostFixture.start) == nil)
    }
}
