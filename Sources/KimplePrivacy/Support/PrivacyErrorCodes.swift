import KimpleCore

// MARK: - Processing gate (P-1, P-2, P-5, P-6, P-8, P-10)

extension KimpleError.Code {
    /// The request names an instruction the tenant never gave.
    public static let privacyInstructionMissing: Self = "privacy.instruction.missing"
    /// The instruction was revoked by the controller.
    public static let privacyInstructionRevoked: Self = "privacy.instruction.revoked"
    /// The processor flagged the instruction as infringing and holds processing under it
    /// until the controller confirms or amends it.
    public static let privacyInstructionOnHold: Self = "privacy.instruction.on_hold"
    /// An instruction given to the registry is not valid (empty text, no purpose...).
    public static let privacyInstructionInvalid: Self = "privacy.instruction.invalid"
    /// The instruction does not name the request's purpose.
    public static let privacyPurposeNotAllowed: Self = "privacy.purpose.not_allowed"
    /// The instruction does not cover a category of data of the request.
    public static let privacyCategoryNotAllowed: Self = "privacy.category.not_allowed"
    /// A special category (GDPR art. 9, 10) that the instruction does not explicitly allow.
    public static let privacySpecialCategoryNotAllowed: Self = "privacy.special_category.not_allowed"
    /// The destination is not one the instruction names.
    public static let privacyTransferNotInstructed: Self = "privacy.transfer.not_instructed"
    /// The destination is outside the EU and the EEA and no adequacy decision covers it
    /// (for that recipient, on that date).
    public static let privacyTransferNotAdequate: Self = "privacy.transfer.not_adequate"
    /// The recipient is a sub-processor that is not on the tenant's agreed list.
    public static let privacySubProcessorNotAgreed: Self = "privacy.subprocessor.not_agreed"
    /// The declared hosting or collection provider is not an agreed, adequately located
    /// sub-processor: nothing may be stored.
    public static let privacyHostingNotAgreed: Self = "privacy.hosting.not_agreed"
    /// A request of one tenant reached the privacy services of another.
    public static let privacyTenantMismatch: Self = "privacy.tenant.mismatch"
    /// The contract has ended: only exports (within the window), statistics, requests of
    /// data subjects and erasure remain possible.
    public static let privacyContractEnded: Self = "privacy.contract.ended"
    /// The 45-day reversibility window is over: exports are no longer possible.
    public static let privacyReversibilityClosed: Self = "privacy.reversibility.closed"
}

// MARK: - Holders, requests, breaches

extension KimpleError.Code {
    /// Two holders with the same name were registered for one tenant.
    public static let privacyHolderDuplicate: Self = "privacy.holder.duplicate"
    /// A holder of another tenant was registered (K-1).
    public static let privacyHolderTenantMismatch: Self = "privacy.holder.tenant_mismatch"
    /// The operation needs to enumerate a holder's records and the holder cannot.
    public static let privacyHolderNotEnumerable: Self = "privacy.holder.not_enumerable"
    /// An erasure left records behind in a holder.
    public static let privacyErasureIncomplete: Self = "privacy.erasure.incomplete"

    /// No data subject request has this id.
    public static let privacyRequestNotFound: Self = "privacy.request.not_found"
    /// A data subject request is not valid (empty channel, field to rectify missing...).
    public static let privacyRequestInvalid: Self = "privacy.request.invalid"
    /// The processor may not answer the person: the controller has not authorised it.
    public static let privacyRequestNotAuthorised: Self = "privacy.request.not_authorised"
    /// The deadline can only be extended once, with a reason, within the first month.
    public static let privacyRequestExtensionRefused: Self = "privacy.request.extension_refused"
    /// The request needs the controller's decision first, or it was already closed.
    public static let privacyRequestState: Self = "privacy.request.state"

    /// No breach has this id.
    public static let privacyBreachNotFound: Self = "privacy.breach.not_found"
    /// A breach entry is not valid (negative counts, detection in the future...).
    public static let privacyBreachInvalid: Self = "privacy.breach.invalid"
}

// MARK: - Sub-processors, end of contract, statistics, audits

extension KimpleError.Code {
    /// A change of sub-processor announced less than 60 days before it takes effect.
    public static let privacySubProcessorNoticeTooShort: Self = "privacy.subprocessor.notice_too_short"
    /// A change activated before its objection window has passed.
    public static let privacySubProcessorWindowOpen: Self = "privacy.subprocessor.window_open"
    /// An objection received after the window closed.
    public static let privacySubProcessorObjectionTooLate: Self = "privacy.subprocessor.objection_too_late"
    /// No change or sub-processor has this id or name, or the change is in the wrong state.
    public static let privacySubProcessorUnknown: Self = "privacy.subprocessor.unknown"
    /// A sub-processor entry is not valid.
    public static let privacySubProcessorInvalid: Self = "privacy.subprocessor.invalid"

    /// The contract of the tenant has not ended (no end recorded).
    public static let privacyContractNotEnded: Self = "privacy.contract.not_ended"
    /// The reversibility window is still open: participant data cannot be destroyed yet.
    public static let privacyReversibilityOpen: Self = "privacy.reversibility.open"
    /// The data was already destroyed at the end of the contract.
    public static let privacyAlreadyDestroyed: Self = "privacy.reversibility.destroyed"

    /// Statistics settings are not valid (threshold below 2, a label too long...).
    public static let privacyStatisticsInvalid: Self = "privacy.statistics.invalid"

    /// An audit request is not valid (no session, no auditor...).
    public static let privacyAuditInvalid: Self = "privacy.audit.invalid"
    /// No audit request has this id, or it is in the wrong state.
    public static let privacyAuditNotFound: Self = "privacy.audit.not_found"
}
