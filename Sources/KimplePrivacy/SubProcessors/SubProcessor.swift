import KimpleCore

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// A sub-processor of the processor (sous-traitant ultérieur) on the agreed list (P-4,
/// §11.2.4, §14.4).
public struct SubProcessor: Sendable, Hashable, Codable {
    /// Who it is and where it processes (its role is ``RecipientRole/subProcessor``).
    public var recipient: TransferRecipient
    /// What it does for the processor (`Hosting and collection of participations`).
    public var processing: String
    /// Whether it hosts or collects the data (§14.4: only the listed host may).
    public var activities: Set<HostingSite.Activity>
    /// Its guarantees (a contract with the same obligations (§11.2.4 a), certifications,
    /// the transfer basis...).
    public var guarantees: [String]

    /// The recipient's role is set to ``RecipientRole/subProcessor``.
    public init(
        recipient: TransferRecipient, processing: String, activities: Set<HostingSite.Activity> = [],
        guarantees: [String]
    ) {
        var recipient = recipient
        recipient.role = .subProcessor
        self.recipient = recipient
        self.processing = processing
        self.activities = activities
        self.guarantees = guarantees
    }

    /// Its name.
    public var name: String { recipient.name }

    func validate() throws {
        do {
            try recipient.validate()
        } catch let error as KimpleError {
            throw KimpleError(.privacySubProcessorInvalid, error.message, context: error.context)
        }
        try Text.require(processing, "What the sub-processor does", limit: 2_000, code: .privacySubProcessorInvalid)
        guard !guarantees.isEmpty else {
            throw KimpleError(
                .privacySubProcessorInvalid, "A sub-processor's guarantees are listed (§11.2.4 a).",
                context: ["sub_processor": name])
        }
    }
}

/// The written notice of a change to one controller, and when it was presented (§14.2: a
/// delay that runs from a notice starts at its first presentation).
public struct SubProcessorNotice: Sendable, Hashable, Codable {
    /// The controller.
    public var tenant: TenantID
    /// When the notice was handed to the transport.
    public var sentAt: Date
    /// When a registered letter was first presented, if later than `sentAt`.
    public var presentedAt: Date?

    /// The instant the objection window starts from.
    public var noticeGivenAt: Date { max(sentAt, presentedAt ?? sentAt) }
}

/// A controller's objection to a change.
public struct SubProcessorObjection: Sendable, Hashable, Codable {
    /// The controller.
    public var tenant: TenantID
    /// When it was received.
    public var receivedAt: Date
    /// Its reason, as given.
    public var reason: String
}

/// A planned addition or replacement of a sub-processor (P-4).
public struct SubProcessorChange: Sendable, Hashable, Codable {
    /// Addition or replacement.
    public enum Kind: String, Sendable, Hashable, Codable {
        /// A new sub-processor joins the list.
        case addition
        /// A sub-processor takes the place of another.
        case replacement
    }

    /// The change's id.
    public var id: String
    /// Its kind.
    public var kind: Kind
    /// The sub-processor joining.
    public var subProcessor: SubProcessor
    /// The name of the one it replaces, for a replacement.
    public var replaces: String?
    /// When it was announced.
    public var announcedAt: Date
    /// When it is meant to take effect.
    public var effectiveAt: Date
    /// The notice to each controller.
    public var notices: [SubProcessorNotice]
    /// Objections received within their window.
    public var objections: [SubProcessorObjection]
    /// When it was activated.
    public var activatedAt: Date?

    /// The controllers that objected.
    public var objectingTenants: Set<TenantID> { Set(objections.map(\.tenant)) }
}

/// The 60-day rule of P-4 as a pure function.
public enum SubProcessorRules {
    /// The notice period in calendar days (§11.2.4: "au moins soixante (60) jours à l'avance").
    public static let noticeDays = 60

    /// The end (exclusive) of the objection window of a notice given at `noticeGivenAt`: the
    /// end of the 60th calendar day after the day of the notice, in Paris (the day of the
    /// notice does not count, §14.2). A notice given on 2 March at 10:00 can be objected to
    /// until 1 May at 24:00, and the change can take effect from then.
    public static func windowEnd(noticeGivenAt: Date, calendar: FrenchCalendar = .paris) -> Date {
        calendar.endOfDay(calendar.civilDate(of: noticeGivenAt).adding(days: noticeDays))
    }

    /// The earliest instant the change may be activated: its effective date, and the end of
    /// every controller's window.
    public static func earliestActivation(of change: SubProcessorChange, calendar: FrenchCalendar = .paris) -> Date {
        change.notices.reduce(change.effectiveAt) {
            max($0, windowEnd(noticeGivenAt: $1.noticeGivenAt, calendar: calendar))
        }
    }
}
