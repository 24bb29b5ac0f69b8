import KimpleCore

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Where a tenant stands after its contract ended (P-9, P-10).
public struct ContractEndState: Sendable, Hashable, Codable {
    /// The contract that ended.
    public var contract: String
    /// When it ended (or ends).
    public var effectiveEnd: Date
    /// The end of the 45-day reversibility window (exclusive): exports are possible before it.
    public var reversibilityEnd: Date
    /// When participant data was destroyed, once it was.
    public var destroyedAt: Date?

    /// A state.
    public init(contract: String, effectiveEnd: Date, reversibilityEnd: Date, destroyedAt: Date? = nil) {
        self.contract = contract
        self.effectiveEnd = effectiveEnd
        self.reversibilityEnd = reversibilityEnd
        self.destroyedAt = destroyedAt
    }
}

/// What the gate knows besides the instruction when it decides (P-4, P-8, P-10).
public struct GateContext: Sendable {
    /// The tenant the gate serves.
    public var tenant: TenantID
    /// The instant of the decision.
    public var now: Date
    /// The calendar of legal dates (Paris).
    public var calendar: FrenchCalendar
    /// The transfer rule's data.
    public var adequacy: AdequacyTable
    /// The end of the tenant's contract, when known.
    public var contractEnd: ContractEndState?
    /// The sub-processors the tenant agreed to (`nil`: no list configured, so no
    /// sub-processor may receive data).
    public var agreedSubProcessors: [TransferRecipient]?
    /// Why the SDK's own hosting is not acceptable, when it is not (P-4, P-8).
    public var hostingProblem: String?

    /// A context; by default the Paris calendar and the shipped adequacy table.
    public init(
        tenant: TenantID, now: Date, calendar: FrenchCalendar = .paris, adequacy: AdequacyTable = .builtIn,
        contractEnd: ContractEndState? = nil, agreedSubProcessors: [TransferRecipient]? = nil,
        hostingProblem: String? = nil
    ) {
        self.tenant = tenant
        self.now = now
        self.calendar = calendar
        self.adequacy = adequacy
        self.contractEnd = contractEnd
        self.agreedSubProcessors = agreedSubProcessors
        self.hostingProblem = hostingProblem
    }
}

/// The gate's decision for one request.
public enum GateDecision: Sendable, Hashable {
    /// Granted; the same request gets the same answer until `validUntil` (`nil`: until the
    /// instruction or the context changes).
    case granted(ProcessingGrant, validUntil: Date?)
    /// Refused with this error.
    case refused(KimpleError)
}

/// The rules of the processing gate as a pure function (P-1, P-2, P-6, P-8, P-10): the
/// ``InstructionRegistry`` calls it and caches its answers.
///
/// Checks, in order: the tenant; the instruction exists; erasure and data subject requests
/// are always allowed under an existing instruction (they are the processor's duties, also
/// after revocation or the end of the contract); the hosting is agreed and adequate; the
/// instruction is not revoked or held by a flag; the contract's end (only exports within the
/// 45-day window, statistics, requests and erasure after it; nothing but erasure and requests
/// once destroyed); the purpose; every category, special ones explicitly (for every purpose
/// but erasure, which must reach whatever was stored); the destination (listed by the
/// instruction, agreed when a sub-processor, EU/EEA or adequate on this date).
public enum ProcessingRules {
    /// Purposes granted under any recorded instruction whatever its state: the processor must
    /// always be able to erase and to assist with data subjects' requests.
    public static let alwaysPermitted: Set<ProcessingPurpose> = [.erasure, .dataSubjectRequest]

    /// Purposes still possible after the contract ended (exports only within the window).
    public static let afterContractEnd: Set<ProcessingPurpose> = [
        .export, .statistics, .erasure, .dataSubjectRequest,
    ]

    /// Decides `request` under `instruction` (the version in force, `nil` when the tenant
    /// never gave this instruction) in `context`.
    public static func decide(
        _ request: ProcessingRequest, instruction: ControllerInstruction?, context: GateContext
    ) -> GateDecision {
        let refuse = { (code: KimpleError.Code, message: String, extra: [String: String]) -> GateDecision in
            var details = [
                "instruction": request.instruction.rawValue, "purpose": request.purpose.rawValue,
            ]
            details.merge(extra) { _, new in new }
            return .refused(KimpleError(code, message, context: details))
        }
        guard request.tenant == context.tenant else {
            return refuse(
                .privacyTenantMismatch, "This gate serves another tenant; use the tenant's own privacy services.",
                ["tenant": request.tenant.rawValue])
        }
        guard let instruction, instruction.id == request.instruction else {
            return refuse(
                .privacyInstructionMissing,
                "No documented instruction of the controller has this id: record the instruction first.", [:])
        }
        let always = alwaysPermitted.contains(request.purpose)
        if !always, let problem = context.hostingProblem {
            return refuse(.privacyHostingNotAgreed, problem, [:])
        }
        if !always, let revocation = instruction.revocation {
            return refuse(
                .privacyInstructionRevoked, "The controller revoked this instruction; processing under it stopped.",
                ["revoked_at": ISO8601.string(revocation.revokedAt)])
        }
        if !always, instruction.isHeld {
            return refuse(
                .privacyInstructionOnHold,
                "The processor flagged this instruction as infringing; processing waits for the controller's answer.",
                ["version": String(instruction.version)])
        }
        var validUntil: Date?
        if let end = context.contractEnd {
            if end.destroyedAt != nil, !always {
                return refuse(
                    .privacyContractEnded, "The contract ended and participant data was destroyed.",
                    ["contract": end.contract])
            }
            if context.now >= end.effectiveEnd {
                guard afterContractEnd.contains(request.purpose) else {
                    return refuse(
                        .privacyContractEnded,
                        "The contract ended: only exports (for 45 days), statistics and erasure remain possible.",
                        ["contract": end.contract, "ended_at": ISO8601.string(end.effectiveEnd)])
                }
                if request.purpose == .export {
                    guard context.now < end.reversibilityEnd else {
                        return refuse(
                            .privacyReversibilityClosed,
                            "The 45-day reversibility window is over: exports are no longer possible.",
                            ["window_end": ISO8601.string(end.reversibilityEnd)])
                    }
                    validUntil = end.reversibilityEnd
                }
            } else {
                validUntil = end.effectiveEnd
            }
        }
        if !always {
            guard instruction.terms.purposes.contains(request.purpose) else {
                return refuse(
                    .privacyPurposeNotAllowed,
                    "The instruction does not name this purpose; ask the controller for a documented instruction.",
                    ["version": String(instruction.version)])
            }
        }
        // Erasure is possible whatever was stored; every other purpose stays within the categories.
        if request.purpose != .erasure {
            for category in request.categories.sorted() where !instruction.terms.covers(category) {
                if category.isSpecial {
                    return refuse(
                        .privacySpecialCategoryNotAllowed,
                        "This special category is refused unless the controller's instruction explicitly allows it.",
                        ["category": category.rawValue])
                }
                return refuse(
                    .privacyCategoryNotAllowed, "The instruction does not cover this category of data.",
                    ["category": category.rawValue])
            }
        }
        if let destination = request.destination {
            guard let recipient = instruction.terms.recipient(for: destination) else {
                return refuse(
                    .privacyTransferNotInstructed,
                    "The instruction does not name this recipient in this country; data may not go there.",
                    ["country": destination.country, "recipient": destination.recipient])
            }
            if recipient.role == .subProcessor {
                let agreed = context.agreedSubProcessors ?? []
                guard agreed.contains(where: { $0.name == recipient.name && $0.country == recipient.country }) else {
                    return refuse(
                        .privacySubProcessorNotAgreed,
                        "This sub-processor is not on the list the controller agreed to (or not yet active).",
                        ["recipient": recipient.name, "country": recipient.country])
                }
            }
            let assessment = context.adequacy.assess(
                destination: destination.country, recipient: recipient,
                on: context.calendar.civilDate(of: context.now))
            guard assessment.isAllowed else {
                return refuse(
                    .privacyTransferNotAdequate, assessment.explanation,
                    ["country": destination.country, "recipient": destination.recipient])
            }
            // Decisions and certifications change by the day: a transfer is decided again each day.
            let nextDay = context.calendar.endOfDay(context.calendar.civilDate(of: context.now))
            validUntil = min(validUntil ?? nextDay, nextDay)
        }
        let grant = ProcessingGrant(
            instruction: instruction.id, instructionVersion: instruction.version, purpose: request.purpose,
            allowsSpecialCategoriesInClear: instruction.terms.specialCategoriesInClear, grantedAt: context.now)
        return .granted(grant, validUntil: validUntil)
    }
}
