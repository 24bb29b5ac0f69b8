import KimpleCore

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The tag of operations.
public enum OperationTag {}
/// A promotional operation (jeu promotionnel) of a tenant.
public typealias OperationID = Identifier<OperationTag>

/// A signal of automated participation (G-5, §7.2).
public struct RobotSignal: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible {
    /// The raw string.
    public let rawValue: String
    /// A value from its raw string.
    public init(rawValue: String) { self.rawValue = rawValue }
    /// A readable form of the value.
    public var description: String { rawValue }

    /// Too many submissions from one source in a short time (token bucket per source).
    public static let burstRate = RobotSignal(rawValue: "burst_rate")
    /// The form was completed faster than a person can.
    public static let tooFast = RobotSignal(rawValue: "too_fast")
    /// The hidden honeypot field was filled.
    public static let honeypot = RobotSignal(rawValue: "honeypot")
    /// The user agent is a load-testing tool (LoadRunner, JMeter, k6...).
    public static let loadTestingAgent = RobotSignal(rawValue: "load_testing_agent")
    /// Too many distinct identities from one source in a window.
    public static let identityChurn = RobotSignal(rawValue: "identity_churn")
}

/// A detection of automated participation, recorded with its source so that availability
/// incidents can be attributed to the client's own robots (G-5, A-4).
public struct RobotEvent: Sendable, Hashable, Codable {
    /// The tenant (client) whose operation received the traffic.
    public var tenant: TenantID
    /// The operation.
    public var operation: OperationID
    /// Where the traffic came from: the source key the host gave at intake (an IP
    /// address, a device key), as given.
    public var source: String
    /// What was detected.
    public var signal: RobotSignal
    /// When.
    public var time: Date
    /// A short explanation (the rate measured, the agent matched...).
    public var detail: String
    /// How many detections of this signal from this source the event stands for, from
    /// ``time`` to the end of that minute (the intake writes the first detection of a
    /// minute at once and the rest as one event; see `Documentation/Games.md`).
    public var count: Int

    /// An event with the given values; `count` is 1 for a single detection.
    public init(
        tenant: TenantID, operation: OperationID, source: String, signal: RobotSignal, time: Date, detail: String = "",
        count: Int = 1
    ) {
        self.tenant = tenant
        self.operation = operation
        self.source = source
        self.signal = signal
        self.time = time
        self.detail = detail
        self.count = count
    }

    private enum CodingKeys: String, CodingKey {
        case tenant, operation, source, signal, time, detail, count
    }

    /// Decodes an event; `count` defaults to 1 when absent.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.tenant = try container.decode(TenantID.self, forKey: .tenant)
        self.operation = try container.decode(OperationID.self, forKey: .operation)
        self.source = try container.decode(String.self, forKey: .source)
        self.signal = try container.decode(RobotSignal.self, forKey: .signal)
        self.time = try container.decode(Date.self, forKey: .time)
        self.detail = try container.decodeIfPresent(String.self, forKey: .detail) ?? ""
        self.count = try container.decodeIfPresent(Int.self, forKey: .count) ?? 1
    }
}
