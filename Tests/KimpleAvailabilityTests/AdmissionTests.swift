import Foundation
import KimpleAvailability
import KimpleCore
import KimpleGames
import Testing

@Suite("Admission control")
struct AdmissionTests {
    let tenant: TenantID = "acme"

    func declaration(
        _ operation: OperationID, expected: Int, promotions: [Promotion] = [], peak: Double? = nil
    ) throws
        -> TrafficDeclaration
    {
        try TrafficDeclaration(
            tenant: tenant, operation: operation, expectedParticipants: expected, promotions: promotions,
            expectedPeakPerSecond: peak, declaredAt: Date(timeIntervalSince1970: 1_780_000_000))
    }

    // SPEC A-5: a bucket is sized from the declaration: 120,000 expected participants over the
    // 10-minute arrival window, × 2 headroom = 400/s, burst 5 s = 2,000; a TV spot to 3,000,000
    // people at 10 % response gives 300,000 / 600 × 2 = 1,000/s; an undeclared operation gets 50/s.
    @Test func bucketSizing() throws {
        let policy = try AdmissionPolicy()
        let plain = policy.bucket(for: try declaration("op", expected: 120_000))
        #expect(plain.ratePerSecond == 400)
        #expect(plain.burst == 2_000)
        let tv = try declaration(
            "op", expected: 100_000, promotions: [Promotion(channel: .television, reach: 3_000_000)])
        #expect(tv.hasMassPromotion)
        #expect(policy.bucket(for: tv).ratePerSecond == 1_000)
        #expect(policy.bucket(for: try declaration("op", expected: 10, peak: 250)).ratePerSecond == 500)
        #expect(policy.bucket(for: try declaration("op", expected: 10)).ratePerSecond == 50)  // never below undeclared
        #expect(policy.bucket(for: nil).ratePerSecond == 50)
        expectCode(.trafficInvalidDeclaration) { _ = try declaration("op", expected: -1) }
        expectCode(.trafficInvalidDeclaration) { _ = try declaration("op", expected: 1, peak: .nan) }
    }

    // SPEC A-5: the token bucket of an operation (rate 100/s, burst 200) admits 200 requests at
    // once, refuses the 201st with a retry-after of exactly 10 ms (one token), admits one more
    // 10 ms later and 100 more a second later.
    @Test func tokenBucketUnderBurst() throws {
        let policy = try AdmissionPolicy(
            undeclaredRate: 100, undeclaredBurst: 200, initialLimit: 10_000, maximumLimit: 10_000)
        let controller = AdmissionController(policy: policy)
        let lane = controller.lane(tenant: tenant, operation: "op")
        let t0 = TrafficInstant.seconds(1_000)
        var admitted = 0
        for _ in 0..<200 {
            if case .admitted(let permit) = controller.admit(lane, at: t0) {
                admitted += 1
                controller.release(permit, at: t0)
            }
        }
        #expect(admitted == 200)
        guard case .refused(let refusal) = controller.admit(lane, at: t0) else {
            Issue.record("the 201st request was admitted")
            return
        }
        #expect(refusal.reason == .operationRate)
        #expect(refusal.retryAfter == .milliseconds(10))
        #expect(refusal.error.code == .trafficThrottled)
        #expect(refusal.error.context["retry_after"] == "0.01")
        #expect(refusal.error.context["reason"] == "operation_rate")
        #expect(controller.admit(lane, at: t0 + .milliseconds(10)).isAdmitted)
        #expect(!controller.admit(lane, at: t0 + .milliseconds(10)).isAdmitted)
        var later = 0
        let t1 = t0 + .milliseconds(1_010)
        for _ in 0..<150 {
            if case .admitted(let permit) = controller.admit(lane, at: t1) {
                later += 1
                controller.release(permit, at: t1)
            }
        }
        #expect(later == 100)
        expectCode(.trafficThrottled) { _ = try controller.acquire(lane, at: t1) }
    }

    // SPEC A-5: at the platform's limit (100, 20 % kept for declared operations) undeclared
    // requests are shed from 80 in flight while declared ones are admitted up to 100.
    @Test func undeclaredOperationsAreShedFirst() throws {
        let policy = try AdmissionPolicy(undeclaredRate: 1e6, undeclaredBurst: 1_000_000, initialLimit: 100)
        let controller = AdmissionController(policy: policy)
        try controller.declare(declaration("declared", expected: 1_000_000, peak: 1e6))
        let undeclared = controller.lane(tenant: tenant, operation: "undeclared")
        let declared = controller.lane(tenant: tenant, operation: "declared")
        let now = TrafficInstant.seconds(10)
        var undeclaredAdmitted = 0
        for _ in 0..<100 where controller.admit(undeclared, at: now).isAdmitted { undeclaredAdmitted += 1 }
        #expect(undeclaredAdmitted == 80)
        var declaredAdmitted = 0
        for _ in 0..<100 where controller.admit(declared, at: now).isAdmitted { declaredAdmitted += 1 }
        #expect(declaredAdmitted == 20)
        #expect(controller.inFlight == 100)
        guard case .refused(let refusal) = controller.admit(declared, at: now) else {
            Issue.record("admitted over the limit")
            return
        }
        #expect(refusal.reason == .platformConcurrency)
        #expect(refusal.retryAfter == .seconds(1))
        let counters = Dictionary(uniqueKeysWithValues: controller.drainCounters().map { ($0.operation, $0) })
        #expect(counters["undeclared"]?.refusedPlatform == 20)
        #expect(counters["declared"]?.refusedPlatform == 81)
        #expect(controller.drainCounters().allSatisfy { $0.offered == 0 })
    }

    // SPEC A-5: under a synthetic overload (every request takes 200 ms, above the 100 ms threshold)
    // the limit falls multiplicatively, at most once per second: 100, 90, 81, 72.9, 65.6 (kept in
    // 1/1024ths, shown whole); once requests are fast again at high utilisation, each completion
    // adds 1/limit: 57 completions add 57 × 17/1024 (59.05 -> 59.99), the 58th reaches 60.
    @Test func adaptiveLimitUnderOverload() throws {
        let policy = try AdmissionPolicy(
            undeclaredRate: 1e6, undeclaredBurst: 1_000_000, initialLimit: 100, minimumLimit: 10, maximumLimit: 1_000)
        let controller = AdmissionController(policy: policy)
        let lane = controller.lane(tenant: tenant, operation: "op")
        var now = TrafficInstant.seconds(100)
        var limits: [Int] = []
        for _ in 0..<4 {
            var permits: [AdmissionPermit] = []
            for _ in 0..<50 {
                if case .admitted(let permit) = controller.admit(lane, at: now) { permits.append(permit) }
            }
            now = now + .milliseconds(200)
            for permit in permits { controller.release(permit, at: now) }
            limits.append(controller.currentLimit)
            now = now + .milliseconds(800)
        }
        #expect(limits == [90, 81, 72, 65])
        // Two slow requests half a second apart: only the first decreases (65.6 × 0.9 = 59.05).
        if case .admitted(let permit) = controller.admit(lane, at: now) {
            controller.release(permit, at: now + .milliseconds(500))
        }
        #expect(controller.currentLimit == 59)
        if case .admitted(let permit) = controller.admit(lane, at: now + .milliseconds(100)) {
            controller.release(permit, at: now + .milliseconds(1_000))
        }
        #expect(controller.currentLimit == 59)
        // Recovery: 40 requests stay in flight (above half the limit); each fast completion is
        // replaced by a new request.
        now = now + .seconds(5)
        var inFlight: [AdmissionPermit] = []
        for _ in 0..<40 {
            if case .admitted(let permit) = controller.admit(lane, at: now) { inFlight.append(permit) }
        }
        for completion in 1...58 {
            controller.release(inFlight.removeFirst(), at: now + .milliseconds(5))
            if case .admitted(let permit) = controller.admit(lane, at: now) { inFlight.append(permit) }
            if completion == 57 { #expect(controller.currentLimit == 59) }
        }
        #expect(controller.currentLimit == 60)
        // Fast completions at low utilisation (1 in flight) do not raise the limit.
        for permit in inFlight { controller.release(permit, at: now + .milliseconds(5)) }
        let settled = controller.currentLimit
        for _ in 0..<100 {
            if case .admitted(let permit) = controller.admit(lane, at: now) {
                controller.release(permit, at: now + .milliseconds(5))
            }
        }
        #expect(controller.currentLimit == settled)
    }

    // SPEC A-5, §7.3: an undeclared operation that keeps the platform over its limit for 5 minutes
    // gets a suspension recommendation; a declared one never does; the pressure resets when the
    // platform recovers.
    @Test func suspensionRecommendation() throws {
        let policy = try AdmissionPolicy(
            undeclaredRate: 1e6, undeclaredBurst: 1_000_000, initialLimit: 20, minimumLimit: 20)
        let wall = try ManualClock(iso8601: "2026-06-10T10:00:00Z")
        let controller = AdmissionController(policy: policy)
        try controller.declare(declaration("tv-game", expected: 1_000_000, peak: 1e6))
        let governor = TrafficGovernor(controller: controller, clock: wall)
        let flood = controller.lane(tenant: tenant, operation: "flood")
        let tv = controller.lane(tenant: tenant, operation: "tv-game")
        _ = governor.evaluate()
        var now = TrafficInstant.seconds(0)
        var recommendationsSeen: [Int: [OperationID]] = [:]
        for minute in 1...7 {
            // The undeclared operation holds 16 places and keeps knocking; the declared one too.
            var held: [AdmissionPermit] = []
            for _ in 0..<30 {
                if case .admitted(let permit) = controller.admit(flood, at: now) { held.append(permit) }
                if case .admitted(let permit) = controller.admit(tv, at: now) { held.append(permit) }
            }
            for permit in held { controller.release(permit, at: now) }
            now = now + .seconds(60)
            wall.advance(by: .seconds(60))
            let report = governor.evaluate()
            #expect(report.isSaturated)
            recommendationsSeen[minute] = report.recommendations.map(\.operation)
        }
        #expect(recommendationsSeen[4] == [])
        #expect(recommendationsSeen[5] == ["flood"])
        #expect(recommendationsSeen[7] == ["flood"])
        // The platform recovers: no refusal in the next period, the pressure resets.
        _ = controller.admit(flood, at: now)
        wall.advance(by: .seconds(60))
        let calm = governor.evaluate()
        #expect(!calm.isSaturated)
        #expect(calm.recommendations.isEmpty)
        #expect(calm.samples.map(\.operation) == ["flood"])
    }

    // SPEC A-5: a suspended operation's requests are refused with `traffic.suspended` and no
    // retry-after; resuming lets them through.
    @Test func suspendedOperationIsRefused() throws {
        let clock = ManualTrafficClock(.seconds(50))
        let controller = AdmissionController(policy: try AdmissionPolicy(), clock: clock)
        controller.setSuspended(true, tenant: tenant, operation: "op")
        guard case .refused(let refusal) = controller.admit(tenant: tenant, operation: "op") else {
            Issue.record("a suspended operation was admitted")
            return
        }
        #expect(refusal.retryAfter == nil)
        #expect(refusal.error.code == .trafficSuspended)
        controller.setSuspended(false, tenant: tenant, operation: "op")
        guard case .admitted(let permit) = controller.admit(tenant: tenant, operation: "op") else {
            Issue.record("a resumed operation was refused")
            return
        }
        #expect(permit.admittedAt == .seconds(50))
        clock.advance(by: .milliseconds(20))
        controller.release(permit, at: clock.now())
        #expect(controller.inFlight == 0)
    }

    // SPEC A-5: impossible policies are refused.
    @Test func invalidPolicyIsRefused() {
        expectCode(.trafficInvalidPolicy) { _ = try AdmissionPolicy(minimumLimit: 100, maximumLimit: 10) }
        expectCode(.trafficInvalidPolicy) { _ = try AdmissionPolicy(backoffRatio: 1) }
        expectCode(.trafficInvalidPolicy) { _ = try AdmissionPolicy(undeclaredRate: 0) }
    }
}
