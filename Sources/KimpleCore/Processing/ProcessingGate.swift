#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The tag of controllers' instructions.
public enum InstructionTag {}
/// A documented instruction of a controller (P-1).
public typealias InstructionID = Identifier<InstructionTag>

/// Why personal data is processed (P-2). Each processing entry point of the SDK names one.
public struct ProcessingPurpose: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible {
    /// The purpose's stable name (`participation`, `export`...), recorded in grants and the evidence log.
    public let rawValue: String
    /// A purpose from its name; a host may name purposes of its own in `snake_case`.
    public init(rawValue: String) { self.rawValue = rawValue }
    /// The purpose's name.
    public var description: String { rawValue }

    /// Collecting and keeping participations of an operation (intake storage).
    public static let participation = ProcessingPurpose(rawValue: "participation")
    /// Deciding winners: instant wins, draws, quiz and contest rankings.
    public static let winnerSelection = ProcessingPurpose(rawValue: "winner_selection")
    /// Sending participants' or winners' data out of the SDK (exports).
    public static let export = ProcessingPurpose(rawValue: "export")
    /// Erasing or pseudonymising personal data (requests, retention, end of contract).
    public static let erasure = ProcessingPurpose(rawValue: "erasure")
    /// Computing statistics over participations.
    public static let statistics = ProcessingPurpose(rawValue: "statistics")
    /// Detecting and refusing automated participation.
    public static let fraudPrevention = ProcessingPurpose(rawValue: "fraud_prevention")
    /// Answering a data subject's request (access, portability...).
    public static let dataSubjectRequest = ProcessingPurpose(rawValue: "data_subject_request")
}

/// One processing of personal data that an SDK path is about to perform.
public struct ProcessingRequest: Sendable, Hashable {
    /// Whose data (the controller is this tenant).
    public var tenant: TenantID
    /// The documented instruction the processing acts under.
    public var instruction: InstructionID
    /// Why.
    public var purpose: ProcessingPurpose
    /// Which categories of personal data are touched.
    public var categories: Set<DataCategory>
    /// Who asks for it.
    public var principal: Principal
    /// What is processed, for the evidence log (for example `operation:summer-2026`).
    public var subject: String
    /// Where the data goes, when it leaves the SDK: an ISO 3166-1 alpha-2 country code
    /// and the recipient (P-8). `nil` when it stays in the SDK's own stores.
    public var destination: TransferDestination?

    /// A request, built by the SDK path about to process; `destination` is `nil` when the data stays
    /// in the SDK's own stores.
    public init(
        tenant: TenantID, instruction: InstructionID, purpose: ProcessingPurpose, categories: Set<DataCategory>,
        principal: Principal, subject: String, destination: TransferDestination? = nil
    ) {
        self.tenant = tenant
        self.instruction = instruction
        self.purpose = purpose
        self.categories = categories
        self.principal = principal
        self.subject = subject
        self.destination = destination
    }
}

/// A destination of personal data outside the SDK's own stores (P-8).
public struct TransferDestination: Sendable, Hashable, Codable {
    /// ISO 3166-1 alpha-2 code (`FR`, `US`...), upper case.
    public var country: String
    /// The recipient (a sub-processor's name, the controller itself...).
    public var recipient: String

    /// A destination; `country` is upper-cased (`fr` becomes `FR`).
    public init(country: String, recipient: String) {
        self.country = country.uppercased()
        self.recipient = recipient
    }
}

/// The permission an SDK path received to perform one processing.
public struct ProcessingGrant: Sendable, Hashable, Codable {
    /// The instruction relied on.
    public var instruction: InstructionID
    /// The version of the instruction in force when the grant was given.
    public var instructionVersion: Int
    /// The purpose granted.
    public var purpose: ProcessingPurpose
    /// Whether special-category fields may be processed in clear under this grant (P-6).
    public var allowsSpecialCategoriesInClear: Bool
    /// When it was granted.
    public var grantedAt: Date

    /// A grant, as a ``ProcessingGate`` returns it; special categories stay masked unless
    /// `allowsSpecialCategoriesInClear`.
    public init(
        instruction: InstructionID, instructionVersion: Int, purpose: ProcessingPurpose,
        allowsSpecialCategoriesInClear: Bool = false, grantedAt: Date
    ) {
        self.instruction = instruction
        self.instructionVersion = instructionVersion
        self.purpose = purpose
        self.allowsSpecialCategoriesInClear = allowsSpecialCategoriesInClear
        self.grantedAt = grantedAt
    }
}

/// The check every SDK path runs before it processes personal data (P-1, P-2, P-6, P-8).
///
/// `KimplePrivacy` provides the implementation backed by the controllers' documented
/// instructions. Intake storage, exports, draws, erasure and statistics all call
/// ``authorize(_:)`` first; none of them has a path around it.
///
/// ## Implementation requirements
/// - Throws a `KimpleError` (codes under `privacy.`) when no valid instruction of the
///   tenant covers the request's purpose, categories and destination; the refused
///   attempt is written to the tenant's evidence log before the error is thrown.
/// - Never grants a request whose categories include a special category the instruction
///   does not explicitly allow.
/// - Is fast enough to be called once per participation (well under a microsecond for
///   a request it has already seen).
public protocol ProcessingGate: Sendable {
    /// Grants `request` or throws (see the implementation requirements).
    func authorize(_ request: ProcessingRequest) async throws -> ProcessingGrant
}
