import KimpleCore
import Synchronization

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// One robot detection: the signal and a short explanation.
public struct RobotDetection: Sendable, Hashable {
    /// What was detected.
    public var signal: RobotSignal
    /// The measured value or the match, for the record.
    public var detail: String

    /// A detection of `signal`.
    public init(signal: RobotSignal, detail: String) {
        self.signal = signal
        self.detail = detail
    }

    /// The refusal: `participation.robot.<signal>`.
    public var error: KimpleError {
        KimpleError(
            .robotRefusal(signal), "This participation looks automated and was refused (\(signal.rawValue)).",
            context: ["signal": signal.rawValue, "detail": detail])
    }
}

/// The robot checks of one tenant's intake (G-5): stateless checks of a submission
/// (honeypot, load-testing agent, completion time) and per-source state (token bucket,
/// distinct identities per window), in 16 lock-protected shards so concurrent
/// submissions from different sources rarely wait for each other.
public final class RobotDetector: Sendable {
    private struct SourceState {
        var tokens: Double
        var updated: Double
        var churnStart: Double
        var identities: [UInt64] = []
        var lastSeen: Double
    }

    /// A cached verdict, keyed by the agent's hash and checked against its length: no
    /// string is kept or compared, so concurrent lookups touch no shared reference count.
    /// (A 64-bit hash collision with a different agent of the same length, with the
    /// process's random hash seed, is not a practical concern.)
    private struct AgentCacheEntry {
        var length: Int
        var verdict: Int?
    }

    /// The thresholds.
    public let policy: RobotPolicy
    private let agents: LoadTestingAgents
    private let shards: [LockedShard<[Int: SourceState]>]
    private let agentCache: [LockedShard<[Int: AgentCacheEntry]>]
    private static let shardCount = 16
    private static let agentCacheSize = 256

    /// A detector applying `policy`, with no source seen yet.
    public init(policy: RobotPolicy = RobotPolicy()) {
        self.policy = policy
        self.agents = LoadTestingAgents(extra: policy.extraAgentMarkers)
        self.shards = (0..<Self.shardCount).map { _ in LockedShard([:]) }
        self.agentCache = (0..<Self.shardCount).map { _ in LockedShard([:]) }
    }

    /// The checks that need no state: a filled honeypot, a load-testing user agent, a form
    /// completed faster than the policy's minimum (or "started" in the future).
    public func inspect(
        honeypotValue: FieldInput?, userAgent: String?, formStartedAt: Date?, now: Date
    ) -> RobotDetection? {
        if policy.honeypot, let honeypotValue {
            let filled: Bool
            switch honeypotValue {
            case .text(let text): filled = !text.trimmedText.isEmpty
            case .utf8(let bytes): filled = bytes.contains { $0 != 0x20 }
            case .flag(let flag): filled = flag
            }
            if filled { return RobotDetection(signal: .honeypot, detail: "the hidden field was filled") }
        }
        if policy.refusesLoadTestingAgents, let userAgent, let marker = agentVerdict(userAgent) {
            return RobotDetection(signal: .loadTestingAgent, detail: "user agent matches \(marker)")
        }
        if let started = formStartedAt {
            let elapsed = now.timeIntervalSince(started)
            if !(elapsed >= policy.minimumCompletionSeconds) {
                return RobotDetection(
                    signal: .tooFast,
                    detail: "form completed in \(Self.milliseconds(elapsed)) ms, minimum "
                        + "\(Self.milliseconds(policy.minimumCompletionSeconds)) ms")
            }
        }
        return nil
    }

    /// Takes one token from `source`'s bucket; returns a ``RobotSignal/burstRate`` detection
    /// when the bucket is empty (nothing is taken then).
    public func consumeBurst(source: String, now: Date) -> RobotDetection? {
        consumeBurst(sourceKey: source.hashValue, now: now)
    }

    /// ``consumeBurst(source:now:)`` with the source's `hashValue` already computed.
    func consumeBurst(sourceKey key: Int, now: Date) -> RobotDetection? {
        let t = now.timeIntervalSinceReferenceDate
        let refused: Bool = withSource(key, now: t) { state in
            state.tokens = min(
                policy.burstCapacity, state.tokens + max(0, t - state.updated) * policy.burstRefillPerSecond)
            state.updated = max(state.updated, t)
            guard state.tokens >= 1 else { return true }
            state.tokens -= 1
            return false
        }
        guard refused else { return nil }
        return RobotDetection(
            signal: .burstRate,
            detail: "more than \(policy.burstCapacity) submissions in a burst, then "
                + "\(policy.burstRefillPerSecond) per second")
    }

    /// Notes that `source` submitted `identity`; returns an ``RobotSignal/identityChurn``
    /// detection when the source already submitted the policy's limit of distinct
    /// identities in the current window (the new one is not counted then).
    public func noteIdentity(_ identity: IdentityKey, source: String, now: Date) -> RobotDetection? {
        noteIdentity(identity, sourceKey: source.hashValue, now: now)
    }

    /// ``noteIdentity(_:source:now:)`` with the source's `hashValue` already computed.
    func noteIdentity(_ identity: IdentityKey, sourceKey key: Int, now: Date) -> RobotDetection? {
        let t = now.timeIntervalSinceReferenceDate
        let refused: Bool = withSource(key, now: t) { state in
            if t - state.churnStart >= policy.identityChurnWindow {
                state.churnStart = t
                state.identities.removeAll(keepingCapacity: true)
            }
            let short = identity.high
            if state.identities.contains(short) { return false }
            guard state.identities.count < policy.identityChurnLimit else { return true }
            state.identities.append(short)
            return false
        }
        guard refused else { return nil }
        return RobotDetection(
            signal: .identityChurn,
            detail: "more than \(policy.identityChurnLimit) distinct identities in "
                + "\(policy.identityChurnWindow) s")
    }

    /// How many sources the detector holds state for now: at most 16 shards of
    /// ``RobotPolicy/maximumTrackedSourcesPerShard`` each.
    package var trackedSourceCount: Int {
        shards.reduce(0) { total, shard in total + shard.lock.withLock { $0.count } }
    }

    private func withSource(_ key: Int, now t: Double, _ body: (inout SourceState) -> Bool) -> Bool {
        let shard = shards[Int(UInt(bitPattern: key) % UInt(Self.shardCount))]
        return shard.lock.withLock { states in
            if states.count >= policy.maximumTrackedSourcesPerShard, states[key] == nil { evict(&states, now: t) }
            let fresh = SourceState(tokens: policy.burstCapacity, updated: t, churnStart: t, lastSeen: t)
            return Self.update(&states[key, default: fresh], now: t, body)
        }
    }

    private static func update(_ state: inout SourceState, now t: Double, _ body: (inout SourceState) -> Bool) -> Bool {
        state.lastSeen = max(state.lastSeen, t)
        return body(&state)
    }

    /// Forgets sources idle long enough that forgetting changes nothing (full bucket,
    /// window over); if that frees nothing, starts the shard afresh.
    private func evict(_ states: inout [Int: SourceState], now t: Double) {
        let refill = policy.burstRefillPerSecond > 0 ? policy.burstCapacity / policy.burstRefillPerSecond : 0
        let idle = max(policy.identityChurnWindow, refill)
        states = states.filter { t - $0.value.lastSeen < idle }
        if states.count >= policy.maximumTrackedSourcesPerShard { states.removeAll() }
    }

    private static func milliseconds(_ seconds: Double) -> String {
        guard seconds.isFinite, abs(seconds) < 1e12 else { return seconds < 0 ? "-inf" : "inf" }
        return String(Int64((seconds * 1000).rounded()))
    }

    private func agentVerdict(_ userAgent: String) -> String? {
        let hash = userAgent.hashValue
        let length = userAgent.utf8.count
        let shard = agentCache[Int(UInt(bitPattern: hash) % UInt(Self.shardCount))]
        if let cached = shard.lock.withLock({ $0[hash] }), cached.length == length {
            return cached.verdict.map { agents.names[$0] }
        }
        let verdict = agents.matchIndex(userAgent)
        shard.lock.withLock { cache in
            if cache.count >= Self.agentCacheSize { cache.removeAll(keepingCapacity: true) }
            cache[hash] = AgentCacheEntry(length: length, verdict: verdict)
        }
        return verdict.map { agents.names[$0] }
    }
}

/// One lock-protected shard of state (a `Mutex` cannot sit in an array by itself).
final class LockedShard<Value: Sendable>: Sendable {
    let lock: Mutex<Value>

    init(_ value: Value) { lock = Mutex(value) }
}
