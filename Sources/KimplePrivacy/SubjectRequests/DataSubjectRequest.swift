import KimpleCore

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The tag of data subject request ids.
public enum DataSubjectRequestTag {}
/// A data subject request received by the processor.
public typealias DataSubjectRequestID = Identifier<DataSubjectRequestTag>

/// The right a person exercises (GDPR art. 15 to 21).
public enum DataSubjectRight: String, Sendable, Hashable, Codable, CaseIterable {
    /// Art. 15.
    case access
    /// Art. 16.
    case rectification
    /// Art. 17.
    case erasure
    /// Art. 18.
    case restriction
    /// Art. 20.
    case portability
    /// Art. 21.
    case objection
}

/// What the controller decided the processor does about a request (P-3).
public enum DataSubjectAction: Sendable, Hashable, Codable, CustomStringConvertible {
    /// Gather every record about the person for the controller (access, portability).
    case export
    /// Erase every record about the person, in every holder.
    case erase
    /// Replace `field` with `value` in every record about the person.
    case rectify(field: String, value: String)
    /// Mark the person's data as restricted (art. 18): the restriction list is consulted by
    /// the host before processing.
    case restrict
    /// Lift a restriction.
    case liftRestriction

    /// The action without personal data (`rectify field email`), for proofs and the log.
    public var description: String {
        switch self {
        case .export: "export"
        case .erase: "erase"
        case .rectify(let field, _): "rectify field \(field)"
        case .restrict: "restrict"
        case .liftRestriction: "lift restriction"
        }
    }
}

/// The controller's decision on a request (P-3): execute some actions, or refuse; and
/// whether the processor may answer the person itself (§11.2.2 a).
public struct ControllerDecision: Sendable, Hashable, Codable {
    /// Execute or refuse.
    public enum Outcome: String, Sendable, Hashable, Codable {
        /// The processor executes ``ControllerDecision/actions``.
        case execute
        /// The controller refuses the request (its reason is kept).
        case refuse
    }

    /// Execute or refuse.
    public var outcome: Outcome
    /// What to execute, in order.
    public var actions: [DataSubjectAction]
    /// Why, as the controller said.
    public var reason: String
    /// Whether the controller authorised the processor to answer the person itself.
    public var processorMayAnswer: Bool
    /// Who at the controller decided.
    public var decidedBy: String
    /// When the controller decided.
    public var decidedAt: Date

    /// A decision as the controller gave it.
    public init(
        outcome: Outcome, actions: [DataSubjectAction] = [], reason: String = "", processorMayAnswer: Bool = false,
        decidedBy: String, decidedAt: Date
    ) {
        self.outcome = outcome
        self.actions = actions
        self.reason = reason
        self.processorMayAnswer = processorMayAnswer
        self.decidedBy = decidedBy
        self.decidedAt = decidedAt
    }
}

/// The extension of a request's deadline by two months (art. 12(3)).
public struct DeadlineExtension: Sendable, Hashable, Codable {
    /// Why, as given within the first month.
    public var reason: String
    /// When it was recorded.
    public var recordedAt: Date
    /// Who recorded it.
    public var recordedBy: Principal
}

/// A request of a data subject received by the processor (P-3), from receipt to proof.
///
/// The person's locator and statement are kept only while needed: they are dropped (the
/// locator's SHA-256 stays) once the data was erased or the request is closed.
public struct DataSubjectRequest: Sendable, Hashable, Codable {
    /// The request.
    public var id: DataSubjectRequestID
    /// The controller concerned.
    public var tenant: TenantID
    /// The right exercised.
    public var right: DataSubjectRight
    /// How to find the person in the stores; `nil` once dropped.
    public var subject: SubjectLocator?
    /// SHA-256 of the locator (see ``SubjectDigest``).
    public var subjectDigest: SHA256Digest
    /// When the processor received it (the deadlines run from it).
    public var receivedAt: Date
    /// How it reached the processor (`e-mail to privacy@...`, `support form`).
    public var channel: String
    /// What the person wrote, as received; `nil` once dropped.
    public var statement: String?
    /// Who recorded it.
    public var recordedBy: Principal
    /// When it was forwarded to the controller.
    public var forwardedAt: Date?
    /// The deadline before the extension: the end of the day, one calendar month after the
    /// day of receipt (Paris).
    public var initialDeadline: Date
    /// The deadline in force.
    public var deadline: Date
    /// The extension, when given.
    public var deadlineExtension: DeadlineExtension?
    /// The controller's decision.
    public var decision: ControllerDecision?
    /// The proof of execution.
    public var proof: ExecutionProof?
    /// When the processor answered the person (only with the controller's authorisation).
    public var answeredAt: Date?
    /// When the request was closed.
    public var closedAt: Date?

    /// Where the request stands.
    public var status: Status {
        if closedAt != nil { return .closed }
        if proof != nil { return .executed }
        if let decision { return decision.outcome == .refuse ? .refusedByController : .decided }
        return forwardedAt == nil ? .received : .forwarded
    }

    /// Where a request stands.
    public enum Status: String, Sendable, Hashable, Codable {
        /// Recorded, not yet forwarded (the transport failed).
        case received
        /// Forwarded to the controller, waiting for its decision.
        case forwarded
        /// The controller decided an execution, not yet carried out.
        case decided
        /// The controller refused the request.
        case refusedByController = "refused_by_controller"
        /// Executed, with a proof.
        case executed
        /// Closed.
        case closed
    }
}

/// The deadlines of data subject requests (P-3, GDPR art. 12(3)), as pure functions.
///
/// A period of months ends at the end of the day of the last month with the same number as
/// the day of receipt, or the last day of that month when it has none (Regulation 1182/71,
/// art. 3): received on 31 January, due at the end of 28 (or 29) February. Dates are taken
/// in Paris.
public enum RequestDeadlines {
    /// The end (exclusive) of the first month: an answer is in time strictly before it.
    public static func initialDeadline(receivedAt: Date, calendar: FrenchCalendar = .paris) -> Date {
        calendar.endOfDay(calendar.civilDate(of: receivedAt).adding(months: 1))
    }

    /// The deadline once extended by two further months, counted from the initial deadline's
    /// day (31 January → 28 February → 28 April): the earlier of the two readings of "two
    /// further months", so the SDK never lets a deadline run past either.
    public static func extendedDeadline(receivedAt: Date, calendar: FrenchCalendar = .paris) -> Date {
        calendar.endOfDay(calendar.civilDate(of: receivedAt).adding(months: 1).adding(months: 2))
    }
}

/// Where a request stands against its deadline.
public struct RequestDeadlineStatus: Sendable, Hashable, Codable {
    /// The request.
    public var id: DataSubjectRequestID
    /// The right.
    public var right: DataSubjectRight
    /// When it was received.
    public var receivedAt: Date
    /// The deadline in force.
    public var deadline: Date
    /// Whether it was extended.
    public var extended: Bool
    /// Whether it can still be extended (not yet, and within the first month).
    public var extensionPossible: Bool
    /// Whole calendar days left until the deadline's day (negative once past), in Paris.
    public var daysLeft: Int
    /// Whether the deadline has passed.
    public var overdue: Bool
}
