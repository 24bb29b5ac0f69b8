import KimpleCore

/// The kinds of messages the privacy module sends to controllers (through the host's
/// ``MessageTransport``). Hosts route on them.
extension MessageKind {
    /// The processor considers an instruction infringing (P-1, GDPR art. 28(3)).
    public static let privacyInstructionFlagged = MessageKind(rawValue: "privacy.instruction.flagged")
    /// A data subject's request, forwarded to the controller at once (P-3).
    public static let privacyRequestForwarded = MessageKind(rawValue: "privacy.request.forwarded")
    /// The deadline of a data subject's request was extended (P-3).
    public static let privacyRequestExtended = MessageKind(rawValue: "privacy.request.extended")
    /// The controller's decision on a request was executed; the proof is attached (P-3).
    public static let privacyRequestExecuted = MessageKind(rawValue: "privacy.request.executed")
    /// The processor's answer to a data subject, sent only when the controller authorised it.
    public static let privacyRequestAnswer = MessageKind(rawValue: "privacy.request.answer")
    /// A planned change of the sub-processor list (P-4).
    public static let privacySubProcessorChange = MessageKind(rawValue: "privacy.subprocessor.change")
    /// A phase of a breach notification to the controller (P-7).
    public static let privacyBreachNotification = MessageKind(rawValue: "privacy.breach.notification")
    /// The contract ended: the controller is asked to choose return or destruction (P-9, P-10).
    public static let privacyContractEnded = MessageKind(rawValue: "privacy.contract.ended")
    /// The destruction certificate (procès-verbal de destruction) (P-9).
    public static let privacyDestructionCertificate = MessageKind(rawValue: "privacy.destruction.certificate")
    /// The processor's answer to an audit request (P-11).
    public static let privacyAuditDecision = MessageKind(rawValue: "privacy.audit.decision")
}

/// The action codes the privacy module writes to the evidence log (K-5). Entries carry ids
/// and digests only, never personal data in clear.
public enum PrivacyEvidence {
    /// A version of an instruction was recorded.
    public static let instructionRecorded = "privacy.instruction.recorded"
    /// An instruction was revoked by the controller.
    public static let instructionRevoked = "privacy.instruction.revoked"
    /// The processor flagged an instruction as infringing.
    public static let instructionFlagged = "privacy.instruction.flagged"
    /// A flag was resolved (confirmed by the controller, withdrawn).
    public static let instructionFlagResolved = "privacy.instruction.flag_resolved"
    /// A processing was refused by the gate.
    public static let processingRefused = "privacy.processing.refused"
    /// First grant of an (instruction version, purpose, subject).
    public static let processingGranted = "privacy.processing.granted"
    /// Number of grants of an (instruction version, purpose, subject) since the last summary.
    public static let processingSummary = "privacy.processing.summary"
    /// A read of personal data by a login or an SDK path, with its purpose.
    public static let accessRead = "privacy.access.read"
    /// A data subject request was received.
    public static let requestReceived = "privacy.request.received"
    /// It was forwarded to the controller.
    public static let requestForwarded = "privacy.request.forwarded"
    /// Its deadline was extended.
    public static let requestExtended = "privacy.request.extended"
    /// The controller's decision was recorded.
    public static let requestDecided = "privacy.request.decided"
    /// It was executed (the payload is the proof's findings).
    public static let requestExecuted = "privacy.request.executed"
    /// The processor answered the person, or was refused to.
    public static let requestAnswered = "privacy.request.answered"
    /// The initial list of sub-processors was agreed.
    public static let subProcessorListAgreed = "privacy.subprocessor.list_agreed"
    /// A change of sub-processor was announced.
    public static let subProcessorAnnounced = "privacy.subprocessor.announced"
    /// A registered letter announcing it was presented.
    public static let subProcessorNoticePresented = "privacy.subprocessor.notice_presented"
    /// A controller objected to it.
    public static let subProcessorObjected = "privacy.subprocessor.objected"
    /// It was activated.
    public static let subProcessorActivated = "privacy.subprocessor.activated"
    /// A breach was recorded.
    public static let breachRecorded = "privacy.breach.recorded"
    /// What is known about it was completed.
    public static let breachUpdated = "privacy.breach.updated"
    /// A phase of its notification was sent to the controller.
    public static let breachNotified = "privacy.breach.notified"
    /// A retention sweep over a holder.
    public static let retentionSwept = "privacy.retention.swept"
    /// The end of the contract was reported.
    public static let contractEnded = "privacy.contract.ended"
    /// The controller chose return or destruction.
    public static let endChoice = "privacy.contract.choice"
    /// The data was returned to the controller.
    public static let dataReturned = "privacy.contract.returned"
    /// The data was destroyed (the payload is the certificate's findings).
    public static let dataDestroyed = "privacy.contract.destroyed"
    /// An audit request was assessed.
    public static let auditRequested = "privacy.audit.requested"
    /// A third-party report stood in for an audit.
    public static let auditDecided = "privacy.audit.decided"
    /// The record of processing activities was produced.
    public static let recordProduced = "privacy.record.produced"
}
