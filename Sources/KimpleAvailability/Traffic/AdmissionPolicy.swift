import KimpleCore

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The settings of admission control (SPEC A-5): token buckets per operation, the adaptive
/// platform-wide concurrency limit, and the suspension recommendation.
public struct AdmissionPolicy: Sendable, Hashable {
    // MARK: Token buckets

    /// Requests per second an undeclared operation may sustain (50).
    public var undeclaredRate: Double
    /// Requests an undeclared operation may send at once (500).
    public var undeclaredBurst: Int
    /// The time within which a declared operation's expected participants are assumed to arrive
    /// at its peak, when the declaration gives no peak (10 minutes: a TV spot brings its audience
    /// in minutes).
    public var arrivalWindow: Duration
    /// The share of a promotion's audience assumed to take part, when the declaration gives no
    /// peak (0.1).
    public var promotionResponseRate: Double
    /// The factor applied to a declared peak for headroom (2).
    public var peakHeadroom: Double
    /// Seconds of a declared operation's rate it may send at once (5).
    public var burstSeconds: Double

    // MARK: Adaptive concurrency limit (AIMD)

    /// The concurrency limit at start (200).
    public var initialLimit: Int
    /// The limit never goes below this (16).
    public var minimumLimit: Int
    /// The limit never goes above this (10,000).
    public var maximumLimit: Int
    /// A request slower than this signals overload (100 ms).
    public var latencyThreshold: Duration
    /// The factor applied to the limit on overload (0.9).
    public var backoffRatio: Double
    /// At most one decrease per this period, so one slow episode is not counted many times (1 s).
    public var decreaseInterval: Duration
    /// The share of the limit kept for declared operations: undeclared requests are shed once
    /// `(1 − declaredReserve) × limit` requests are in flight (0.2).
    public var declaredReserve: Double
    /// The retry-after given when the platform's limit refuses a request (1 s).
    public var platformRetryAfter: Duration

    // MARK: Suspension recommendation

    /// How long an undeclared operation must keep the platform over its limit before its
    /// suspension is recommended (5 minutes).
    public var suspensionAfter: Duration
    /// The share of the traffic offered to the platform an undeclared operation must have to be
    /// held responsible for the overload (0.1).
    public var suspensionShare: Double

    /// A policy with the given values (each has a default); throws `traffic.invalid_policy` for
    /// impossible values (non-positive rates, `minimumLimit > maximumLimit`, ratios outside
    /// `0 ..< 1`...).
    public init(
        undeclaredRate: Double = 50, undeclaredBurst: Int = 500, arrivalWindow: Duration = .seconds(600),
        promotionResponseRate: Double = 0.1, peakHeadroom: Double = 2, burstSeconds: Double = 5,
        initialLimit: Int = 200, minimumLimit: Int = 16, maximumLimit: Int = 10_000,
        latencyThreshold: Duration = .milliseconds(100), backoffRatio: Double = 0.9,
        decreaseInterval: Duration = .seconds(1), declaredReserve: Double = 0.2,
        platformRetryAfter: Duration = .seconds(1), suspensionAfter: Duration = .seconds(300),
        suspensionShare: Double = 0.1
    ) throws {
        func check(_ condition: Bool, _ name: String) throws {
            guard condition else {
                throw KimpleError(
                    .trafficInvalidPolicy,
                    "The admission policy value '\(name)' is out of its range; see AdmissionPolicy.",
                    context: ["setting": name])
            }
        }
        try check(undeclaredRate.isFinite && undeclaredRate > 0 && undeclaredRate <= 1e9, "undeclaredRate")
        try check(undeclaredBurst >= 1 && undeclaredBurst <= 1_000_000_000, "undeclaredBurst")
        try check(arrivalWindow > .zero, "arrivalWindow")
        try check(promotionResponseRate.isFinite && (0...1).contains(promotionResponseRate), "promotionResponseRate")
        try check(peakHeadroom.isFinite && peakHeadroom >= 1 && peakHeadroom <= 1_000, "peakHeadroom")
        try check(burstSeconds.isFinite && burstSeconds > 0 && burstSeconds <= 3_600, "burstSeconds")
        try check(minimumLimit >= 1 && minimumLimit <= maximumLimit && maximumLimit <= 1_000_000, "limits")
        try check((minimumLimit...maximumLimit).contains(initialLimit), "initialLimit")
        try check(latencyThreshold > .zero, "latencyThreshold")
        try check(backoffRatio.isFinite && backoffRatio > 0 && backoffRatio < 1, "backoffRatio")
        try check(decreaseInterval >= .zero, "decreaseInterval")
        try check(declaredReserve.isFinite && declaredReserve >= 0 && declaredReserve < 1, "declaredReserve")
        try check(platformRetryAfter > .zero, "platformRetryAfter")
        try check(suspensionAfter >= .zero, "suspensionAfter")
        try check(suspensionShare.isFinite && suspensionShare >= 0 && suspensionShare <= 1, "suspensionShare")
        self.undeclaredRate = undeclaredRate
        self.undeclaredBurst = undeclaredBurst
        self.arrivalWindow = arrivalWindow
        self.promotionResponseRate = promotionResponseRate
        self.peakHeadroom = peakHeadroom
        self.burstSeconds = burstSeconds
        self.initialLimit = initialLimit
        self.minimumLimit = minimumLimit
        self.maximumLimit = maximumLimit
        self.latencyThreshold = latencyThreshold
        self.backoffRatio = backoffRatio
        self.decreaseInterval = decreaseInterval
        self.declaredReserve = declaredReserve
        self.platformRetryAfter = platformRetryAfter
        self.suspensionAfter = suspensionAfter
        self.suspensionShare = suspensionShare
    }

    /// The token bucket of an operation: from its declaration, or the undeclared default.
    public func bucket(for declaration: TrafficDeclaration?) -> BucketSize {
        guard let declaration else {
            return BucketSize(
                ratePerSecond: undeclaredRate, burst: undeclaredBurst,
                basis: "undeclared operation: \(undeclaredRate)/s, burst \(undeclaredBurst)")
        }
        let peak: Double
        let basis: String
        if let declared = declaration.expectedPeakPerSecond {
            peak = declared * peakHeadroom
            basis = "declared peak \(declared)/s × headroom \(peakHeadroom)"
        } else {
            let fromPromotions = Double(declaration.largestAudience) * promotionResponseRate
            let participants = max(Double(declaration.expectedParticipants), fromPromotions)
            let window = arrivalWindow.secondsValue
            peak = participants / window * peakHeadroom
            basis =
                "max(expected \(declaration.expectedParticipants), largest audience \(declaration.largestAudience) × \(promotionResponseRate)) / \(Int(window)) s × headroom \(peakHeadroom)"
        }
        let rate = max(undeclaredRate, peak)
        let burst = max(undeclaredBurst, Int(min(rate * burstSeconds, 1e9).rounded(.up)))
        return BucketSize(ratePerSecond: rate, burst: burst, basis: basis)
    }
}

/// The size of an operation's token bucket, with how it was obtained.
public struct BucketSize: Sendable, Hashable, Codable {
    /// Sustained requests per second.
    public var ratePerSecond: Double
    /// Requests that may arrive at once.
    public var burst: Int
    /// How the size was computed, for a person.
    public var basis: String
}
