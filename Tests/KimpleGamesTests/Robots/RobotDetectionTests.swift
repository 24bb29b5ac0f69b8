import Foundation
import KimpleCore
import KimpleGames
import Testing

@Suite("Robots")
struct RobotDetectionTests {
    // SPEC G-5
    @Test("a filled honeypot is refused and recorded with its source")
    func honeypot() async throws {
        let h = try await Harness.make()
        var fields = Fixtures.fields()
        fields["website"] = "http://spam.example"
        let result = try await h.submit(fields)
        expectRejected(result, .participationRobotHoneypot)
        #expect(try await h.participations.recordCount() == 0)
        let events = try await h.robotEvents.events(of: Fixtures.operationID, from: .distantPast, to: .distantFuture)
        #expect(
            events == [
                RobotEvent(
                    tenant: Fixtures.tenant, operation: Fixtures.operationID, source: "203.0.113.7", signal: .honeypot,
                    time: Fixtures.during, detail: "the hidden field was filled")
            ])
        // An empty honeypot is what a person sends.
        fields["website"] = ""
        #expect(try await h.submit(fields).isAccepted)
    }

    // SPEC G-5
    @Test(
        "load-testing agents named by §7.2 and common tools are refused",
        arguments: [
            "Mozilla/4.0 (compatible; MSIE 6.0; Windows NT 5.1) LoadRunner", "WinRunner/7.6", "Silk Performer 21.0",
            "SilkPerformer/20.5", "Rational Robot", "QALoad/5.7", "WebLOAD/12", "RadView/HttpLoader/1.0",
            "Apache-JMeter/5.6.3", "JMeter/5.6", "Gatling/3.10.3", "k6/0.49.0 (https://k6.io/)", "locust/2.20.1",
            "wrk", "ApacheBench/2.3", "Mozilla/5.0 (pc-x86_64-linux-gnu) Siege/4.1.6", "hey/0.0.1", "NeoLoad/9.2",
            "Artillery (https://artillery.io)", "Tsung", "httperf/0.9.0", "Vegeta/12", "bombardier/1.2",
        ])
    func loadTestingAgents(_ agent: String) async throws {
        let h = try await Harness.make()
        let result = try await h.intake.submit(h.submission(userAgent: agent))
        expectRejected(result, .participationRobotLoadTestingAgent)
        let events = try await h.robotEvents.events(from: .distantPast, to: .distantFuture)
        #expect(events.map(\.signal) == [.loadTestingAgent])
    }

    // SPEC G-5
    @Test(
        "browsers and apps are not mistaken for load-testing tools",
        arguments: [
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
            "Mozilla/5.0 (Linux; Android 14; SM-A536B) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/125.0.6422.165 Mobile Safari/537.36",
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 14.5; rv:127.0) Gecko/20100101 Firefox/127.0",
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36 Edg/126.0.2592.56",
            "Mozilla/5.0 (Linux; Android 13; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/25.0 Chrome/121.0 Mobile Safari/537.36",
            "AcmeApp/3.2 (iOS 17.5; fr_FR) Alamofire/5.9",
        ])
    func browsers(_ agent: String) async throws {
        let h = try await Harness.make()
        #expect(try await h.intake.submit(h.submission(userAgent: agent)).isAccepted)
    }

    // SPEC G-5
    @Test("a form completed faster than the minimum, or 'started' in the future, is refused")
    func tooFast() async throws {
        let h = try await Harness.make()
        func submit(startedSecondsAgo: Double, email: String) async throws -> IntakeResult {
            var submission = h.submission(Fixtures.fields(email: email))
            submission.context.formStartedAt = h.clock.now.addingTimeInterval(-startedSecondsAgo)
            return try await h.intake.submit(submission)
        }
        let fast = try await submit(startedSecondsAgo: 1.2, email: "a@example.com")
        expectRejected(fast, .participationRobotTooFast)
        #expect(fast.rejection?.context["detail"] == "form completed in 1200 ms, minimum 3000 ms")
        expectRejected(try await submit(startedSecondsAgo: -60, email: "b@example.com"), .participationRobotTooFast)
        #expect(try await submit(startedSecondsAgo: 3, email: "c@example.com").isAccepted)
        var unknown = h.submission(Fixtures.fields(email: "d@example.com"))
        unknown.context.formStartedAt = nil
        #expect(try await h.intake.submit(unknown).isAccepted)
    }

    // SPEC G-5
    @Test(
        "a burst from one source empties its token bucket; detections of a minute are written as one event plus a count"
    )
    func burst() async throws {
        let policy = RobotPolicy(burstCapacity: 5, burstRefillPerSecond: 1)
        let h = try await Harness.make(configuration: IntakeConfiguration(robots: policy))
        for n in 0..<5 { #expect(try await h.submit(Fixtures.fields(email: "p\(n)@example.com")).isAccepted) }
        for n in 5..<9 {
            expectRejected(
                try await h.submit(Fixtures.fields(email: "p\(n)@example.com")), .participationRobotBurstRate)
        }
        // Another source is not affected; one second later the first source earns one token back.
        #expect(try await h.submit(Fixtures.fields(email: "q@example.com"), source: "198.51.100.1").isAccepted)
        h.clock.advance(by: 1)
        #expect(try await h.submit(Fixtures.fields(email: "p9@example.com")).isAccepted)
        expectRejected(try await h.submit(Fixtures.fields(email: "p10@example.com")), .participationRobotBurstRate)
        #expect(try await h.participations.recordCount() == 7)

        // 5 detections in the minute: the first one written at once, the 4 others counted.
        var events = try await h.robotEvents.events(of: Fixtures.operationID, from: .distantPast, to: .distantFuture)
        #expect(events.map(\.count) == [1])
        try await h.intake.flushRobotEvents()
        events = try await h.robotEvents.events(of: Fixtures.operationID, from: .distantPast, to: .distantFuture)
        #expect(events.map(\.count) == [1, 4])
        #expect(events.allSatisfy { $0.signal == .burstRate && $0.source == "203.0.113.7" })
        #expect(events[1].time == Fixtures.during.addingTimeInterval(0))  // the second detection of the minute
        // A detection in a later minute writes the previous minute's count first.
        h.clock.advance(by: 60)
        for n in 0..<8 { _ = try await h.submit(Fixtures.fields(email: "r\(n)@example.com")) }
        events = try await h.robotEvents.events(of: Fixtures.operationID, from: .distantPast, to: .distantFuture)
        #expect(events.map(\.count).reduce(0, +) == 6)
    }

    // SPEC G-5
    @Test("too many distinct identities from one source in the window are refused; the window then starts again")
    func identityChurn() async throws {
        let policy = RobotPolicy(identityChurnLimit: 3, identityChurnWindow: 600)
        let h = try await Harness.make(configuration: IntakeConfiguration(robots: policy))
        for n in 0..<3 { #expect(try await h.submit(Fixtures.fields(email: "p\(n)@example.com")).isAccepted) }
        let fourth = try await h.submit(Fixtures.fields(email: "p3@example.com"))
        expectRejected(fourth, .participationRobotIdentityChurn)
        // The same identity again is not churn (it is a duplicate).
        expectRejected(try await h.submit(Fixtures.fields(email: "p0@example.com")), .participationDuplicate)
        h.clock.advance(by: 600)
        #expect(try await h.submit(Fixtures.fields(email: "p3@example.com")).isAccepted)
        let events = try await h.robotEvents.events(from: .distantPast, to: .distantFuture)
        #expect(events.map(\.signal) == [.identityChurn])
    }

    // SPEC G-5
    @Test("without a source the per-source checks are skipped, the others still apply")
    func noSource() async throws {
        let h = try await Harness.make(configuration: IntakeConfiguration(robots: RobotPolicy(burstCapacity: 1)))
        for n in 0..<3 {
            #expect(try await h.submit(Fixtures.fields(email: "p\(n)@example.com"), source: nil).isAccepted)
        }
        var fields = Fixtures.fields(email: "x@example.com")
        fields["website"] = "filled"
        expectRejected(try await h.submit(fields, source: nil), .participationRobotHoneypot)
        #expect(try await h.robotEvents.events(from: .distantPast, to: .distantFuture).first?.source == "")
    }

    // SPEC G-5, A-4
    @Test("the reader gives the events of an operation or of the tenant between two instants")
    func reader() async throws {
        let h = try await Harness.make()
        try await h.service.create(Fixtures.operation(id: "winter-2026"), by: Fixtures.staff)
        try await h.service.schedule("winter-2026", under: Fixtures.licence, by: Fixtures.staff)
        let agent = "k6/0.49.0"
        _ = try await h.intake.submit(h.submission(userAgent: agent))
        h.clock.advance(by: 120)
        _ = try await h.intake.submit(h.submission(operation: "winter-2026", userAgent: agent))
        h.clock.advance(by: 120)
        _ = try await h.intake.submit(h.submission(userAgent: agent))
        let reader: any RobotEventReader = h.robotEvents
        let start = Fixtures.during
        #expect(try await reader.events(from: start, to: start.addingTimeInterval(241)).count == 3)
        #expect(
            try await reader.events(of: Fixtures.operationID, from: start, to: start.addingTimeInterval(241)).count == 2
        )
        #expect(
            try await reader.events(of: Fixtures.operationID, from: start, to: start.addingTimeInterval(240)).count == 1
        )
        #expect(
            try await reader.events(of: "winter-2026", from: start.addingTimeInterval(1), to: .distantFuture).count == 1
        )
    }

    // SPEC G-5
    @Test("the detector's per-source memory stays bounded under a flood of distinct sources")
    func boundedMemory() {
        let detector = RobotDetector(policy: RobotPolicy(burstCapacity: 2, maximumTrackedSourcesPerShard: 10))
        let now = Fixtures.during
        var largest = 0
        for n in 0..<10_000 {
            _ = detector.consumeBurst(source: "10.\(n / 65_536).\(n / 256 % 256).\(n % 256)", now: now)
            largest = max(largest, detector.trackedSourceCount)
        }
        // 10,000 distinct sources, yet never more tracked than 16 shards of 10.
        #expect(largest <= 16 * 10)
        #expect(largest > 16)
        #expect(detector.trackedSourceCount <= 16 * 10)
        // A source seen long ago may have been forgotten; a source in a burst now is still caught.
        #expect(detector.consumeBurst(source: "192.0.2.1", now: now) == nil)
        #expect(detector.consumeBurst(source: "192.0.2.1", now: now) == nil)
        #expect(detector.consumeBurst(source: "192.0.2.1", now: now)?.signal == .burstRate)
    }
}
