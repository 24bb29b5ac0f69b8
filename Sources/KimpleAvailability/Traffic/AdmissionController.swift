import KimpleCore
import KimpleGames
import Synchronization

/// Why admission control refused a request.
public enum ThrottleReason: String, Sendable, Hashable, Codable, CaseIterable {
    /// The operation's token bucket is empty: it sends more than its declaration (or the
    /// undeclared default) allows.
    case operationRate = "operation_rate"
    /// The platform-wide concurrency limit is reached (undeclared operations are shed first).
    case platformConcurrency = "platform_concurrency"
    /// The operation is suspended (contract §7.3).
    case suspended
}

/// A request admitted by an ``AdmissionController``: hand it back to
/// ``AdmissionController/release(_:at:)`` when the request is done.
public struct AdmissionPermit: Sendable, Hashable {
    /// When the request was admitted.
    public let admittedAt: TrafficInstant
}

/// A refused request, with when to retry.
public struct AdmissionRefusal: Sendable, Hashable {
    /// Why it was refused.
    public let reason: ThrottleReason
    /// When a retry may succeed; `nil` for a suspended operation (retrying will not help).
    public let retryAfter: Duration?

    /// The typed error of the refusal: `traffic.throttled` with `reason` and `retry_after` (in
    /// seconds) in its context, or `traffic.suspended`.
    public var error: KimpleError {
        guard let retryAfter else {
            return KimpleError(
                .trafficSuspended, "The operation is suspended; contact the provider before sending more traffic.",
                context: ["reason": reason.rawValue])
        }
        return KimpleError(
            .trafficThrottled, "Too many requests; retry after the delay given.",
            context: ["reason": reason.rawValue, "retry_after": format3(retryAfter.secondsValue)])
    }

    private func format3(_ value: Double) -> String {
        let millis = Int64((value * 1000).rounded(.up))
        var fraction = String(String(millis % 1000 + 1000).dropFirst())
        while fraction.hasSuffix("0") { fraction.removeLast() }
        return "\(millis / 1000)" + (fraction.isEmpty ? "" : "." + fraction)
    }
}

/// The decision of admission control for one request.
public enum AdmissionDecision: Sendable, Hashable {
    /// Go ahead; release the permit when done.
    case admitted(AdmissionPermit)
    /// Refused; tell the client to retry later (HTTP 429 with `Retry-After`).
    case refused(AdmissionRefusal)

    /// Whether the request was admitted.
    public var isAdmitted: Bool {
        if case .admitted = self { return true }
        return false
    }
}

/// The admission state of one operation: its token bucket (GCRA form), its class (declared or
/// not), its suspension flag and its counters. Obtained from ``AdmissionController/lane(tenant:operation:)``
/// and kept by the caller, so that deciding a request needs no lookup and no lock.
public final class AdmissionLane: Sendable {
    /// The client.
    public let tenant: TenantID
    /// The operation.
    public let operation: OperationID
    // Generic cell rate algorithm: the bucket is the "theoretical arrival time" of the next
    // request; a request at `now` conforms when `max(tat, now) − now <= tolerance`.
    let theoreticalArrival = Atomic<Int64>(Int64.min / 4)
    let emissionInterval: Atomic<Int64>
    let tolerance: Atomic<Int64>
    let declaredFlag: Atomic<Bool>
    let suspendedFlag = Atomic<Bool>(false)
    let admitted = Atomic<Int>(0)
    let refusedRate = Atomic<Int>(0)
    let refusedPlatform = Atomic<Int>(0)
    let refusedSuspended = Atomic<Int>(0)
    let bucket: Mutex<BucketSize>

    init(tenant: TenantID, operation: OperationID, bucket: BucketSize, declared: Bool) {
        self.tenant = tenant
        self.operation = operation
        let (interval, tolerance) = Self.gcra(bucket)
        self.emissionInterval = Atomic(interval)
        self.tolerance = Atomic(tolerance)
        self.declaredFlag = Atomic(declared)
        self.bucket = Mutex(bucket)
    }

    /// Whether the operation has a traffic declaration.
    public var isDeclared: Bool { declaredFlag.load(ordering: .relaxed) }
    /// Whether the operation is suspended.
    public var isSuspended: Bool { suspendedFlag.load(ordering: .relaxed) }
    /// The current bucket size.
    public var bucketSize: BucketSize { bucket.withLock { $0 } }

    func resize(_ size: BucketSize, declared: Bool) {
        let (interval, tolerance) = Self.gcra(size)
        bucket.withLock { $0 = size }
        emissionInterval.store(interval, ordering: .relaxed)
        self.tolerance.store(tolerance, ordering: .relaxed)
        declaredFlag.store(declared, ordering: .relaxed)
    }

    /// Emission interval `T = 1 s / rate` and tolerance `(burst − 1) × T`, in nanoseconds.
    static func gcra(_ size: BucketSize) -> (Int64, Int64) {
        let interval = max(1, Int64((1e9 / size.ratePerSecond).rounded()))
        let (tolerance, overflow) = interval.multipliedReportingOverflow(by: Int64(max(0, size.burst - 1)))
        return (interval, overflow ? Int64.max / 4 : min(tolerance, Int64.max / 4))
    }

    /// Takes one token at `now`: 0 when it conforms, else the nanoseconds to wait.
    @inline(__always)
    func take(at now: Int64) -> Int64 {
        let interval = emissionInterval.load(ordering: .relaxed)
        let tolerance = self.tolerance.load(ordering: .relaxed)
        var current = theoreticalArrival.load(ordering: .relaxed)
        while true {
            let start = current > now ? current : now
            let wait = start &- now &- tolerance
            if wait > 0 { return wait }
            let (exchanged, original) = theoreticalArrival.compareExchange(
                expected: current, desired: start &+ interval, ordering: .relaxed)
            if exchanged { return 0 }
            current = original
        }
    }
}

/// Admission control in front of intake (SPEC A-5, contract §7.3): a token bucket per operation
/// sized from its traffic declaration, and a platform-wide concurrency limit that adapts to the
/// latency observed (AIMD, as Netflix's concurrency-limits `AIMDLimit`), shedding undeclared
/// operations first.
///
/// Deciding a request is lock-free: a few atomic operations on the operation's
/// ``AdmissionLane`` and on the platform's in-flight counter, well under a microsecond. Lanes are
/// found (or created, undeclared) under a lock by ``lane(tenant:operation:)``; callers keep them.
///
/// The algorithm, per request:
/// 1. a suspended operation is refused (`suspended`, no retry-after);
/// 2. the request takes a place in flight if fewer than the class's threshold are in flight:
///    the limit for a declared operation, `limit − declaredReserve × limit` for an undeclared
///    one; else it is refused (`platform_concurrency`, retry after ``AdmissionPolicy/platformRetryAfter``);
/// 3. the operation's bucket must hold a token (GCRA), else the place is given back and the
///    request is refused (`operation_rate`, retry after the exact time until the next token);
/// 4. on ``release(_:at:)``, a latency above ``AdmissionPolicy/latencyThreshold`` multiplies the
///    limit by ``AdmissionPolicy/backoffRatio`` (at most once per ``AdmissionPolicy/decreaseInterval``);
///    a faster request while at least half the limit is in use adds `1 / limit` to it, so the
///    limit grows by about one per limit's worth of requests (additive increase).
public final class AdmissionController: Sendable {
    /// The policy.
    public let policy: AdmissionPolicy
    /// The clock of the convenience methods that take no instant.
    public let clock: any TrafficClock

    private struct LaneKey: Hashable {
        let tenant: TenantID
        let operation: OperationID
    }

    private static let scale = 1024
    private let inflight = Atomic<Int>(0)
    private let scaledLimit: Atomic<Int>
    private let lastDecrease = Atomic<Int64>(Int64.min)
    private let lanes = Mutex<[LaneKey: AdmissionLane]>([:])
    private let reservePermille: Int
    private let thresholdNanoseconds: Int64
    private let decreaseNanoseconds: Int64
    private let minimumScaled: Int
    private let maximumScaled: Int

    /// A controller with `policy`, reading `clock` in the methods that take no instant.
    public init(policy: AdmissionPolicy, clock: any TrafficClock = MonotonicTrafficClock()) {
        self.policy = policy
        self.clock = clock
        self.scaledLimit = Atomic(policy.initialLimit * Self.scale)
        self.reservePermille = Int((policy.declaredReserve * 1000).rounded())
        self.thresholdNanoseconds = policy.latencyThreshold.nanoseconds
        self.decreaseNanoseconds = policy.decreaseInterval.nanoseconds
        self.minimumScaled = policy.minimumLimit * Self.scale
        self.maximumScaled = policy.maximumLimit * Self.scale
    }

    // MARK: Lanes

    /// The lane of `operation`, created undeclared (with the undeclared bucket) on first use.
    public func lane(tenant: TenantID, operation: OperationID) -> AdmissionLane {
        lanes.withLock { lanes in
            let key = LaneKey(tenant: tenant, operation: operation)
            if let lane = lanes[key] { return lane }
            let lane = AdmissionLane(
                tenant: tenant, operation: operation, bucket: policy.bucket(for: nil), declared: false)
            lanes[key] = lane
            return lane
        }
    }

    /// Applies `declaration`: the operation's lane becomes declared, with the bucket the policy
    /// sizes from it. Returns that size.
    @discardableResult
    public func declare(_ declaration: TrafficDeclaration) -> BucketSize {
        let size = policy.bucket(for: declaration)
        lane(tenant: declaration.tenant, operation: declaration.operation).resize(size, declared: true)
        return size
    }

    /// Suspends or resumes `operation`: while suspended, every request is refused (`suspended`).
    public func setSuspended(_ suspended: Bool, tenant: TenantID, operation: OperationID) {
        lane(tenant: tenant, operation: operation).suspendedFlag.store(suspended, ordering: .relaxed)
    }

    /// Forgets the lane of an operation that ended (its counters are lost; drain them first).
    public func removeLane(tenant: TenantID, operation: OperationID) {
        _ = lanes.withLock { $0.removeValue(forKey: LaneKey(tenant: tenant, operation: operation)) }
    }

    /// Every lane, in no particular order.
    public var allLanes: [AdmissionLane] { lanes.withLock { Array($0.values) } }

    // MARK: Decisions

    /// Decides a request of `lane` at `now` (see the algorithm above). Lock-free, no allocation.
    @inline(__always)
    public func admit(_ lane: AdmissionLane, at now: TrafficInstant) -> AdmissionDecision {
        if lane.suspendedFlag.load(ordering: .relaxed) {
            lane.refusedSuspended.wrappingAdd(1, ordering: .relaxed)
            return .refused(AdmissionRefusal(reason: .suspended, retryAfter: nil))
        }
        let limit = scaledLimit.load(ordering: .relaxed) / Self.scale
        let allowed = lane.declaredFlag.load(ordering: .relaxed) ? limit : limit - limit * reservePermille / 1000
        let before = inflight.wrappingAdd(1, ordering: .relaxed).oldValue
        if before >= allowed {
            inflight.wrappingSubtract(1, ordering: .relaxed)
            lane.refusedPlatform.wrappingAdd(1, ordering: .relaxed)
            return .refused(AdmissionRefusal(reason: .platformConcurrency, retryAfter: policy.platformRetryAfter))
        }
        let wait = lane.take(at: now.nanoseconds)
        if wait > 0 {
            inflight.wrappingSubtract(1, ordering: .relaxed)
            lane.refusedRate.wrappingAdd(1, ordering: .relaxed)
            return .refused(AdmissionRefusal(reason: .operationRate, retryAfter: .nanoseconds(wait)))
        }
        lane.admitted.wrappingAdd(1, ordering: .relaxed)
        return .admitted(AdmissionPermit(admittedAt: now))
    }

    /// Decides a request of `operation` now, on the controller's clock (looks the lane up).
    public func admit(tenant: TenantID, operation: OperationID) -> AdmissionDecision {
        admit(lane(tenant: tenant, operation: operation), at: clock.now())
    }

    /// Like ``admit(_:at:)``, throwing the refusal's typed error (`traffic.throttled` with a
    /// retry-after, or `traffic.suspended`).
    public func acquire(_ lane: AdmissionLane, at now: TrafficInstant) throws -> AdmissionPermit {
        switch admit(lane, at: now) {
        case .admitted(let permit): return permit
        case .refused(let refusal): throw refusal.error
        }
    }

    /// Ends an admitted request at `now`: gives its place back and feeds its latency
    /// (`now − admittedAt`) to the adaptive limit.
    @inline(__always)
    public func release(_ permit: AdmissionPermit, at now: TrafficInstant) {
        release(permit, latency: now.nanoseconds &- permit.admittedAt.nanoseconds, at: now.nanoseconds)
    }

    /// Ends an admitted request whose latency the host measured itself.
    public func release(_ permit: AdmissionPermit, latency: Duration, at now: TrafficInstant) {
        release(permit, latency: latency.nanoseconds, at: now.nanoseconds)
    }

    @inline(__always)
    private func release(_ permit: AdmissionPermit, latency: Int64, at now: Int64) {
        let before = inflight.wrappingSubtract(1, ordering: .relaxed).oldValue
        if latency > thresholdNanoseconds {
            decrease(at: now)
        } else {
            let current = scaledLimit.load(ordering: .relaxed)
            if before * 2 * Self.scale >= current, current < maximumScaled { increase(from: current) }
        }
    }

    private func decrease(at now: Int64) {
        let last = lastDecrease.load(ordering: .relaxed)
        guard now.subtractingSaturating(last) >= decreaseNanoseconds else { return }
        guard lastDecrease.compareExchange(expected: last, desired: now, ordering: .relaxed).exchanged else { return }
        var current = scaledLimit.load(ordering: .relaxed)
        while true {
            let desired = max(minimumScaled, Int(Double(current) * policy.backoffRatio))
            let (exchanged, original) = scaledLimit.compareExchange(
                expected: current, desired: desired, ordering: .relaxed)
            if exchanged { return }
            current = original
        }
    }

    private func increase(from start: Int) {
        var current = start
        while current < maximumScaled {
            let step = max(1, Self.scale * Self.scale / max(current, 1))
            let desired = min(maximumScaled, current + step)
            let (exchanged, original) = scaledLimit.compareExchange(
                expected: current, desired: desired, ordering: .relaxed)
            if exchanged { return }
            current = original
        }
    }

    // MARK: State

    /// The current concurrency limit (whole requests).
    public var currentLimit: Int { scaledLimit.load(ordering: .relaxed) / Self.scale }

    /// The requests in flight now.
    public var inFlight: Int { inflight.load(ordering: .relaxed) }

    /// The counters of every lane since the previous drain, reset to zero (read-and-reset: one
    /// consumer, the ``TrafficGovernor``, should drain them).
    public func drainCounters() -> [LaneCounters] {
        allLanes.map { lane in
            LaneCounters(
                tenant: lane.tenant, operation: lane.operation, isDeclared: lane.isDeclared,
                isSuspended: lane.isSuspended, admitted: lane.admitted.exchange(0, ordering: .relaxed),
                refusedRate: lane.refusedRate.exchange(0, ordering: .relaxed),
                refusedPlatform: lane.refusedPlatform.exchange(0, ordering: .relaxed),
                refusedSuspended: lane.refusedSuspended.exchange(0, ordering: .relaxed))
        }
    }
}

/// The counters of one lane over a period.
public struct LaneCounters: Sendable, Hashable, Codable {
    /// The client.
    public var tenant: TenantID
    /// The operation.
    public var operation: OperationID
    /// Whether the operation was declared when drained.
    public var isDeclared: Bool
    /// Whether it was suspended when drained.
    public var isSuspended: Bool
    /// Requests admitted.
    public var admitted: Int
    /// Requests refused by the operation's bucket.
    public var refusedRate: Int
    /// Requests refused by the platform's limit.
    public var refusedPlatform: Int
    /// Requests refused because the operation is suspended.
    public var refusedSuspended: Int

    /// Every request seen.
    public var offered: Int { admitted + refused }
    /// Every refused request.
    public var refused: Int { refusedRate + refusedPlatform + refusedSuspended }
}
