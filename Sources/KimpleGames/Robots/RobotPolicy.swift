#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The thresholds of robot detection (G-5, §7.2).
///
/// Shared office addresses and mobile carrier NAT put many real people behind one IP
/// address, so the defaults are generous: a person never comes near them, a script does.
/// Hosts that can attest a device key should pass it as the source instead of the IP.
public struct RobotPolicy: Sendable, Hashable, Codable {
    /// Submissions a source may make in a burst (the token bucket's capacity).
    public var burstCapacity: Double
    /// Submissions per second a source earns back (the bucket's refill rate).
    public var burstRefillPerSecond: Double
    /// The shortest plausible time between serving the form and submitting it, in seconds
    /// (checked when the host gives ``SubmissionContext/formStartedAt``).
    public var minimumCompletionSeconds: Double
    /// Whether a filled honeypot field refuses the submission.
    public var honeypot: Bool
    /// Whether user agents of load-testing tools are refused.
    public var refusesLoadTestingAgents: Bool
    /// Extra user-agent markers to refuse, matched case-insensitively anywhere in the agent.
    public var extraAgentMarkers: [String]
    /// Distinct identities (e-mail, phone or host key) one source may submit per window.
    public var identityChurnLimit: Int
    /// The identity-churn window, in seconds.
    public var identityChurnWindow: Double
    /// The most sources tracked at once per shard of the detector (16 shards): past it,
    /// idle sources are forgotten first, then the shard starts afresh. Bounds memory under
    /// a distributed flood.
    public var maximumTrackedSourcesPerShard: Int

    /// The defaults: bursts of 120 then 2 per second, 3 seconds to fill a form, honeypot and
    /// load-testing agents refused, 200 distinct identities per source per hour.
    public init(
        burstCapacity: Double = 120, burstRefillPerSecond: Double = 2, minimumCompletionSeconds: Double = 3,
        honeypot: Bool = true, refusesLoadTestingAgents: Bool = true, extraAgentMarkers: [String] = [],
        identityChurnLimit: Int = 200, identityChurnWindow: Double = 3_600,
        maximumTrackedSourcesPerShard: Int = 50_000
    ) {
        self.burstCapacity = burstCapacity
        self.burstRefillPerSecond = burstRefillPerSecond
        self.minimumCompletionSeconds = minimumCompletionSeconds
        self.honeypot = honeypot
        self.refusesLoadTestingAgents = refusesLoadTestingAgents
        self.extraAgentMarkers = extraAgentMarkers
        self.identityChurnLimit = identityChurnLimit
        self.identityChurnWindow = identityChurnWindow
        self.maximumTrackedSourcesPerShard = maximumTrackedSourcesPerShard
    }
}

/// Recognises the user agents of load-testing and benchmarking tools (G-5, §7.2: "tout
/// outil logiciel (tels que notamment Loadrunner, Winrunner, Silk performer, Rational
/// Robot, QALoad et WebLOAD) conçu pour émuler automatiquement les actions d'un
/// utilisateur humain").
///
/// Long, distinctive names are matched anywhere in the agent, ignoring case, spaces,
/// dashes and underscores (`Silk Performer`, `SilkPerformer`, `silk-performer`). Short
/// names that could occur inside ordinary words (`k6`, `wrk`, `ab`, `hey`) are matched
/// only as a whole product token (`k6/0.49.0`, `ApacheBench/2.3`, `wrk`).
public struct LoadTestingAgents: Sendable {
    /// Distinctive markers, compared after removing case, spaces, dashes, underscores and dots.
    public static let markers: [String] = [
        "loadrunner", "winrunner", "silkperformer", "rationalrobot", "qaload", "webload", "radview", "jmeter",
        "gatling", "locust", "apachebench", "neoload", "loadimpact", "blazemeter", "artillery", "tsung", "httperf",
        "siege", "bombardier", "vegeta", "loaderio", "loadninja", "stormforger", "opensta", "thegrinder",
        "loadster", "loadview", "webperformance", "visualstudioloadtest", "flood.io", "floodio", "k6.io",
        "taurus", "wrk2",
    ]
    /// Product tokens matched only whole (the part of a token before `/`).
    public static let productTokens: Set<String> = ["k6", "wrk", "ab", "hey", "h2load", "oha", "autocannon", "goose"]

    private let compactMarkers: [[UInt8]]
    /// Every name a match can report: the compacted markers, then the product tokens.
    let names: [String]
    private let tokenIndex: [String: Int]

    /// The default markers plus `extra` (matched like the distinctive ones).
    public init(extra: [String] = []) {
        let compacted = (Self.markers + extra).map { Self.compact(Array($0.utf8)) }.filter { !$0.isEmpty }
        let tokens = Self.productTokens.sorted()
        compactMarkers = compacted
        names = compacted.map { String(decoding: $0, as: UTF8.self) } + tokens
        tokenIndex = Dictionary(uniqueKeysWithValues: tokens.enumerated().map { ($1, $0 + compacted.count) })
    }

    /// The marker or token found in `userAgent`, or `nil` when it looks like no load-testing tool.
    public func match(_ userAgent: String) -> String? {
        matchIndex(userAgent).map { names[$0] }
    }

    /// The index in ``names`` of the marker or token found in `userAgent`.
    func matchIndex(_ userAgent: String) -> Int? {
        let lowered = Array(userAgent.utf8.prefix(1_024)).map { $0 >= 65 && $0 <= 90 ? $0 + 32 : $0 }
        let compacted = Self.compact(lowered)
        for (index, marker) in compactMarkers.enumerated() where Self.contains(compacted, marker) {
            return index
        }
        for token in lowered.split(whereSeparator: { $0 == 32 || $0 == 40 || $0 == 41 || $0 == 59 || $0 == 44 }) {
            let product =
                token.split(separator: UInt8(ascii: "/"), maxSplits: 1, omittingEmptySubsequences: false).first ?? token
            if let index = tokenIndex[String(decoding: product, as: UTF8.self)] { return index }
        }
        return nil
    }

    private static func compact(_ bytes: [UInt8]) -> [UInt8] {
        bytes.compactMap { byte in
            switch byte {
            case 65...90: byte + 32
            case 32, 45, 95, 46: nil
            default: byte
            }
        }
    }

    private static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard needle.count <= haystack.count, let first = needle.first else { return false }
        var index = 0
        let last = haystack.count - needle.count
        while index <= last {
            if haystack[index] == first {
                var k = 1
                while k < needle.count, haystack[index + k] == needle[k] { k += 1 }
                if k == needle.count { return true }
            }
            index += 1
        }
        return false
    }
}
