import KimpleCore

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The controller's choice at the end of the contract (§11.2.11, §11.2.13).
public enum EndOfContractChoice: String, Sendable, Hashable, Codable {
    /// Return every record to the controller, then destroy the copies.
    case returnThenDestroy = "return_then_destroy"
    /// Destroy every record (a destruction certificate is produced).
    case destroy
}

/// What was returned to the controller.
public struct ReturnReceipt: Sendable, Hashable, Codable {
    /// When the return was complete.
    public var completedAt: Date
    /// Records returned, per holder.
    public var recordsPerHolder: [String: Int]
    /// Records whose values were withheld because they hold special categories (P-6).
    public var withheldSpecialRecords: Int
    /// Holders that could not list their records (not returned, destroyed all the same).
    public var holdersNotEnumerable: [String]
    /// SHA-256 of the JSON Lines handed to the sink.
    public var digest: SHA256Digest
    /// The evidence entry recording the return.
    public var evidenceHead: EvidenceHead
}

/// The end-of-contract file of a tenant: the end, the window, the controller's choice, the
/// return, the statistics kept and the destruction certificate (P-9, P-10).
public struct ContractEndRecord: Sendable, Hashable, Codable {
    /// The gate's view: end, window, destruction.
    public var state: ContractEndState
    /// When the end was first recorded.
    public var recordedAt: Date
    /// The controller's choice, once given.
    public var choice: EndOfContractChoice?
    /// When the choice was recorded.
    public var choiceRecordedAt: Date?
    /// The return, when done.
    public var returned: ReturnReceipt?
    /// The anonymous statistics kept after destruction.
    public var statistics: [AnonymousStatistics]
    /// The destruction certificate, once destroyed.
    public var certificate: DestructionCertificate?
}

/// How many days after the end of the contract exports stay possible (§12).
public enum Reversibility {
    /// 45 calendar days (§12, §14.2).
    public static let days = 45

    /// The end (exclusive) of the reversibility window of a contract that ended at
    /// `effectiveEnd`: the end of the 45th calendar day after the day of the end, in Paris
    /// (the day of the end does not count, §14.2; an end at midnight belongs to the day it
    /// starts). A contract ending on 1 April 2026 at 00:00 allows exports until 16 May 2026
    /// at 24:00.
    public static func windowEnd(effectiveEnd: Date, calendar: FrenchCalendar = .paris) -> Date {
        calendar.endOfDay(calendar.civilDate(of: effectiveEnd).adding(days: days))
    }
}
